"""The Talent Exchange pages: agreements under the service's cap, critical functions and derogations,
renewals, the return form and the services' page."""

import datetime

import pytest

from immersions.enums import EchangeStatus
from immersions.forms import RetourForm
from immersions.models import Derogation, EchangeTalent, FonctionCritique
from tests.accompagnement.factories import OrganisationFactory
from tests.immersions.conftest import echange_form_data
from tests.immersions.factories import EchangeFactory, FonctionCritiqueFactory, in_days

pytestmark = pytest.mark.django_db


def test_echange_cap_refusal_shows_the_service_figures(client, parties, origin_service, origin_lead):
    origin_service.cliquet = 1
    origin_service.save()
    EchangeFactory(**parties, status=EchangeStatus.EN_COURS)
    echange = EchangeFactory(**parties, status=EchangeStatus.SOUMISE)
    client.force_login(origin_lead)
    response = client.post(
        f"/echanges/{echange.pk}/etape/",
        {"to": EchangeStatus.VALIDEE_ORIGINE, "expected": EchangeStatus.SOUMISE},
        follow=True,
    )
    content = response.content.decode()
    assert "plafond atteint" in content
    assert "cliquet de 1" in content
    echange.refresh_from_db()
    assert echange.status == EchangeStatus.SOUMISE


def test_echange_form_checks_dates_and_critical_function(client, origin, origin_service, host, origin_lead):
    other = FonctionCritique.objects.create(service=OrganisationFactory(parent=origin), title="Standard")
    client.force_login(origin_lead)
    data = echange_form_data(
        origin,
        origin_service,
        host,
        fonction_critique=other.pk,
        end_date=in_days(20).isoformat(),
        planned_return_date=in_days(10).isoformat(),
        host_pays_travel="on",
    )
    response = client.post("/echanges/nouvelle/", data)
    content = response.content.decode()
    assert response.status_code == 400
    assert "postérieure à la date de début" in content
    assert "appartient à un autre service" in content
    data.update(
        end_date=in_days(200).isoformat(), planned_return_date=in_days(201).isoformat(), fonction_critique=""
    )
    response = client.post("/echanges/nouvelle/", {**data, "soumettre": ""})
    assert response.status_code == 302
    assert EchangeTalent.objects.get().status == EchangeStatus.SOUMISE


def test_service_page_lists_departures_and_adds_a_critical_function(
    client, parties, origin_service, origin_lead
):
    origin_service.cliquet = 1
    origin_service.save()
    away = EchangeFactory(**parties, status=EchangeStatus.EN_COURS, start_date=in_days(-10))
    client.force_login(origin_lead)
    url = f"/echanges/services/{origin_service.slug}/"
    content = client.get(url).content.decode()
    assert away.reference in content
    assert "Plafond atteint" in content
    assert client.post(url, {"title": "Gestion de la paie", "description": ""}).status_code == 302
    assert client.post(url, {"title": "Gestion de la paie", "description": ""}).status_code == 400
    assert FonctionCritique.objects.filter(service=origin_service).count() == 1


def test_return_form_refuses_a_return_before_the_end_of_the_agreement(parties):
    echange = EchangeFactory(**parties, status="en_cours")
    data = {"planned_return_date": echange.end_date - datetime.timedelta(days=1), "return_position": ""}
    form = RetourForm(data, instance=echange)
    assert not form.is_valid()
    assert "fin de l'échange" in form.errors["planned_return_date"][0]
    assert RetourForm({**data, "planned_return_date": echange.end_date}, instance=echange).is_valid()


def test_service_list_shows_the_lead_services_against_their_cap(
    client, parties, origin_service, host, origin_lead
):
    origin_service.cliquet = 1
    origin_service.save()
    EchangeFactory(**parties, status=EchangeStatus.EN_COURS, start_date=in_days(-3))
    other = OrganisationFactory(parent=host, name="Service d'un autre ministère")
    client.force_login(origin_lead)
    content = client.get("/echanges/services/").content.decode()
    assert origin_service.name in content
    assert "plafond atteint" in content
    assert other.name not in content


def test_second_origin_validation_of_an_agreement_records_one_transition(client, parties, origin_lead):
    echange = EchangeFactory(**parties, status=EchangeStatus.SOUMISE)
    client.force_login(origin_lead)
    data = {"to": EchangeStatus.VALIDEE_ORIGINE, "expected": EchangeStatus.SOUMISE}
    client.post(f"/echanges/{echange.pk}/etape/", data)
    response = client.post(f"/echanges/{echange.pk}/etape/", data, follow=True)
    assert "déjà enregistrée" in response.content.decode()
    assert echange.transitions.filter(to_status=EchangeStatus.VALIDEE_ORIGINE).count() == 1


def test_lead_form_offers_only_their_own_services_of_origin(client, origin_service, host, origin_lead):
    elsewhere = OrganisationFactory(parent=host, name="Service hors périmètre")
    FonctionCritique.objects.create(service=elsewhere, title="Fonction d'ailleurs")
    FonctionCritique.objects.create(service=origin_service, title="Fonction d'ici")
    client.force_login(origin_lead)
    form = client.get("/echanges/nouvelle/").context["form"]
    assert list(form.fields["origin_service"].queryset) == [origin_service]
    assert elsewhere in form.fields["host_service"].queryset
    assert [f.title for f in form.fields["fonction_critique"].queryset] == ["Fonction d'ici"]


def test_declaring_lead_cannot_name_themselves_as_the_agent(
    client, origin, origin_service, host, origin_lead
):
    client.force_login(origin_lead)
    data = echange_form_data(origin, origin_service, host, agent_email=origin_lead.email)
    response = client.post("/echanges/nouvelle/", data)
    assert response.status_code == 400
    assert "L&#x27;agent donne lui-même son accord" in response.content.decode()
    assert not EchangeTalent.objects.exists()


def test_renew_twice_leads_to_the_one_renewal(client, parties, origin_lead):
    running = EchangeFactory(**parties, status=EchangeStatus.EN_COURS)
    client.force_login(origin_lead)
    first = client.post(f"/echanges/{running.pk}/renouveler/")
    renewal = EchangeTalent.objects.get(previous=running)
    assert first["Location"] == f"/echanges/{renewal.pk}/modifier/"
    EchangeTalent.objects.filter(pk=renewal.pk).update(status=EchangeStatus.SOUMISE)
    second = client.post(f"/echanges/{running.pk}/renouveler/")
    assert second["Location"] == f"/echanges/{renewal.pk}/"
    assert EchangeTalent.objects.filter(previous=running).count() == 1


def test_agreement_page_shows_the_peak_of_simultaneous_departures(
    client, parties, origin_service, origin_lead
):
    origin_service.cliquet = 3
    origin_service.save()
    EchangeFactory(**parties, status=EchangeStatus.EN_COURS, start_date=in_days(-10), end_date=in_days(40))
    echange = EchangeFactory(**parties)
    client.force_login(origin_lead)
    content = client.get(f"/echanges/{echange.pk}/").content.decode()
    assert "jusqu'à 1 autre(s) agent(s) absent(s) en même temps" in content
    assert f"au {in_days(40).strftime('%d/%m/%Y')}" in content


def test_agreement_page_offers_a_derogation_when_the_one_granted_names_another_function(
    client, parties, origin_service, origin_lead
):
    first, second = FonctionCritiqueFactory.create_batch(2, service=origin_service)
    echange = EchangeFactory(**parties, status="soumise", fonction_critique=second)
    Derogation.objects.create(echange=echange, fonction=first, granted_by=origin_lead, reason="Ancienne.")
    client.force_login(origin_lead)
    page = client.get(f"/echanges/{echange.pk}/").content.decode()
    assert "Aucune dérogation" in page
    assert f"/echanges/{echange.pk}/derogation/" in page
    response = client.post(f"/echanges/{echange.pk}/derogation/", {"reason": "Poste tenu par l'adjointe."})
    assert response.status_code == 302
    assert Derogation.objects.get(echange=echange).fonction == second
