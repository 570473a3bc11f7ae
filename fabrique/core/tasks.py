"""Celery entry points shared by every app."""

import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives


@shared_task(
    name="fabrique.send_email",
    # Sending twice is worse than a lost message retried by hand: not acknowledged late like the renders.
    acks_late=False,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def send_email(*, subject, body, to, html=None, attachments=()):
    """Send one already-rendered email. Retried with backoff on transient SMTP failures."""
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, to)
    if html:
        message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    message.send()
