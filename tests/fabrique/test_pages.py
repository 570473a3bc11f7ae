import pytest
from django.test import Client
from django.urls import reverse

from tests.accompagnement.factories import PASSWORD, AdhesionFactory

pytestmark = pytest.mark.django_db


def test_home_anonymous_redirects_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_home_lists_member_organisation_and_empty_states(client, lead):
    client.force_login(lead)
    response = client.get("/")
    content = response.content.decode()
    assert response.status_code == 200
    assert lead.adhesions.get().organisation.name in content
    assert "Prochains ateliers" in content
    assert "Actions à traiter" in content


def test_home_member_without_organisation_is_told_what_to_do(client, django_user_model):
    user = AdhesionFactory().user
    user.adhesions.all().delete()
    client.force_login(user)
    assert "rattaché à aucune organisation" in client.get("/").content.decode()


@pytest.mark.parametrize(
    "url_name",
    [
        "footer-accessibility-status",
        "footer-legal-notice",
        "footer-personal-data",
        "footer-cookie-management",
        "footer-sitemap",
    ],
)
def test_public_pages_readable_without_login(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert 'lang="fr"' in response.content.decode()


def test_header_shows_site_name_and_navigation_for_members(client, lead):
    client.force_login(lead)
    content = client.get("/").content.decode()
    assert "Fabrique de l&#x27;accompagnement RH" in content
    assert 'aria-label="Menu principal"' in content


def test_unknown_page_is_dsfr_404(client, lead):
    client.force_login(lead)
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert "Page non trouvée" in response.content.decode()
    assert "fr-header" in response.content.decode()


def test_server_error_page_leaks_nothing(rf):
    from fabrique.pages.publiques import server_error  # noqa: PLC0415

    response = server_error(rf.get("/"))
    content = response.content.decode()
    assert response.status_code == 500
    assert "Erreur inattendue" in content
    assert "Traceback" not in content


def test_security_headers_present(client):
    response = client.get(reverse("account_login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    script_src = next(p for p in response["Content-Security-Policy"].split(";") if "script-src" in p)
    assert "unsafe-inline" not in script_src
    assert "unsafe-eval" not in script_src


def test_password_field_never_prefilled(client, lead):
    response = client.post(reverse("account_login"), {"login": lead.email, "password": "faux"})
    assert PASSWORD not in response.content.decode()


def test_permission_denied_is_a_french_dsfr_page(client, lead):
    client.force_login(lead)
    response = client.get("/admin/login/")
    assert response.status_code == 403
    content = response.content.decode()
    assert "Accès refusé" in content
    assert "fr-header" in content


def test_csrf_failure_is_a_french_dsfr_page_and_changes_nothing(lead):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": lead.email, "password": "x"})
    assert response.status_code == 403
    content = response.content.decode()
    assert "Formulaire expiré" in content
    assert 'lang="fr"' in content


def test_server_error_through_a_real_exception_leaks_nothing(client, lead, settings):
    settings.ROOT_URLCONF = "tests.fabrique.urls_error"
    client.raise_request_exception = False
    client.force_login(lead)
    response = client.get("/boom/")
    content = response.content.decode()
    assert response.status_code == 500
    assert "Erreur inattendue" in content
    assert "secret-detail-of-the-failure" not in content
