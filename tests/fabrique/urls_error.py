"""A URLconf with a view that fails, to test the 500 page through the real handler."""

from django.urls import include, path


def boom(request):
    raise RuntimeError("secret-detail-of-the-failure")


urlpatterns = [path("boom/", boom), path("", include("fabrique.urls"))]
handler500 = "fabrique.pages.publiques.server_error"
