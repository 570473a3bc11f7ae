"""The top floor's URLs, included by fabrique/urls.py.

`urlpatterns` are the site's own pages (no namespace). `reseau_urlpatterns` are network pages that show
several apps' data: they live here, above the apps, but keep their names in the network's namespace
(`accompagnement:organisation_detail`), which fabrique/urls.py gives them next to accompagnement's own.
"""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from fabrique.pages import organisation, tableau_de_bord
from fabrique.pages.publiques import PublicPage

urlpatterns = [
    path("", tableau_de_bord.home, name="home"),
    path(
        "accessibilite/",
        PublicPage.as_view(template_name="pages/accessibilite.html", title=_("Déclaration d'accessibilité")),
        name="footer-accessibility-status",
    ),
    path(
        "mentions-legales/",
        PublicPage.as_view(template_name="pages/mentions_legales.html", title=_("Mentions légales")),
        name="footer-legal-notice",
    ),
    path(
        "donnees-personnelles/",
        PublicPage.as_view(template_name="pages/donnees_personnelles.html", title=_("Données personnelles")),
        name="footer-personal-data",
    ),
    path(
        "cookies/",
        PublicPage.as_view(template_name="pages/cookies.html", title=_("Gestion des cookies")),
        name="footer-cookie-management",
    ),
    path(
        "plan-du-site/",
        PublicPage.as_view(template_name="pages/plan_du_site.html", title=_("Plan du site")),
        name="footer-sitemap",
    ),
]

reseau_urlpatterns = [
    path("reseau/<slug:slug>/", organisation.organisation_detail, name="organisation_detail"),
]
