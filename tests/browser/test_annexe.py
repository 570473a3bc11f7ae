"""A booklet's « Annexe » page in a browser: axe-core, and a staff member customising a heading."""

import pytest
from playwright.sync_api import expect

from ateliers.models import ReglageAnnexe, RubriqueAnnexe
from tests.accompagnement.factories import OrganisationFactory
from tests.ateliers.annexe_factories import ministere, pfrh
from tests.ateliers.factories import AtelierFactory, register_people
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def _atelier():
    atelier = AtelierFactory(tenu=True)
    armees = ministere("Ministère des Armées", libelle_court="Armées")
    register_people(
        atelier,
        [
            (OrganisationFactory(name="Secrétariat général", parent=armees), "Marie", "d'Artagnan"),
            (ministere("Ministère de la Justice"), "Jean", "de La Fontaine"),
            (pfrh("PFRH Bretagne"), "Anne", "du Bellay"),
        ],
    )
    ReglageAnnexe.objects.create(atelier=None)
    return atelier


def test_livret_annexe_staff_customises_a_heading_and_goes_back(page, login, staff):
    atelier = _atelier()
    headings = page.locator("main h3")

    login(staff)
    page.goto(f"/ateliers/{atelier.pk}/livret/annexe/")
    expect(page.get_by_text("Ce livret suit les réglages du réseau.")).to_be_visible()
    expect(headings).to_have_text(
        ["Ministère de la Justice", "Armées", "Plateformes régionales d'appui interministériel à la GRH"]
    )
    expect(page.get_by_text("Jean de LA FONTAINE")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Personnaliser pour ce livret").click()
    expect(page.get_by_text("Ce livret a ses propres rubriques.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Intitulé de la rubrique « Ministère des Armées »").fill("Ministère des Armées")
    page.get_by_label("Rang de la rubrique « Ministère des Armées »").fill("1")
    page.locator("label", has_text="NOM Prénom").click()  # the DSFR radio sits under its label
    page.get_by_role("button", name="Enregistrer les rubriques").click()
    expect(page.get_by_text("Les rubriques de ce livret sont enregistrées.")).to_be_visible()
    expect(headings.first).to_have_text("Ministère des Armées")
    expect(page.get_by_text("d'ARTAGNAN Marie — Secrétariat général")).to_be_visible()
    rubrique = RubriqueAnnexe.objects.get(reglage__atelier=atelier, organisation__name="Ministère des Armées")
    assert (rubrique.intitule, rubrique.rang) == ("Ministère des Armées", 1)

    page.get_by_role("link", name="Revenir aux réglages du réseau").click()
    expect(page.get_by_role("heading", name="Revenir aux réglages du réseau ?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Oui, revenir aux réglages du réseau").click()
    expect(page.get_by_text("Ce livret suit de nouveau les réglages du réseau.")).to_be_visible()
    expect(headings.first).to_have_text("Ministère de la Justice")
    assert not ReglageAnnexe.objects.filter(atelier=atelier).exists()
