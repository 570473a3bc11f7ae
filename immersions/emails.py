"""The immersions' emails: a step happened or waits for someone."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fabrique.core.emails import send_templated_email


def absolute_url(path):
    return f"{settings.SITE_URL}{path}"


# Per model: the subject of a step's email and the page it links to.
STEP_EMAILS = {
    "immersion": (_("Immersion %(ref)s : %(status)s"), "immersions:immersion_detail"),
    "echangetalent": (_("Convention %(ref)s : %(status)s"), "immersions:echange_detail"),
}


def detail_url(obj):
    """The absolute address of an immersion's or an agreement's page (what the emails link to)."""
    return absolute_url(reverse(STEP_EMAILS[obj._meta.model_name][1], args=[obj.pk]))


def notify(obj, recipients, message):
    """Tell the people concerned that `obj` (an immersion or an agreement) moved to its current status,
    or that a step waits for them; the email links to its page."""
    recipients = sorted({r.lower() for r in recipients if r})
    if not recipients:
        return
    subject = STEP_EMAILS[obj._meta.model_name][0] % {
        "ref": obj.reference,
        "status": obj.get_status_display(),
    }
    context = {"subject": subject, "message": message, "url": detail_url(obj), "reference": obj.reference}
    send_templated_email("immersions/emails/etape", recipients, context)
