"""Celery entry points of immersions: thin, keyword-only ids, delegating to the services."""

from celery import shared_task

from fabrique.core.enums import DocumentStatus
from immersions.models import Document
from immersions.services import documents, echanges, immersions, relances


@shared_task(name="immersions.render_document")
def render_document(*, document_id):
    """Render one PDF (agreement or immersion summary) and store it on its row."""
    document = Document.objects.filter(pk=document_id).first()
    if document is None:
        return None
    if document.status == DocumentStatus.PRET:
        # A redelivered or duplicate message: the file is already there, render nothing twice.
        return document.pk
    documents.render_document(document)
    return document.pk


documents.RENDER.bind(render_document)


@shared_task(name="immersions.advance_statuses")
def advance_statuses():
    """Beat, daily: statuses that follow the calendar (start and end dates)."""
    return immersions.advance_statuses() + echanges.advance_statuses()


@shared_task(name="immersions.send_reminders")
def send_reminders():
    """Beat, daily: the reminders due today, each recorded so it is never sent twice."""
    return relances.send_due_reminders()
