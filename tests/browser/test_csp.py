"""The Content-Security-Policy without 'unsafe-inline' styles, checked in a real browser: every violation the
browser reports (securitypolicyviolation events) and every console warning about the headers, on the pages
whose components set styles: the DSFR's menus and modals, the rich-text editor (django-prose-editor), the
admin's select2 autocompletes, the booklet's previews and the indicators' charts."""

import pytest
from playwright.sync_api import expect

from accompagnement.models import Charte
from accompagnement.services import accept_charte
from immersions.enums import ImmersionStatus
from tests.accompagnement.factories import AdhesionFactory, OrganisationFactory
from tests.ateliers.livret_factories import make_booklet_atelier
from tests.browser.conftest import log_in
from tests.immersions.factories import ImmersionFactory, in_days

pytestmark = pytest.mark.django_db(transaction=True)

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => window.cspViolations.push(
  `${event.violatedDirective} ${event.blockedURI} (${event.sourceFile}:${event.lineNumber})`
), true);
"""


@pytest.fixture
def watched(page):
    """The page, recording CSP violations (in every frame) and header warnings from the console."""
    page.context.add_init_script(RECORD_VIOLATIONS)
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text)
            if "Content Security Policy" in message.text or "Permissions-Policy" in message.text
            else None
        ),
    )
    page.console_problems = console
    return page


def violations(page, directive=""):
    found = list(page.console_problems)
    for frame in page.frames:
        found += frame.evaluate("window.cspViolations || []")
    return [violation for violation in found if directive in violation]


@pytest.fixture
def atelier(staff):
    atelier = make_booklet_atelier(participants=3, organisations=1)
    charte = Charte.objects.publiees().order_by("-version").first()
    if charte is not None:
        accept_charte(staff, charte)
    return atelier


@pytest.fixture
def immersions(organisation):
    host = OrganisationFactory(ministere=True, name="Ministère de la Culture")
    AdhesionFactory(organisation=host)
    ImmersionFactory(
        origin=organisation,
        host=host,
        status=ImmersionStatus.BILAN_FAIT,
        start_date=in_days(-40),
        end_date=in_days(-30),
    )


def test_csp_site_pages_with_dsfr_components_editor_and_charts(watched, staff, atelier, immersions):
    page = log_in(watched, staff)
    page.set_viewport_size({"width": 375, "height": 800})  # the DSFR's menu is a modal on a phone
    page.goto("/")
    page.get_by_role("button", name="Menu").click()
    close = page.locator("#fr-menu-mobile").get_by_role("button", name="Fermer")
    expect(close).to_be_visible()
    close.click()
    expect(close).to_be_hidden()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/indicateurs/")
    expect(page.locator("svg.fabrique-chart").first).to_be_visible()
    page.goto(f"/ateliers/{atelier.pk}/livret/reglages/")  # the studio: editor and framed preview
    editor = page.locator(".ProseMirror:visible").first
    editor.click()
    page.keyboard.type("Une phrase écrite dans l'éditeur.")
    expect(editor).to_contain_text("Une phrase écrite dans l'éditeur.")
    page.goto(f"/ateliers/{atelier.pk}/livret/apercu/")
    page.wait_for_load_state("networkidle")
    assert violations(page) == []


def test_csp_admin_pages_with_autocomplete_and_editor(watched, staff, atelier):
    page = log_in(watched, staff)
    page.goto(f"/admin/ateliers/atelier/{atelier.pk}/change/")
    page.locator(".select2-selection").first.click()  # select2 builds its dropdown with jQuery
    expect(page.locator(".select2-dropdown")).to_be_visible()
    page.keyboard.press("Escape")
    page.goto(f"/admin/ateliers/atelierlivret/{atelier.pk}/change/")
    expect(page.get_by_role("button", name="Générer une nouvelle version")).to_be_visible()
    page.locator(".ProseMirror:visible").first.click()
    page.keyboard.type("Texte")
    assert violations(page) == []
    # The admin's HTML preview keeps its inline print styles (its own policy: no script at all).
    page.goto(f"/admin/ateliers/atelierlivret/{atelier.pk}/apercu.html")
    page.wait_for_load_state("networkidle")
    assert violations(page, "style-src") == []
