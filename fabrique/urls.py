from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _

from accompagnement import urls as accompagnement_urls
from fabrique.pages import urls as pages_urls


def logout_through_the_site(request, extra_context=None):
    """The admin's « Déconnexion » is the site's (allauth's), which also ends a ProConnect session. A 307
    keeps the POST and its CSRF token, so the logout happens at once."""
    response = HttpResponseRedirect(reverse("account_logout"))
    response.status_code = 307
    return response


# The admin's login goes through allauth's, so its rate limits and password reset apply to staff too; so
# does its logout.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.logout = logout_through_the_site
admin.site.site_header = _("Fabrique de l'accompagnement RH — administration")
admin.site.site_title = _("Fabrique RH")
admin.site.index_title = _("Pilotage du réseau")

urlpatterns = [
    path("", include(pages_urls)),
    path("compte/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    # The network's namespace: accompagnement's own pages, and the organisation page, which shows workshops
    # and immersions too and so lives above the apps (fabrique/pages) under the same name as before.
    path(
        "",
        include(
            (
                accompagnement_urls.urlpatterns + pages_urls.reseau_urlpatterns,
                accompagnement_urls.app_name,
            )
        ),
    ),
    path("", include("ateliers.urls")),
    path("", include("immersions.urls")),
]

handler404 = "fabrique.pages.publiques.page_not_found"
handler500 = "fabrique.pages.publiques.server_error"
