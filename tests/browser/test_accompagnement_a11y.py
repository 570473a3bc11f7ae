"""The network's pages pass axe-core (WCAG 2.0/2.1 A and AA) with zero violations."""

import re

import pytest
from playwright.sync_api import expect

from accompagnement import services
from accompagnement.enums import Besoin, DispositifKind, Maturite, Public
from ateliers.enums import Presence
from tests.accompagnement.factories import (
    AdhesionFactory,
    CharteFactory,
    DispositifFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.ateliers.factories import AtelierFactory, InscriptionFactory
from tests.browser.conftest import assert_accessible
from tests.immersions.factories import ImmersionFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def network(db):
    justice = OrganisationFactory(ministere=True, name="Ministère de la Justice", acronym="MJ", slug="mj")
    sg = OrganisationFactory(name="Secrétariat général", acronym="SG", slug="mj-sg", parent=justice)
    armees = OrganisationFactory(ministere=True, name="Ministère des Armées", acronym="MINARM", slug="minarm")
    lead = AdhesionFactory(organisation=sg, user__first_name="Nadia", user__last_name="Benali").user
    AdhesionFactory(organisation=armees, user__first_name="Marc", user__last_name="Lemoine")
    decouvre = DispositifFactory(
        organisation=sg,
        title="Découvre mon poste",
        kind=DispositifKind.IMMERSION,
        needs=[Besoin.MOBILITE, Besoin.EVOLUTION_PROFESSIONNELLE],
        publics=[Public.CATEGORIE_B, Public.CATEGORIE_C],
        maturity=Maturite.DEPLOYE,
        description="Une journée d'observation au poste.\n\nPuis un échange.",
        links=["https://www.justice.gouv.fr/"],
        contact="mission-parcours@justice.gouv.fr",
        is_model=True,
    )
    DispositifFactory(organisation=armees, title="Parcours d'intégration des jeunes cadres civils")
    return {"lead": lead, "decouvre": decouvre, "justice": justice}


def test_directory_and_organisation_page_have_no_axe_violations(page, login, network):
    login(network["lead"])
    page.goto("/reseau/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Réseau")
    assert_accessible(page)
    expect(page.get_by_role("status")).to_have_text("2 personnes")
    page.get_by_label("Rechercher une personne ou une organisation").fill("lemoine")
    page.get_by_role("button", name="Rechercher", exact=True).click()
    page.wait_for_url(re.compile(r"/reseau/\?.*q=lemoine"))
    expect(page.get_by_role("status")).to_have_text("1 personne")  # the count is announced
    expect(page.get_by_role("rowheader", name="LEMOINE Marc")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Rechercher une personne ou une organisation").fill("")
    page.get_by_label("Ministère", exact=True).select_option(label="Ministère de la Justice (MJ)")
    page.get_by_role("button", name="Rechercher", exact=True).click()
    expect(page.get_by_role("rowheader", name="BENALI Nadia")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("1 personne")
    page.get_by_role("link", name="Organisations").click()
    expect(page.get_by_role("status")).to_have_text("2 organisations")  # the ministry and its direction
    assert_accessible(page)
    page.goto("/reseau/mj/")
    assert_accessible(page)


def test_organisation_page_with_workshops_and_immersions_has_no_axe_violations(page, login, network):
    atelier = AtelierFactory(tenu=True, title="Structurer une offre")
    InscriptionFactory(atelier=atelier, organisation=network["justice"], presence=Presence.PRESENT)
    ImmersionFactory(origin=network["justice"], agent_name="MARTIN Camille", confidential=True)
    login(network["lead"])
    page.goto("/reseau/mj/")
    expect(page.get_by_role("link", name="Atelier n° ").first).to_be_visible()
    expect(page.get_by_text("MARTIN Camille")).to_be_visible()
    expect(
        page.get_by_role("link", name="Toutes les immersions au départ de cette organisation")
    ).to_be_visible()
    assert_accessible(page)


def test_catalogue_with_a_filter_and_scheme_page_have_no_axe_violations(page, login, network):
    login(network["lead"])
    page.goto("/dispositifs/?kind=immersion&needs=mobilite")
    expect(page.get_by_role("link", name="Découvre mon poste")).to_be_visible()
    expect(page.get_by_role("status").first).to_have_text("1 dispositif")
    assert_accessible(page)
    page.goto(network["decouvre"].get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Découvre mon poste")
    assert_accessible(page)


def test_scheme_form_with_errors_has_no_axe_violations(page, login, network):
    login(network["lead"])
    page.goto("/dispositifs/proposer/")
    assert_accessible(page)
    page.get_by_label("Liens").fill("pas une adresse")
    page.get_by_role("button", name="Publier le dispositif").click()
    expect(page.get_by_text("Donnez un titre au dispositif.")).to_be_visible()
    expect(page.get_by_text("n'est pas une adresse web valide")).to_be_visible()
    assert_accessible(page)


def test_charter_page_has_no_axe_violations(page, login, network):
    CharteFactory(version=50, title="Charte de la Fabrique")
    newcomer = UserFactory(charte_acceptee=False)
    login(newcomer)
    expect(page).to_have_url(re.compile("/charte/"))
    assert_accessible(page)
    page.get_by_role("button", name="Accepter la charte").click()
    expect(page.get_by_text("Cochez la case pour accepter la charte.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("J'ai lu la charte de la Fabrique et je m'engage à la respecter.").check(
        force=True
    )  # the DSFR label covers its checkbox
    page.get_by_role("button", name="Accepter la charte").click()
    page.wait_for_url(lambda url: "/charte/" not in url)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Bonjour"))


def test_invitation_page_and_its_errors_have_no_axe_violations(page, network):
    invited = services.create_member(
        email="invitee@culture.gouv.fr", first_name="Léa", last_name="Durand", organisation=network["justice"]
    )
    page.goto(services.invitation_url(invited).split("testserver", 1)[-1])
    expect(page.get_by_role("heading", level=1)).to_have_text("Activer votre compte")
    assert_accessible(page)
    page.locator("#id_new_password1").fill("court")
    page.locator("#id_new_password2").fill("autre")
    page.get_by_role("button", name="Enregistrer mon mot de passe").click()
    expect(page.locator(".fr-input-group--error").first).to_be_visible()
    assert_accessible(page)
