"""The workshops' emails and reminders through a real Celery worker (Redis), after commit."""

import datetime as dt
import time

import pytest
from django.core import mail
from django.utils import timezone

from ateliers.models import Relance
from ateliers.services.inscriptions import register
from ateliers.tasks import send_due_reminders
from tests.ateliers.factories import AtelierFactory, InscriptionFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _wait_for_mail(count, deadline=20):
    start = time.monotonic()
    while len(mail.outbox) < count and time.monotonic() - start < deadline:
        time.sleep(0.05)
    return mail.outbox


def test_confirmation_with_invitation_sent_by_the_worker(celery_worker, lead):
    atelier = AtelierFactory()
    register(atelier, lead, by=lead)
    (message,) = _wait_for_mail(1)
    assert message.to == [lead.email]
    assert message.alternatives[0][1] == "text/html"
    filename, content, mimetype = message.attachments[0]
    assert filename == f"atelier-{atelier.number}.ics"
    assert "BEGIN:VCALENDAR" in content
    assert mimetype.startswith("text/calendar")


def test_reminder_task_through_the_worker_sends_once(celery_worker):
    inscription = InscriptionFactory(atelier=AtelierFactory(starts_at=timezone.now() + dt.timedelta(days=1)))
    # Beat fires twice (no result backend: the Relance row and the outbox are the result).
    send_due_reminders.delay()
    send_due_reminders.delay()
    messages = _wait_for_mail(1)
    time.sleep(1)  # a second reminder, if any, would have arrived by now
    assert [m.to for m in messages] == [[inscription.user.email]]
    assert Relance.objects.filter(inscription=inscription).count() == 1
