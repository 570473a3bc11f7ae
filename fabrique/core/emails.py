"""Templated emails: `<name>_subject.txt`, `<name>_body.txt` and optionally `<name>_body.html`.

Messages are rendered in the request (where the data is fresh and in French) and handed to the worker
after the transaction commits, so a rolled-back change never sends anything.
"""

from django.conf import settings
from django.db import transaction
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

from fabrique.core.tasks import send_email


def render_email(template_prefix, context):
    """Return (subject, text body, html body or None) for a templated email, in French."""
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).split())
        body = render_to_string(f"{template_prefix}_body.txt", context)
        try:
            html = render_to_string(f"{template_prefix}_body.html", context)
        except TemplateDoesNotExist:
            html = None
    return subject, body, html


def send_templated_email(template_prefix, to, context, *, attachments=()):
    """Queue a templated email to `to` (a list of addresses), sent by the worker after commit.

    `attachments` is a sequence of (filename, text content, mimetype); content must be text (JSON).
    """
    subject, body, html = render_email(template_prefix, context)
    kwargs = {
        "subject": subject,
        "body": body,
        "html": html,
        "to": list(to),
        "attachments": list(attachments),
    }
    transaction.on_commit(lambda: send_email.delay(**kwargs))
