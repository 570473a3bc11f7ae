"""The immersions' emails: a step happened or waits for someone."""

from django.conf import settings

from fabrique.core.emails import send_templated_email


def absolute_url(path):
    return f"{settings.SITE_URL}{path}"


def notify(recipients, *, subject, message, url, obj):
    """Tell the people concerned that a step happened or is waiting for them."""
    recipients = sorted({r.lower() for r in recipients if r})
    if not recipients:
        return
    send_templated_email(
        "immersions/emails/etape",
        recipients,
        {"subject": subject, "message": message, "url": absolute_url(url), "reference": obj.reference},
    )
