import datetime
import io
import time

import pytest
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader

from fabrique.core.enums import DocumentStatus
from immersions.enums import DocumentKind, EchangeStatus
from immersions.models import Derogation, Document
from immersions.services import documents
from immersions.tasks import render_document as render_document_task
from tests.immersions.factories import EchangeFactory, FonctionCritiqueFactory


def _text(document):
    with document.file.open("rb") as handle:
        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


@pytest.fixture
def signed(origin, origin_service, host, origin_lead, host_lead):
    function = FonctionCritiqueFactory(service=origin_service, title="Chef du centre de crise")
    echange = EchangeFactory(
        origin=origin,
        origin_service=origin_service,
        host=host,
        status=EchangeStatus.SIGNEE,
        fonction_critique=function,
        reinvoicing_amount="1500.00",
        agent_agreed_at=timezone.now(),
        agent_agreed_label="ECHANGE Louise",
        origin_agreed_at=timezone.now(),
        origin_agreed_by=origin_lead,
        host_agreed_at=timezone.now(),
        host_agreed_by=host_lead,
    )
    Derogation.objects.create(
        echange=echange, fonction=function, granted_by=origin_lead, reason="Intérim par l'adjoint."
    )
    return echange


@pytest.mark.django_db
def test_convention_pdf_has_parties_clauses_dates_and_agreements(signed, origin_lead, host_lead):
    document = Document.objects.create(kind=DocumentKind.CONVENTION, echange=signed)
    documents.render_document(document)
    document.refresh_from_db()
    text = _text(document)
    assert document.status == DocumentStatus.PRET
    assert document.pages >= 1
    for expected in (
        signed.reference,
        "Ministère d'origine",
        "Ministère d'accueil",
        "droits sociaux",
        "1500",
        "Chef du centre de crise",
        "Intérim par l'adjoint",
        origin_lead.display_name,
        host_lead.display_name,
        signed.start_date.strftime("%d/%m/%Y"),
    ):
        assert expected in text, expected


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_renders_the_convention_after_commit(celery_worker, signed):
    with transaction.atomic():
        document = documents.request_document(DocumentKind.CONVENTION, echange=signed, by=None)
        assert Document.objects.get(pk=document.pk).status == DocumentStatus.EN_ATTENTE
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        document.refresh_from_db()
        if document.status != DocumentStatus.EN_ATTENTE:
            break
        time.sleep(0.2)
    assert document.status == DocumentStatus.PRET
    assert document.size > 1000
    assert "droits sociaux" in _text(document)


@pytest.mark.django_db
def test_second_request_reuses_the_waiting_document(signed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = documents.request_document(DocumentKind.CONVENTION, echange=signed, by=None)
        second = documents.request_document(DocumentKind.CONVENTION, echange=signed, by=None)
    assert second == first
    assert Document.objects.count() == 1
    assert len(callbacks) == 1
    Document.objects.filter(pk=first.pk).update(requested_at=timezone.now() - datetime.timedelta(minutes=11))
    with django_capture_on_commit_callbacks() as callbacks:
        assert documents.request_document(DocumentKind.CONVENTION, echange=signed, by=None) == first
    assert len(callbacks) == 1  # a waiting row whose task was lost is queued again, not duplicated
    Document.objects.filter(pk=first.pk).update(status=DocumentStatus.PRET)
    fresh = documents.request_document(DocumentKind.CONVENTION, echange=signed, by=None)
    assert fresh != first  # a new version once the previous one is ready


@pytest.mark.django_db
def test_render_task_leaves_a_ready_document_alone(signed, monkeypatch):
    document = Document.objects.create(kind=DocumentKind.CONVENTION, echange=signed)
    documents.render_document(document)
    digest = Document.objects.get(pk=document.pk).sha256

    def render_again(*args, **kwargs):
        raise AssertionError("a ready document must not be rendered again")

    monkeypatch.setattr(documents, "render_document", render_again)
    assert render_document_task(document_id=document.pk) == document.pk
    assert Document.objects.get(pk=document.pk).sha256 == digest
