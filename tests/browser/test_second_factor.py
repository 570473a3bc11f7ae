"""A new DGAFP staff member's first visit in a real browser: the password again, the authenticator, the
recovery codes shown once, then the admin; each page accessible. Then a login that asks for the code."""

import re

import pytest
from playwright.sync_api import expect

from tests.accompagnement.factories import PASSWORD, UserFactory
from tests.browser.conftest import assert_accessible
from tests.second_factor import totp_code

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = "/tmp/fabrique-screenshots"  # noqa: S108 - looked at by hand, never read by the tests


def test_staff_first_visit_walks_through_enrolment_then_reaches_the_admin(page, login):
    newcomer = UserFactory(is_staff=True, totp=False, first_name="Inès", last_name="Garnier")
    login(newcomer)
    page.goto("/admin/")
    expect(page.get_by_text("protégez-le par une double authentification")).to_be_visible()
    expect(page.get_by_role("heading", name="Confirmer l'accès")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Confirmer").click()

    expect(page.get_by_role("heading", name="Activer la double authentification")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=f"{SCREENSHOTS}/2fa-activation.png", full_page=True)
    secret = page.locator("#authenticator_secret").inner_text().strip()
    page.get_by_label("Code à six chiffres").fill(totp_code(secret))
    page.get_by_role("button", name="Activer").click()

    expect(page.get_by_role("heading", name="Codes de récupération")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("ils ne seront plus affichés"))).to_be_visible()
    expect(page.locator("#recovery_codes li")).to_have_count(10)
    assert_accessible(page)
    page.screenshot(path=f"{SCREENSHOTS}/2fa-codes.png", full_page=True)
    page.get_by_role("link", name="Continuer").click()

    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_role("heading", name="Pilotage du réseau")).to_be_visible()

    page.goto("/")
    page.get_by_role("link", name="Sécurité").click()
    expect(page.get_by_role("heading", name="Sécurité du compte", level=1)).to_be_visible()
    expect(page.get_by_text("Il vous reste 10 codes de récupération inutilisés.")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=f"{SCREENSHOTS}/2fa-index.png", full_page=True)
    page.goto("/compte/2fa/reauthenticate/")
    expect(page.get_by_role("button", name="Valider")).to_be_visible()
    assert_accessible(page)


def test_staff_login_asks_the_code_on_an_accessible_page(page, staff):
    page.goto("/compte/login/")
    page.get_by_label("Adresse électronique").fill(staff.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Double authentification")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=f"{SCREENSHOTS}/2fa-login.png", full_page=True)
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("Code incorrect")).to_be_visible()
    page.get_by_label("Code").fill(totp_code())
    page.get_by_role("button", name="Valider").click()
    page.goto("/admin/")
    expect(page.get_by_role("heading", name="Pilotage du réseau")).to_be_visible()
    # The admin's « Déconnexion » is the site's logout (which would end a ProConnect session too).
    page.get_by_role("button", name="Déconnexion").click()
    expect(page).to_have_url(re.compile(r"/compte/login/$"))
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/compte/login/"))
