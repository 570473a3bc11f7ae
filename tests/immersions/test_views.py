import csv
import datetime
import io
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from immersions.enums import EchangeStatus, ImmersionKind, ImmersionStatus
from immersions.forms import EchangeForm, ImmersionForm, RetourForm
from immersions.models import (
    Derogation,
    Document,
    EchangeTalent,
    FonctionCritique,
    Immersion,
    ImmersionTransition,
)
from tests.accompagnement.factories import OrganisationFactory, UserFactory
from tests.immersions.conftest import walk
from tests.immersions.factories import EchangeFactory, FonctionCritiqueFactory, ImmersionFactory, in_days

pytestmark = pytest.mark.django_db
S = ImmersionStatus


def form_data(origin, origin_service, host, **overrides):
    data = {
        "agent_name": "MARTIN Zoé",
        "agent_email": "zoe.martin@exemple.gouv.fr",
        "agent_grade": "Secrétaire administrative",
        "agent_categorie": "B",
        "origin": origin.pk,
        "origin_service": origin_service.pk,
        "manager_name": "",
        "manager_email": "",
        "host": host.pk,
        "host_service": "",
        "tutor_name": "DURAND Paul",
        "tutor_email": "paul.durand@exemple.gouv.fr",
        "kind": ImmersionKind.PREPARATION_MOBILITE,
        "objectives": "Découvrir le métier de gestionnaire RH de proximité.",
        "start_date": in_days(10).isoformat(),
        "end_date": in_days(14).isoformat(),
    }
    data.update(overrides)
    return data


def echange_form_data(origin, origin_service, host, **overrides):
    data = {
        "agent_name": "LEROY Anne",
        "agent_email": "anne.leroy@exemple.gouv.fr",
        "agent_grade": "Attachée",
        "agent_categorie": "A",
        "origin": origin.pk,
        "origin_service": origin_service.pk,
        "host": host.pk,
        "mission": "Mission de six mois.",
        "start_date": in_days(30).isoformat(),
        "end_date": in_days(200).isoformat(),
        "planned_return_date": in_days(201).isoformat(),
    }
    data.update(overrides)
    return data


def test_lead_declares_and_submits_an_immersion(client, origin, origin_service, host, origin_lead):
    client.force_login(origin_lead)
    response = client.post(
        "/immersions/nouvelle/", {**form_data(origin, origin_service, host), "soumettre": ""}
    )
    immersion = Immersion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/immersions/{immersion.pk}/"
    assert immersion.status == S.SOUMISE
    assert immersion.created_by == origin_lead
    assert list(immersion.transitions.values_list("to_status", flat=True)) == [S.BROUILLON, S.SOUMISE]


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"end_date": "2026-01-01", "start_date": "2026-01-10"}, "postérieure à la date de début"),
        ({"end_date": "2027-12-31", "start_date": "2026-01-01"}, "maximum autorisé de 90 jours"),
        ({"agent_email": "pas-une-adresse"}, "Saisissez une adresse"),
        ({"tutor_name": ""}, "Ce champ est obligatoire"),
    ],
)
def test_bad_input_gives_a_form_error(client, origin, origin_service, host, origin_lead, overrides, error):  # noqa: PLR0917 - pytest injects fixtures by name
    client.force_login(origin_lead)
    response = client.post("/immersions/nouvelle/", form_data(origin, origin_service, host, **overrides))
    assert response.status_code == 400
    assert error in response.content.decode()
    assert "fr-input-group--error" in response.content.decode() or "fr-fieldset--error" in (
        response.content.decode()
    )
    assert not Immersion.objects.exists()


def test_service_of_another_organisation_is_refused(client, origin, origin_service, host, origin_lead):
    client.force_login(origin_lead)
    data = form_data(origin, origin_service, host, host_service=origin_service.pk)
    response = client.post("/immersions/nouvelle/", data)
    assert response.status_code == 400
    assert "ne fait pas partie de l" in response.content.decode()


def test_lead_cannot_declare_for_an_organisation_they_do_not_lead(
    client, origin, origin_service, host, host_lead
):
    client.force_login(host_lead)
    response = client.post("/immersions/nouvelle/", form_data(origin, origin_service, host))
    assert response.status_code == 400
    assert not Immersion.objects.exists()


def test_wrong_side_post_is_403_and_changes_nothing(client, immersion, origin_lead, host_lead):
    walk(immersion, (S.SOUMISE, origin_lead))
    client.force_login(host_lead)
    response = client.post(
        f"/immersions/{immersion.pk}/etape/", {"to": S.ACCEPTEE_ORIGINE, "expected": S.SOUMISE}
    )
    assert response.status_code == 403
    immersion.refresh_from_db()
    assert immersion.status == S.SOUMISE
    assert immersion.transitions.count() == 1


def test_double_click_records_one_transition(client, immersion, origin_lead):
    walk(immersion, (S.SOUMISE, origin_lead))
    client.force_login(origin_lead)
    data = {"to": S.ACCEPTEE_ORIGINE, "expected": S.SOUMISE}
    first = client.post(f"/immersions/{immersion.pk}/etape/", data, follow=True)
    second = client.post(f"/immersions/{immersion.pk}/etape/", data, follow=True)
    assert "Étape enregistrée" in first.content.decode()
    assert "déjà enregistrée" in second.content.decode()
    assert ImmersionTransition.objects.filter(immersion=immersion, to_status=S.ACCEPTEE_ORIGINE).count() == 1


def test_refusal_without_reason_shows_the_error_on_the_page(client, immersion, origin_lead):
    walk(immersion, (S.SOUMISE, origin_lead))
    client.force_login(origin_lead)
    response = client.post(f"/immersions/{immersion.pk}/etape/", {"to": S.REFUSEE, "expected": S.SOUMISE})
    assert response.status_code == 400
    assert "Indiquez le motif" in response.content.decode()
    immersion.refresh_from_db()
    assert immersion.status == S.SOUMISE


def test_detail_shows_the_timeline_and_the_owned_actions(client, immersion, origin_lead, host_lead):
    walk(immersion, (S.SOUMISE, origin_lead))
    client.force_login(origin_lead)
    content = client.get(f"/immersions/{immersion.pk}/").content.decode()
    assert "Historique" in content
    assert "Accepter pour l&#x27;origine" in content
    client.force_login(host_lead)
    content = client.get(f"/immersions/{immersion.pk}/").content.decode()
    assert "Accepter pour l&#x27;origine" not in content


def test_bilan_form_records_the_assessment(client, immersion, host_lead):
    immersion.status = S.TERMINEE
    immersion.save()
    client.force_login(host_lead)
    assert client.post(f"/immersions/{immersion.pk}/bilan/", {"deroulement": "total"}).status_code == 400
    response = client.post(
        f"/immersions/{immersion.pk}/bilan/",
        {
            "deroulement": "partiel",
            "apprentissages": "Le pilotage d'un plan de formation.",
            "retour_accueil": "",
            "suite": "a_retravailler",
            "prochaines_etapes": "",
        },
    )
    assert response.status_code == 302
    immersion.refresh_from_db()
    assert immersion.status == S.BILAN_FAIT
    assert immersion.bilan.get_suite_display() == "À retravailler"


def test_synthese_pdf_is_rendered_and_downloaded_by_a_party(
    client, immersion, origin_lead, outsider_lead, django_capture_on_commit_callbacks
):
    client.force_login(origin_lead)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/immersions/{immersion.pk}/synthese/")
    document = Document.objects.get(immersion=immersion)
    assert document.status == "pret"
    assert document.pages >= 1
    assert len(document.sha256) == 64
    response = client.get(f"/documents/{document.pk}/telecharger/")
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF")
    assert document.size == len(content)
    client.force_login(outsider_lead)
    assert client.post(f"/immersions/{immersion.pk}/synthese/").status_code == 404
    assert client.get(f"/documents/{document.pk}/telecharger/").status_code == 404


def test_echange_cap_refusal_shows_the_service_figures(client, origin, origin_service, host, origin_lead):
    origin_service.cliquet = 1
    origin_service.save()
    EchangeFactory(origin=origin, origin_service=origin_service, host=host, status=EchangeStatus.EN_COURS)
    echange = EchangeFactory(
        origin=origin, origin_service=origin_service, host=host, status=EchangeStatus.SOUMISE
    )
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
    client, origin, origin_service, host, origin_lead
):
    origin_service.cliquet = 1
    origin_service.save()
    away = EchangeFactory(
        origin=origin,
        origin_service=origin_service,
        host=host,
        status=EchangeStatus.EN_COURS,
        start_date=in_days(-10),
    )
    client.force_login(origin_lead)
    url = f"/echanges/services/{origin_service.slug}/"
    content = client.get(url).content.decode()
    assert away.reference in content
    assert "Plafond atteint" in content
    assert client.post(url, {"title": "Gestion de la paie", "description": ""}).status_code == 302
    assert client.post(url, {"title": "Gestion de la paie", "description": ""}).status_code == 400
    assert FonctionCritique.objects.filter(service=origin_service).count() == 1


def test_a_traiter_and_home_list_the_steps_waiting_for_the_lead(client, immersion, origin_lead, host_lead):
    walk(immersion, (S.SOUMISE, origin_lead))
    client.force_login(origin_lead)
    assert immersion.reference in client.get("/a-traiter/").content.decode()
    home = client.get("/").content.decode()
    assert "Immersions à accepter pour l&#x27;origine" in home
    assert "/a-traiter/" in home
    client.force_login(host_lead)
    assert immersion.reference not in client.get("/a-traiter/").content.decode()


def _csv_rows(client):
    content = client.get("/indicateurs/export.csv").content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content), delimiter=";"))


def test_indicators_figures_and_csv(client, origin, host, staff, outsider_lead, origin_lead, host_lead):  # noqa: PLR0917 - pytest injects fixtures by name
    ImmersionFactory(
        origin=origin, host=host, status=S.BILAN_FAIT, start_date=in_days(-30), end_date=in_days(-21)
    )
    ImmersionFactory(
        origin=origin, host=host, status=S.TERMINEE, start_date=in_days(-10), end_date=in_days(-9)
    )
    client.force_login(staff)
    content = client.get("/indicateurs/").content.decode()
    assert "<svg" in content
    assert "<table>" in content
    assert "50 %" in content  # one of the two finished immersions has its bilan
    assert "6.0" in content or "6,0" in content  # (10 + 2) / 2 days
    rows = list(
        csv.reader(
            io.StringIO(client.get("/indicateurs/export.csv").content.decode("utf-8-sig")), delimiter=";"
        )
    )
    assert ["immersions", "total", "2"] in rows
    assert ["par ministère", origin.name, "2"] in rows
    assert ["par statut", "Bilan fait", "1"] in rows
    assert ["par type", "Découverte d'un métier", "2"] in rows
    # A lead counts only their organisation's immersions; a confidential one is not the host's to count.
    ImmersionFactory(origin=origin, host=host, confidential=True)
    for user, total in ((outsider_lead, "0"), (origin_lead, "3"), (host_lead, "2"), (staff, "3")):
        client.force_login(user)
        assert ["immersions", "total", total] in _csv_rows(client), user


def test_indicators_csv_writes_zero_percent_when_no_finished_immersion_has_a_bilan(
    client, origin, host, staff
):
    ImmersionFactory(
        origin=origin, host=host, status=S.TERMINEE, start_date=in_days(-10), end_date=in_days(-9)
    )
    client.force_login(staff)
    rows = _csv_rows(client)
    assert ["immersions", "part avec bilan (%)", "0"] in rows
    assert ["immersions", "durée moyenne (jours)", "2.0"] in rows


def test_indicators_csv_leaves_the_figures_blank_without_immersions(client, staff):
    client.force_login(staff)
    rows = _csv_rows(client)
    assert ["immersions", "part avec bilan (%)", ""] in rows
    assert ["immersions", "durée moyenne (jours)", ""] in rows


def test_return_form_refuses_a_return_before_the_end_of_the_agreement(origin, origin_service, host):
    echange = EchangeFactory(origin=origin, origin_service=origin_service, host=host, status="en_cours")
    data = {"planned_return_date": echange.end_date - datetime.timedelta(days=1), "return_position": ""}
    form = RetourForm(data, instance=echange)
    assert not form.is_valid()
    assert "fin de l'échange" in form.errors["planned_return_date"][0]
    assert RetourForm({**data, "planned_return_date": echange.end_date}, instance=echange).is_valid()


def _measure(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        "/immersions/",
        "/immersions/?status=soumise",
        "/echanges/",
        "/echanges/services/",
        "/a-traiter/",
        "/indicateurs/",
        "/",
    ],
)
def test_query_count_is_the_same_at_1_and_500_rows(  # noqa: PLR0917 - pytest injects fixtures by name
    client, origin, origin_service, host, origin_lead, django_assert_num_queries, url
):
    def make(count):
        Immersion.objects.bulk_create(
            ImmersionFactory.build(origin=origin, origin_service=origin_service, host=host, status=S.SOUMISE)
            for _ in range(count)
        )
        EchangeTalent.objects.bulk_create(
            EchangeFactory.build(origin=origin, origin_service=origin_service, host=host, status="soumise")
            for _ in range(count)
        )

    make(1)
    client.force_login(origin_lead)
    client.get(url)  # warm the session (charter acceptance is remembered in it)
    at_one = _measure(client, url)
    assert at_one > 3  # the page really ran its queries inside the measure
    make(499)
    with django_assert_num_queries(at_one):
        client.get(url)


def test_a_traiter_shows_at_most_twenty_per_step_with_a_link_to_the_list(client, origin, host, origin_lead):
    ImmersionFactory.create_batch(21, origin=origin, host=host, status=S.SOUMISE)
    client.force_login(origin_lead)
    content = client.get("/a-traiter/").content.decode()
    assert "(20+)" in content
    assert "/immersions/?status=soumise" in content


def test_staff_declaring_leaves_the_submission_to_the_origin(client, origin, origin_service, host, staff):
    client.force_login(staff)
    response = client.post(
        "/immersions/nouvelle/", {**form_data(origin, origin_service, host), "soumettre": ""}, follow=True
    )
    assert "La soumission revient à la structure d" in response.content.decode()
    assert Immersion.objects.get().status == S.BROUILLON


def test_manager_without_lead_role_accepts_for_the_origin(client, immersion, origin_lead):
    manager = UserFactory(email="cheffe.service@exemple.gouv.fr")
    immersion.manager_email = "Cheffe.Service@exemple.gouv.fr"
    immersion.save()
    walk(immersion, (S.SOUMISE, origin_lead))
    client.force_login(manager)
    assert immersion.reference in client.get("/a-traiter/").content.decode()
    client.post(f"/immersions/{immersion.pk}/etape/", {"to": S.ACCEPTEE_ORIGINE, "expected": S.SOUMISE})
    immersion.refresh_from_db()
    assert immersion.status == S.ACCEPTEE_ORIGINE
    assert immersion.transitions.last().by == manager


def test_list_filters_by_period_and_category(client, origin, host, origin_lead):
    early = ImmersionFactory(origin=origin, host=host, start_date=in_days(5), end_date=in_days(8))
    late = ImmersionFactory(
        origin=origin, host=host, start_date=in_days(60), end_date=in_days(65), agent_categorie="C"
    )
    client.force_login(origin_lead)
    content = client.get(f"/immersions/?du={in_days(30).isoformat()}").content.decode()
    assert late.reference in content
    assert early.reference not in content
    assert f'value="{in_days(30).isoformat()}"' in content
    content = client.get("/immersions/?agent_categorie=C").content.decode()
    assert late.reference in content
    assert early.reference not in content


def test_service_list_shows_the_lead_services_against_their_cap(
    client, origin, origin_service, host, origin_lead
):
    origin_service.cliquet = 1
    origin_service.save()
    EchangeFactory(
        origin=origin,
        origin_service=origin_service,
        host=host,
        status=EchangeStatus.EN_COURS,
        start_date=in_days(-3),
    )
    other = OrganisationFactory(parent=host, name="Service d'un autre ministère")
    client.force_login(origin_lead)
    content = client.get("/echanges/services/").content.decode()
    assert origin_service.name in content
    assert "plafond atteint" in content
    assert other.name not in content


def test_second_origin_validation_of_an_agreement_records_one_transition(
    client, origin, origin_service, host, origin_lead
):
    echange = EchangeFactory(
        origin=origin, origin_service=origin_service, host=host, status=EchangeStatus.SOUMISE
    )
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


def test_declaring_lead_cannot_name_themselves_as_the_tutor(
    client, origin, origin_service, host, origin_lead
):
    client.force_login(origin_lead)
    data = form_data(origin, origin_service, host, tutor_email=origin_lead.email.upper())
    response = client.post("/immersions/nouvelle/", data)
    assert response.status_code == 400
    assert "indiquez son adresse, pas la vôtre" in response.content.decode()
    assert not Immersion.objects.exists()


def test_declaring_lead_cannot_name_themselves_as_the_agent(
    client, origin, origin_service, host, origin_lead
):
    client.force_login(origin_lead)
    data = echange_form_data(origin, origin_service, host, agent_email=origin_lead.email)
    response = client.post("/echanges/nouvelle/", data)
    assert response.status_code == 400
    assert "L&#x27;agent donne lui-même son accord" in response.content.decode()
    assert not EchangeTalent.objects.exists()


@pytest.mark.parametrize("kind", ["immersion", "echange"])
def test_saving_the_edit_form_never_undoes_a_step_made_meanwhile(  # noqa: PLR0917 - pytest injects fixtures by name
    client, monkeypatch, origin, origin_service, host, origin_lead, kind
):
    if kind == "immersion":
        obj = ImmersionFactory(origin=origin, origin_service=origin_service, host=host)
        form_class, url = ImmersionForm, f"/immersions/{obj.pk}/modifier/"
        data = form_data(origin, origin_service, host, objectives="Écrit dans un autre onglet.")
        text_field = "objectives"
    else:
        obj = EchangeFactory(origin=origin, origin_service=origin_service, host=host)
        form_class, url = EchangeForm, f"/echanges/{obj.pk}/modifier/"
        data = echange_form_data(origin, origin_service, host, mission="Écrit dans un autre onglet.")
        text_field = "mission"
    original_clean = form_class.clean

    def clean_while_another_tab_submits(form):
        type(obj).objects.filter(pk=obj.pk).update(status="soumise")
        return original_clean(form)

    monkeypatch.setattr(form_class, "clean", clean_while_another_tab_submits)
    client.force_login(origin_lead)
    response = client.post(url, data, follow=True)
    assert "plus un brouillon (statut « Soumise »)" in response.content.decode()
    obj.refresh_from_db()
    assert obj.status == "soumise"
    assert getattr(obj, text_field) != "Écrit dans un autre onglet."


def test_renew_twice_leads_to_the_one_renewal(client, origin, origin_service, host, origin_lead):
    running = EchangeFactory(
        origin=origin, origin_service=origin_service, host=host, status=EchangeStatus.EN_COURS
    )
    client.force_login(origin_lead)
    first = client.post(f"/echanges/{running.pk}/renouveler/")
    renewal = EchangeTalent.objects.get(previous=running)
    assert first["Location"] == f"/echanges/{renewal.pk}/modifier/"
    EchangeTalent.objects.filter(pk=renewal.pk).update(status=EchangeStatus.SOUMISE)
    second = client.post(f"/echanges/{running.pk}/renouveler/")
    assert second["Location"] == f"/echanges/{renewal.pk}/"
    assert EchangeTalent.objects.filter(previous=running).count() == 1


def test_agreement_page_shows_the_peak_of_simultaneous_departures(
    client, origin, origin_service, host, origin_lead
):
    origin_service.cliquet = 3
    origin_service.save()
    EchangeFactory(
        origin=origin,
        origin_service=origin_service,
        host=host,
        status=EchangeStatus.EN_COURS,
        start_date=in_days(-10),
        end_date=in_days(40),
    )
    echange = EchangeFactory(origin=origin, origin_service=origin_service, host=host)
    client.force_login(origin_lead)
    content = client.get(f"/echanges/{echange.pk}/").content.decode()
    assert "jusqu'à 1 autre(s) agent(s) absent(s) en même temps" in content
    assert f"au {in_days(40).strftime('%d/%m/%Y')}" in content


def test_double_click_on_the_summary_request_makes_one_document(client, immersion, origin_lead):
    client.force_login(origin_lead)
    client.post(f"/immersions/{immersion.pk}/synthese/")
    client.post(f"/immersions/{immersion.pk}/synthese/")
    assert Document.objects.filter(immersion=immersion).count() == 1


def test_indicators_csv_cells_never_start_a_formula(client, host, staff):
    ministry = OrganisationFactory(ministere=True, name='=HYPERLINK("https://pirate.example","clic")')
    OrganisationFactory(parent=ministry, name="-1+1 service", cliquet=2)
    ImmersionFactory(origin=ministry, host=host)
    client.force_login(staff)
    rows = list(
        csv.reader(
            io.StringIO(client.get("/indicateurs/export.csv").content.decode("utf-8-sig")), delimiter=";"
        )
    )
    cells = [cell for row in rows for cell in row]
    assert ["par ministère", "'" + ministry.name, "1"] in rows
    assert any(cell.startswith("'-1+1 service") for cell in cells)
    assert not [cell for cell in cells if cell[:1] in {"=", "+", "-", "@", "\t", "\r"}]


@pytest.mark.parametrize(
    ("url", "data", "model"),
    [
        ("/immersions/nouvelle/", form_data, Immersion),
        ("/echanges/nouvelle/", echange_form_data, EchangeTalent),
    ],
)
def test_double_click_on_submit_makes_one_declaration(  # noqa: PLR0917 - pytest injects fixtures by name
    client, origin, origin_service, host, origin_lead, url, data, model
):
    client.force_login(origin_lead)
    page = client.get(url).content.decode()
    token = re.search(r'name="creation_token" value="([0-9a-f-]{36})"', page).group(1)
    assert token not in client.get(url).content.decode()  # each display of the form has its own token
    posted = {**data(origin, origin_service, host), "creation_token": token, "soumettre": ""}
    first = client.post(url, posted)
    second = client.post(url, posted)
    saved = model.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"{url.split('nouvelle')[0]}{saved.pk}/"
    assert saved.status == "soumise"
    assert saved.transitions.count() == 2  # created, submitted: once each
    other = client.post(url, {**posted, "creation_token": str(uuid.uuid4())})
    assert other.status_code == 302
    assert model.objects.count() == 2  # a new form is a new declaration


def test_agreement_page_offers_a_derogation_when_the_one_granted_names_another_function(
    client, origin, origin_service, host, origin_lead
):
    first, second = FonctionCritiqueFactory.create_batch(2, service=origin_service)
    echange = EchangeFactory(
        origin=origin, origin_service=origin_service, host=host, status="soumise", fonction_critique=second
    )
    Derogation.objects.create(echange=echange, fonction=first, granted_by=origin_lead, reason="Ancienne.")
    client.force_login(origin_lead)
    page = client.get(f"/echanges/{echange.pk}/").content.decode()
    assert "Aucune dérogation" in page
    assert f"/echanges/{echange.pk}/derogation/" in page
    response = client.post(f"/echanges/{echange.pk}/derogation/", {"reason": "Poste tenu par l'adjointe."})
    assert response.status_code == 302
    assert Derogation.objects.get(echange=echange).fonction == second


@pytest.mark.parametrize("url", ["/immersions/nouvelle/", "/echanges/nouvelle/"])
def test_service_options_are_named_with_their_ministry_at_a_fixed_query_count(  # noqa: PLR0917 - pytest injects fixtures by name
    client, origin_service, host, staff, django_assert_num_queries, url
):
    direction = OrganisationFactory(parent=host, name="Secrétariat général", acronym="SG")
    OrganisationFactory(parent=direction, name="Bureau des parcours")  # a service of a direction
    client.force_login(staff)
    client.get(url)  # warm the session (charter acceptance is remembered in it)
    at_few = _measure(client, url)
    content = client.get(url).content.decode()
    assert "Direction des ressources humaines (DRH) — Ministère d&#x27;origine" in content
    assert "Secrétariat général (SG) — Ministère d&#x27;accueil" in content
    assert "Bureau des parcours — Ministère d&#x27;accueil" in content  # its ministry, not its direction
    for number in range(30):
        OrganisationFactory(parent=direction, name=f"Bureau {number}")
    with django_assert_num_queries(at_few):
        client.get(url)
