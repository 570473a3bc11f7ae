"""« S'identifier avec ProConnect » in a real browser: the button, the provider's sign-in page, the return to
the site signed in, then the logout through the provider's end of session and back.

The provider is the local one of tests/accompagnement/local_proconnect.py (another origin than the live
server, as ProConnect is): the site's Content-Security-Policy lets the button's form go there.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.accompagnement import local_proconnect
from tests.accompagnement.factories import UserFactory
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

BUTTON = "S’identifier avec ProConnect"
SCREENSHOTS = "/tmp/fabrique-screenshots"  # noqa: S108 - looked at by hand, never read by the tests


@pytest.fixture
def proconnect(settings):
    yield from local_proconnect.running(settings)


def sign_in_at_provider(page, sub):
    """The agent at the provider's page (oidc-provider-mock's authorization form)."""
    expect(page.get_by_role("heading", name="Authorize Client")).to_be_visible()
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize", exact=True).click()


def test_proconnect_login_and_logout_through_the_provider(page, proconnect):
    member = UserFactory(first_name="Camille", email="camille.agent@finances.gouv.fr")
    proconnect.add_agent("agent-1", email=member.email)

    page.goto("/compte/login/")
    expect(page.get_by_role("link", name="Qu’est-ce que ProConnect ?")).to_have_attribute(
        "href", "https://www.proconnect.gouv.fr/"
    )
    assert_accessible(page)
    page.screenshot(path=f"{SCREENSHOTS}/proconnect-login.png", full_page=True)
    page.get_by_role("button", name=BUTTON).click()

    expect(page).to_have_url(re.compile(rf"^{re.escape(proconnect.url)}/oauth2/authorize\?"))
    sign_in_at_provider(page, "agent-1")

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Bonjour"))
    expect(page.get_by_text("Camille").first).to_be_visible()

    page.get_by_role("button", name="Se déconnecter").click()
    # Our session is over; the browser goes on to the provider's end of session, then comes back.
    expect(page).to_have_url(
        re.compile(
            rf"^{re.escape(proconnect.url)}/oauth2/end_session"
            r"\?id_token_hint=[\w.-]+&state=\w{32,}&post_logout_redirect_uri=http"
        )
    )
    page.get_by_role("button", name="End session").click()

    expect(page).to_have_url(re.compile(r"/compte/login/$"))
    expect(page.get_by_role("button", name=BUTTON)).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/compte/login/\?next=/$"))


def test_unknown_agent_lands_on_an_accessible_page_saying_whom_to_ask(page, proconnect):
    proconnect.add_agent("agent-9", email="inconnu@interieur.gouv.fr")

    page.goto("/compte/login/")
    page.get_by_role("button", name=BUTTON).click()
    sign_in_at_provider(page, "agent-9")

    expect(page.get_by_role("heading", level=1)).to_have_text("Aucun compte de la Fabrique à cette adresse")
    expect(page.get_by_text("inconnu@interieur.gouv.fr")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=f"{SCREENSHOTS}/proconnect-inconnu.png", full_page=True)
    page.get_by_role("link", name="Retour à la page de connexion").click()
    expect(page.get_by_role("button", name=BUTTON)).to_be_visible()


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/compte/proconnect/connexion/retour/?code=un-code-sans-state", "Connexion avec ProConnect refusée"),
        ("/compte/proconnect/connexion/", "Connexion avec ProConnect"),
    ],
)
def test_proconnect_pages_are_accessible(page, proconnect, path, heading):
    page.goto(path)

    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page)
