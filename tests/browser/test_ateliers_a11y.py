"""The workshop pages pass axe-core (WCAG 2.0/2.1 A and AA)."""

import pytest
from playwright.sync_api import expect

from ateliers.enums import InscriptionStatus
from tests.ateliers.factories import AtelierFactory, InscriptionFactory, IntervenantFactory, SequenceFactory
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def atelier(lead, organisation):
    atelier = AtelierFactory(capacity=3, title="Structurer une offre d'accompagnement personnalisé")
    SequenceFactory(atelier=atelier, order=1, title="Ouverture").intervenants.add(IntervenantFactory())
    SequenceFactory(atelier=atelier, order=2, kind="debat", title="Débat public-privé")
    InscriptionFactory(atelier=atelier, user=lead, organisation=organisation)
    InscriptionFactory.create_batch(2, atelier=atelier)
    InscriptionFactory(atelier=atelier, status=InscriptionStatus.LISTE_ATTENTE)
    AtelierFactory(programme=atelier.programme, tenu=True, title="Atelier de lancement")
    return atelier


def test_programme_workshop_and_mes_inscriptions_have_no_axe_violations(page, login, lead, atelier):
    login(lead)
    for path in [
        "/ateliers/",
        f"/ateliers/{atelier.pk}/",
        "/mes-inscriptions/",
        f"/ateliers/{atelier.pk}/participants/",
    ]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)


def test_checkin_page_has_no_axe_violations(page, login, staff, atelier):
    login(staff)
    page.goto(f"/ateliers/{atelier.pk}/emargement/")
    expect(page.get_by_role("heading", level=1, name="Émargement")).to_be_visible()
    assert_accessible(page)
    # DSFR draws the radio under its label: people click the label.
    page.locator("label", has_text="Présent").first.click()
    expect(page.get_by_role("radio", name="Présent").first).to_be_checked()
    page.get_by_role("button", name="Enregistrer l'émargement").click()
    expect(page.get_by_text("Émargement enregistré")).to_be_visible()
    assert_accessible(page)
