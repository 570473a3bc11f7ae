"""The immersions pages pass axe-core (WCAG 2.0/2.1 A and AA): lists, details, forms with errors,
indicators, the lead's queue and a service page."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from immersions.enums import EchangeStatus, ImmersionStatus
from immersions.services import immersions as services
from tests.accompagnement.factories import AdhesionFactory, OrganisationFactory
from tests.browser.conftest import assert_accessible
from tests.immersions.factories import EchangeFactory, FonctionCritiqueFactory, ImmersionFactory, in_days

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def data(lead, organisation):
    service = OrganisationFactory(parent=organisation, name="Direction des ressources humaines", cliquet=1)
    host = OrganisationFactory(ministere=True, name="Ministère de la Culture")
    AdhesionFactory(organisation=host)
    immersion = ImmersionFactory(origin=organisation, origin_service=service, host=host)
    services.transition_immersion(immersion, ImmersionStatus.SOUMISE, by=lead)
    ImmersionFactory(
        origin=organisation,
        host=host,
        status=ImmersionStatus.BILAN_FAIT,
        start_date=in_days(-40),
        end_date=in_days(-30),
    )
    function = FonctionCritiqueFactory(service=service, title="Chef du centre de crise")
    echange = EchangeFactory(
        origin=organisation,
        origin_service=service,
        host=host,
        status=EchangeStatus.VALIDEE_ACCUEIL,
        origin_agreed_at=timezone.now(),
        origin_agreed_by=lead,
    )
    EchangeFactory(
        origin=organisation,
        origin_service=service,
        host=host,
        status=EchangeStatus.EN_COURS,
        start_date=in_days(-5),
    )
    EchangeFactory(
        origin=organisation, origin_service=service, host=host, status="soumise", fonction_critique=function
    )
    return {"immersion": immersion, "echange": echange, "service": service}


def test_immersions_pages_have_no_axe_violations(page, login, lead, data):
    login(lead)
    for path in [
        "/immersions/",
        "/immersions/?status=soumise",
        f"/immersions/{data['immersion'].pk}/",
        "/echanges/",
        f"/echanges/{data['echange'].pk}/",
        "/echanges/services/",
        f"/echanges/services/{data['service'].slug}/",
        "/a-traiter/",
        "/indicateurs/",
        "/",
    ]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)


def test_forms_with_errors_have_no_axe_violations(page, login, lead, data):
    login(lead)
    page.goto("/immersions/nouvelle/")
    assert_accessible(page)
    page.get_by_label("Date de début").fill("2027-03-10")
    page.get_by_label("Date de fin", exact=False).first.fill("2027-03-01")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text("La date de fin doit être postérieure à la date de début.")).to_be_visible()
    expect(page.get_by_text("Ce champ est obligatoire.").first).to_be_visible()
    assert_accessible(page)
    page.goto("/echanges/nouvelle/")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text("Ce champ est obligatoire.").first).to_be_visible()
    assert_accessible(page)
    page.goto(f"/immersions/{data['immersion'].pk}/")
    page.get_by_role("button", name="Refuser").click()
    expect(page.get_by_text("Indiquez le motif du refus ou de l'annulation.").first).to_be_visible()
    assert_accessible(page)


def test_staff_indicators_have_no_axe_violations(page, login, staff, data):
    login(staff)
    page.goto("/indicateurs/")
    expect(page.locator("svg.fabrique-chart").first).to_be_visible()
    expect(page.get_by_role("table").first).to_be_visible()
    assert_accessible(page)


def test_tutor_link_pages_have_no_axe_violations(page, lead, data):
    immersion = data["immersion"]
    services.transition_immersion(immersion, ImmersionStatus.ACCEPTEE_ORIGINE, by=lead)
    link = services.tutor_link(immersion).split("testserver", 1)[-1]
    path = link[link.index("/immersions/") :]
    page.goto(path)
    expect(page.get_by_role("heading", level=1, name="Accueillir un agent en immersion")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer ma décision").click()
    expect(page.get_by_text("Ce champ est obligatoire.").first).to_be_visible()
    assert_accessible(page)
    page.locator("label", has_text="J'accepte d'accueillir l'agent").click()
    page.get_by_role("button", name="Enregistrer ma décision").click()
    expect(page.get_by_text("Vous avez accepté d'accueillir l'agent")).to_be_visible()
    page.goto(path)
    expect(page.get_by_role("heading", level=1, name="Ce lien ne peut pas être utilisé")).to_be_visible()
    assert_accessible(page)
