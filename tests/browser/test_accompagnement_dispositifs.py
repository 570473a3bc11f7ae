"""A lead proposes a scheme in the browser, then a colleague of another ministry finds it with the facets."""

import pytest
from playwright.sync_api import expect

from accompagnement.models import Dispositif
from tests.accompagnement.factories import AdhesionFactory, DispositifFactory, OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_propose_a_scheme_then_find_it_through_the_filters(page, login):
    # check(force=True): the DSFR draws its checkboxes with the label over the input.
    culture = OrganisationFactory(ministere=True, name="Ministère de la Culture", acronym="MC", slug="mc")
    lead = AdhesionFactory(organisation=culture).user
    other = OrganisationFactory(ministere=True, name="Ministère des Armées", acronym="MINARM", slug="minarm")
    DispositifFactory(organisation=other, title="Accompagnement des conjoints de militaires")

    login(lead)
    page.goto("/dispositifs/")
    page.get_by_role("link", name="Proposer un dispositif").click()
    page.get_by_label("Titre").fill("Immersions dans les établissements culturels")
    page.get_by_label("Type de dispositif").select_option(label="Immersion")
    page.get_by_label("Maturité").select_option(label="Pilote")
    page.get_by_label("Mobilité", exact=True).check(force=True)
    page.get_by_label("Catégorie C").check(force=True)
    page.get_by_label("Contractuels").check(force=True)
    page.get_by_label("Résumé").fill(
        "Une semaine dans un musée ou une bibliothèque pour découvrir ses métiers."
    )
    page.get_by_label("Liens").fill("https://www.culture.gouv.fr/")
    page.get_by_role("button", name="Publier le dispositif").click()

    page.wait_for_url("**/dispositifs/*/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Immersions dans les établissements culturels")
    expect(
        page.get_by_text("Le dispositif « Immersions dans les établissements culturels » est publié.")
    ).to_be_visible()
    dispositif = Dispositif.objects.get(title="Immersions dans les établissements culturels")
    assert dispositif.organisation == culture
    assert dispositif.created_by == lead

    page.goto("/dispositifs/")
    page.get_by_label("Immersion (1)").check(force=True)
    page.get_by_label("Catégorie C (1)").check(force=True)
    page.get_by_role("button", name="Appliquer les filtres").click()
    page.wait_for_url("**/dispositifs/?*")
    expect(page.get_by_role("status").first).to_have_text("1 dispositif")
    expect(page.get_by_role("link", name="Immersions dans les établissements culturels")).to_be_visible()
    expect(page.get_by_role("link", name="Accompagnement des conjoints de militaires")).to_have_count(0)

    page.get_by_label("Rechercher").fill("musée")
    page.get_by_role("button", name="Appliquer les filtres").click()
    page.wait_for_url("**q=mus*")
    page.get_by_role("link", name="Immersions dans les établissements culturels").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Immersions dans les établissements culturels")
