"""Generated PDFs: the agreement and the immersion summary, rendered by the worker.

A request creates a Document row ("en attente"); after commit the worker renders it through
`fabrique.core.pdf.render_pdf_document` (the restricted fetcher) and stores the file with its size, pages and
SHA-256 on the row. Downloads go through a permission-checked view.
"""

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fabrique.core.enums import DocumentStatus
from fabrique.core.jobs import Job
from fabrique.core.pdf import render_pdf_document
from immersions.enums import DocumentKind
from immersions.models import Document, EchangeTalent, Immersion

logger = logging.getLogger(__name__)

TEMPLATES = {
    DocumentKind.CONVENTION: "immersions/pdf/convention.html",
    DocumentKind.SYNTHESE: "immersions/pdf/synthese.html",
}


# A row still waiting after this long has most likely lost its task: a new request queues it again.
STALE_AFTER = datetime.timedelta(minutes=10)


RENDER = Job("immersions.render_document")


def _enqueue(document):
    RENDER.enqueue_on_commit(document_id=document.pk)


def request_document(kind, *, immersion=None, echange=None, by):
    """Create the document's row and have the worker render it once the transaction commits.

    The owner's row is locked, so a double click (or two parties at once) finds the same document
    still waiting and gets that row back: one render, one file. A waiting row whose task was lost is
    queued again.
    """
    owner_model, owner = (Immersion, immersion) if immersion is not None else (EchangeTalent, echange)
    with transaction.atomic():
        owner_model.objects.select_for_update().only("pk").get(pk=owner.pk)
        pending = (
            Document.objects.filter(
                kind=kind, immersion=immersion, echange=echange, status=DocumentStatus.EN_ATTENTE
            )
            .order_by("pk")
            .first()
        )
        if pending is not None:
            if pending.requested_at < timezone.now() - STALE_AFTER:
                _enqueue(pending)
            return pending
        document = Document.objects.create(kind=kind, immersion=immersion, echange=echange, requested_by=by)
        _enqueue(document)
    return document


def document_context(document):
    """Everything the template needs, fetched in a fixed number of queries."""
    if document.kind == DocumentKind.CONVENTION:
        echange = (
            EchangeTalent.objects.with_relations()
            .select_related("origin_agreed_by", "host_agreed_by", "previous", "derogation__granted_by")
            .get(pk=document.echange_id)
        )
        return {
            "title": _("Convention d'échange de talents %(ref)s") % {"ref": echange.reference},
            "echange": echange,
            "derogation": getattr(echange, "derogation", None),
            "generated_at": timezone.now(),
        }
    immersion = Immersion.objects.with_relations().select_related("bilan").get(pk=document.immersion_id)
    return {
        "title": _("Synthèse de l'immersion %(ref)s") % {"ref": immersion.reference},
        "immersion": immersion,
        "bilan": getattr(immersion, "bilan", None),
        "transitions": list(immersion.transitions.all()),
        "generated_at": timezone.now(),
    }


def render_document(document):
    """Render and store the PDF; a failure is recorded on the row with its reason."""
    try:
        rendered = render_pdf_document(TEMPLATES[document.kind], document_context(document))
    except Exception as exc:  # any rendering failure is recorded on the row, not retried
        logger.exception("immersions: document %s failed", document.pk)
        document.status = DocumentStatus.ECHEC
        document.error = str(exc)[:2000]
        document.save(update_fields=["status", "error"])
        return document
    owner = document.echange_id or document.immersion_id
    document.store(f"{document.kind}-{owner}-{document.pk}.pdf", rendered)
    document.status = DocumentStatus.PRET
    document.save(update_fields=[*Document.STORED_FIELDS, "status"])
    return document
