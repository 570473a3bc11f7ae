"""Attendance certificates: who is entitled, their context, their PDF (rendered by the worker after the
booklet's publication, or on first download)."""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accompagnement.models import roots_of
from ateliers.enums import InscriptionStatus, Presence
from ateliers.livret.models import (
    attestation_upload_to,
)
from ateliers.livret.services.rendu import LivretError
from ateliers.models import (
    Attestation,
    Inscription,
)
from fabrique.core.enums import DocumentStatus
from fabrique.core.pdf import render_pdf_document

logger = logging.getLogger(__name__)

ATTESTATION_TEMPLATE = "ateliers/livret/attestation.html"


# --- Attendance certificates: who is entitled -------------------------------------------------------


def attestation_inscription_for(user, atelier_id):
    """The registration that entitles `user` to an attendance certificate, or None."""
    if not user.is_authenticated:
        return None
    return (
        Inscription.objects.select_related("user", "organisation", "atelier")
        .filter(atelier_id=atelier_id, user=user, status=InscriptionStatus.INSCRIT, presence=Presence.PRESENT)
        .first()
    )


# --- Attendance certificates ----------------------------------------------------------------------


def attestation_context(inscription):
    atelier = inscription.atelier
    start, end = timezone.localtime(atelier.starts_at), timezone.localtime(atelier.ends_at)
    organisation = inscription.organisation
    root = roots_of([organisation])[organisation.pk]
    return {
        "title": _("Attestation de participation — %(name)s") % {"name": inscription.user.display_name},
        "inscription": inscription,
        "user": inscription.user,
        "organisation": str(root),
        "service": organisation.name if organisation.pk != root.pk else "",
        "atelier": atelier,
        "date_label": date_format(start, "l j F Y"),
        "hours_label": f"{start.hour} h {start:%M} à {end.hour} h {end:%M}",
        "issued_label": date_format(timezone.localtime(), "j F Y"),
    }


def render_attestation(inscription):
    """Render (or re-use) the attendance certificate of a present participant. Idempotent."""
    if inscription.status != InscriptionStatus.INSCRIT or inscription.presence != Presence.PRESENT:
        raise LivretError(_("Une attestation n'est délivrée qu'aux participants présents."))
    existing = Attestation.objects.filter(inscription=inscription).first()
    if existing is not None and existing.file:
        return existing
    rendered = render_pdf_document(ATTESTATION_TEMPLATE, attestation_context(inscription))
    name = f"attestation-{inscription.pk}.pdf"
    with transaction.atomic():
        attestation = Attestation.objects.select_for_update().filter(inscription=inscription).first()
        if attestation is not None and attestation.file:
            return attestation
        attestation = attestation or Attestation(inscription=inscription)
        storage = attestation.file.storage
        path = attestation_upload_to(attestation, name)
        if storage.exists(path):
            storage.delete(path)
        attestation.store(name, rendered)
        attestation.status = DocumentStatus.PRET
        attestation.save()
    return attestation


def render_attestations(atelier_pk):
    """Render the certificates of every present participant still without one; returns how many."""
    inscriptions = Inscription.objects.filter(
        atelier_id=atelier_pk,
        status=InscriptionStatus.INSCRIT,
        presence=Presence.PRESENT,
        attestation__isnull=True,
    ).select_related("user", "organisation", "atelier")
    count = 0
    for inscription in inscriptions:
        render_attestation(inscription)
        count += 1
    return count


def attestation_filename(inscription):
    date = timezone.localtime(inscription.atelier.starts_at).date().isoformat()
    return f"attestation-participation-{date}-{slugify(inscription.user.display_name)[:40]}.pdf"
