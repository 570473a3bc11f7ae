"""The workshops' emails. Rendered now (fresh data, in French), sent by the worker after commit."""

from django.conf import settings
from django.urls import reverse

from ateliers.calendar import atelier_ics
from fabrique.core.emails import send_templated_email

ICS_MIMETYPE = "text/calendar; charset=utf-8"


def _context(inscription, **extra):
    atelier = inscription.atelier
    return {
        "inscription": inscription,
        "atelier": atelier,
        "participant": inscription.user,
        "registered_by": inscription.registered_by,
        "atelier_url": settings.SITE_URL + reverse("ateliers:atelier_detail", args=[atelier.pk]),
        "mes_inscriptions_url": settings.SITE_URL + reverse("ateliers:mes_inscriptions"),
        **extra,
    }


def _invitation(inscription, method="REQUEST"):
    ics = atelier_ics(inscription.atelier, attendee=inscription.user, method=method)
    return [(f"atelier-{inscription.atelier.number}.ics", ics, ICS_MIMETYPE)]


def send_confirmation(inscription):
    """Registration confirmed: the invitation (.ics) is attached."""
    send_templated_email(
        "ateliers/emails/inscription_confirmee",
        [inscription.user.email],
        _context(inscription),
        attachments=_invitation(inscription),
    )


def send_waiting_list_notice(inscription, *, position):
    send_templated_email(
        "ateliers/emails/liste_attente", [inscription.user.email], _context(inscription, position=position)
    )


def send_promotion(inscription):
    """A seat freed up: the first in line is now registered; the invitation comes with it."""
    send_templated_email(
        "ateliers/emails/promotion",
        [inscription.user.email],
        _context(inscription),
        attachments=_invitation(inscription),
    )


def send_cancellation_confirmation(inscription):
    send_templated_email("ateliers/emails/desinscription", [inscription.user.email], _context(inscription))


def send_reminder(inscription):
    send_templated_email(
        "ateliers/emails/rappel",
        [inscription.user.email],
        _context(inscription),
        attachments=_invitation(inscription),
    )


def send_atelier_cancelled(inscription, *, reason):
    send_templated_email(
        "ateliers/emails/atelier_annule",
        [inscription.user.email],
        _context(inscription, reason=reason),
        attachments=_invitation(inscription, method="CANCEL"),
    )
