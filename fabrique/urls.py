from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from fabrique import views

# The admin's login goes through allauth's, so its rate limits and password reset apply to staff too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("Fabrique de l'accompagnement RH — administration")
admin.site.site_title = _("Fabrique RH")
admin.site.index_title = _("Pilotage du réseau")

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accessibilite/",
        views.PublicPage.as_view(
            template_name="fabrique/accessibilite.html", title=_("Déclaration d'accessibilité")
        ),
        name="footer-accessibility-status",
    ),
    path(
        "mentions-legales/",
        views.PublicPage.as_view(template_name="fabrique/mentions_legales.html", title=_("Mentions légales")),
        name="footer-legal-notice",
    ),
    path(
        "donnees-personnelles/",
        views.PublicPage.as_view(
            template_name="fabrique/donnees_personnelles.html", title=_("Données personnelles")
        ),
        name="footer-personal-data",
    ),
    path(
        "cookies/",
        views.PublicPage.as_view(template_name="fabrique/cookies.html", title=_("Gestion des cookies")),
        name="footer-cookie-management",
    ),
    path(
        "plan-du-site/",
        views.PublicPage.as_view(template_name="fabrique/plan_du_site.html", title=_("Plan du site")),
        name="footer-sitemap",
    ),
    path("compte/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("accompagnement.urls")),
    path("", include("ateliers.urls")),
    path("", include("immersions.urls")),
]

handler404 = "fabrique.views.page_not_found"
handler500 = "fabrique.views.server_error"
