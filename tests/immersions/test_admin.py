import pytest

from fabrique.core.enums import DocumentStatus
from immersions.enums import DocumentKind, EchangeStatus, ImmersionStatus
from immersions.models import Document
from immersions.services import documents
from tests.immersions.factories import EchangeFactory, FonctionCritiqueFactory, ImmersionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", ["immersion", "echangetalent", "fonctioncritique", "derogation", "document", "relance"]
)
def test_admin_changelist_and_change_pages_load(admin_client, model):
    immersion = ImmersionFactory()
    echange = EchangeFactory()
    function = FonctionCritiqueFactory()
    objects = {"immersion": immersion, "echangetalent": echange, "fonctioncritique": function}
    assert admin_client.get(f"/admin/immersions/{model}/").status_code == 200
    if model in objects:
        assert admin_client.get(f"/admin/immersions/{model}/{objects[model].pk}/change/").status_code == 200


def test_rendering_failure_is_recorded_on_the_row(monkeypatch):
    document = Document.objects.create(kind=DocumentKind.SYNTHESE, immersion=ImmersionFactory())

    def broken(*args, **kwargs):
        raise RuntimeError("police introuvable")

    monkeypatch.setattr(documents, "render_pdf_document", broken)
    documents.render_document(document)
    document.refresh_from_db()
    assert document.status == DocumentStatus.ECHEC
    assert "police introuvable" in document.error


@pytest.mark.parametrize(
    ("factory", "model", "submitted"),
    [
        (ImmersionFactory, "immersion", ImmersionStatus.SOUMISE),
        (EchangeFactory, "echangetalent", EchangeStatus.VALIDEE_ORIGINE),
    ],
)
def test_admin_locks_dates_service_and_agent_once_past_the_draft(admin_client, factory, model, submitted):
    draft = factory()
    locked = factory(status=submitted)
    draft_page = admin_client.get(f"/admin/immersions/{model}/{draft.pk}/change/").content.decode()
    locked_page = admin_client.get(f"/admin/immersions/{model}/{locked.pk}/change/").content.decode()
    for name in ("start_date", "end_date", "origin_service", "agent_email"):
        assert f'name="{name}"' in draft_page
        assert f'name="{name}"' not in locked_page
    if model == "echangetalent":
        assert 'name="fonction_critique"' not in locked_page


def test_admin_post_cannot_move_a_validated_agreement(admin_client):
    echange = EchangeFactory(status=EchangeStatus.VALIDEE_ORIGINE)
    start = echange.start_date
    data = {
        "agent_name": echange.agent_name,
        "agent_email": echange.agent_email,
        "agent_grade": echange.agent_grade,
        "agent_categorie": echange.agent_categorie,
        "origin": echange.origin_id,
        "origin_service": echange.origin_service_id,
        "host": echange.host_id,
        "mission": "Mission modifiée par l'équipe.",
        "start_date": "2020-01-01",
        "end_date": "2020-01-02",
        "planned_return_date": echange.planned_return_date.isoformat(),
        "transitions-TOTAL_FORMS": "0",
        "transitions-INITIAL_FORMS": "0",
    }
    response = admin_client.post(f"/admin/immersions/echangetalent/{echange.pk}/change/", data)
    assert response.status_code == 302
    echange.refresh_from_db()
    assert echange.mission == "Mission modifiée par l'équipe."
    assert echange.start_date == start
