import pytest

from immersions.enums import DocumentKind, DocumentStatus
from immersions.models import Document
from immersions.services import documents
from tests.immersions.factories import EchangeFactory, FonctionCritiqueFactory, ImmersionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", ["immersion", "echangetalent", "fonctioncritique", "derogation", "document", "reminder"]
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
