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


def _invitation(inscription, method):
    ics = atelier_ics(inscription.atelier, attendee=inscription.user, method=method)
    return [(f"atelier-{inscription.atelier.number}.ics", ics, ICS_MIMETYPE)]


def _send(template_prefix, inscription, *, invitation=None, **extra):
    """Email the registered person about their registration; `invitation` is the calendar method of the
    .ics attached (REQUEST puts the workshop in their calendar, CANCEL takes it out), none if None."""
    send_templated_email(
        template_prefix,
        [inscription.user.email],
        _context(inscription, **extra),
        attachments=_invitation(inscription, invitation) if invitation else (),
    )


def send_confirmation(inscription):
    """Registration confirmed: the invitation (.ics) is attached."""
    _send("ateliers/emails/inscription_confirmee", inscription, invitation="REQUEST")


def send_waiting_list_notice(inscription, *, position):
    _send("ateliers/emails/liste_attente", inscription, position=position)


def send_promotion(inscription):
    """A seat freed up: the first in line is now registered; the invitation comes with it."""
    _send("ateliers/emails/promotion", inscription, invitation="REQUEST")


def send_cancellation_confirmation(inscription):
    _send("ateliers/emails/desinscription", inscription)


def send_reminder(inscription):
    _send("ateliers/emails/rappel", inscription, invitation="REQUEST")


def send_atelier_cancelled(inscription, *, reason):
    _send("ateliers/emails/atelier_annule", inscription, invitation="CANCEL", reason=reason)
