import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    "path", ["/compte/login/", "/accessibilite/", "/mentions-legales/", "/compte/signup/"]
)
def test_public_pages_have_no_axe_violations(page, path):
    page.goto(path)
    assert_accessible(page)


def test_login_error_and_home_have_no_axe_violations(page, login, lead):
    page.goto("/compte/login/")
    page.get_by_label("Adresse électronique").fill(lead.email)
    page.get_by_label("Mot de passe").fill("pas-le-bon")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("mot de passe").first).to_be_visible()
    assert_accessible(page)
    login(lead)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Bonjour"))
    assert_accessible(page)
    page.goto("/page-inconnue/")
    assert_accessible(page)
