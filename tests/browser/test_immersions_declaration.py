"""A lead declares an immersion in the browser and submits it; the origin accepts; the host accepts."""

import pytest
from playwright.sync_api import expect

from immersions.enums import ImmersionStatus
from immersions.models import Immersion
from tests.accompagnement.factories import AdhesionFactory, OrganisationFactory
from tests.browser.conftest import assert_accessible
from tests.immersions.factories import in_days

pytestmark = pytest.mark.django_db(transaction=True)


def test_lead_declares_an_immersion_and_the_host_accepts_it(page, login, lead, organisation):
    organisation.name = "Ministère de la Justice"
    organisation.save()
    OrganisationFactory(parent=organisation, name="Direction de l'administration pénitentiaire")
    host = OrganisationFactory(ministere=True, name="Ministère de la Culture")
    host_lead = AdhesionFactory(organisation=host).user

    login(lead)
    page.goto("/immersions/")
    page.get_by_role("link", name="Déclarer une immersion").click()
    page.get_by_label("Nom et prénom de l'agent").fill("MARTIN Zoé")
    page.get_by_label("Adresse électronique de l'agent").fill("zoe.martin@justice.gouv.fr")
    page.get_by_label("Grade ou corps").fill("Secrétaire administrative")
    page.get_by_label("Catégorie").select_option("B")
    page.get_by_label("Organisation d'origine").select_option(label="Ministère de la Justice")
    page.get_by_label("Service d'origine").select_option(
        label="Direction de l'administration pénitentiaire — Ministère de la Justice"
    )
    page.get_by_label("Organisation d'accueil").select_option(label="Ministère de la Culture")
    page.get_by_label("Tuteur ou tutrice à l'accueil").fill("DURAND Paul")
    page.get_by_label("Adresse du tuteur ou de la tutrice").fill("paul.durand@culture.gouv.fr")
    page.get_by_label("Type d'immersion").select_option("decouverte_metier")
    page.get_by_label("Objectifs").fill("Découvrir le métier de régisseur d'exposition.")
    page.get_by_label("Date de début").fill(in_days(10).isoformat())
    page.get_by_label("Date de fin").fill(in_days(12).isoformat())
    page.get_by_role("button", name="Enregistrer et soumettre").click()

    expect(page.get_by_text("Immersion soumise à la structure d'origine.")).to_be_visible()
    immersion = Immersion.objects.get()
    assert immersion.status == ImmersionStatus.SOUMISE
    page.get_by_role("button", name="Accepter pour l'origine").click()
    expect(page.get_by_text("Étape enregistrée")).to_be_visible()
    assert_accessible(page)

    page.context.clear_cookies()
    login(host_lead)
    page.goto("/a-traiter/")
    page.get_by_role("link", name=f"{immersion.reference} — MARTIN Zoé").click()
    page.get_by_role("button", name="Accepter pour l'accueil").click()
    expect(page.get_by_text("Étape enregistrée : Acceptée par l'accueil.")).to_be_visible()
    immersion.refresh_from_db()
    assert immersion.status == ImmersionStatus.ACCEPTEE_ACCUEIL
    expect(page.get_by_role("heading", name="Historique")).to_be_visible()
    assert_accessible(page)
