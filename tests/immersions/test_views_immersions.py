"""The immersion pages: a lead declares and submits, each side takes its steps, the assessment and the
summary PDF, the list and the « À traiter » page."""

import pytest

from immersions.enums import ImmersionStatus
from immersions.models import Document, Immersion, ImmersionTransition
from tests.accompagnement.factories import UserFactory
from tests.immersions.conftest import form_data, walk
from tests.immersions.factories import ImmersionFactory, in_days

pytestmark = pytest.mark.django_db
S = ImmersionStatus


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


def test_a_traiter_and_home_list_the_steps_waiting_for_the_lead(client, immersion, origin_lead, host_lead):
    walk(immersion, (S.SOUMISE, origin_lead))
    client.force_login(origin_lead)
    assert immersion.reference in client.get("/a-traiter/").content.decode()
    home = client.get("/").content.decode()
    assert "Immersions à accepter pour l&#x27;origine" in home
    assert "/a-traiter/" in home
    client.force_login(host_lead)
    assert immersion.reference not in client.get("/a-traiter/").content.decode()


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


def test_declaring_lead_cannot_name_themselves_as_the_tutor(
    client, origin, origin_service, host, origin_lead
):
    client.force_login(origin_lead)
    data = form_data(origin, origin_service, host, tutor_email=origin_lead.email.upper())
    response = client.post("/immersions/nouvelle/", data)
    assert response.status_code == 400
    assert "indiquez son adresse, pas la vôtre" in response.content.decode()
    assert not Immersion.objects.exists()


def test_double_click_on_the_summary_request_makes_one_document(client, immersion, origin_lead):
    client.force_login(origin_lead)
    client.post(f"/immersions/{immersion.pk}/synthese/")
    client.post(f"/immersions/{immersion.pk}/synthese/")
    assert Document.objects.filter(immersion=immersion).count() == 1
