import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from ateliers.enums import AtelierStatus, InscriptionStatus
from ateliers.models import AtelierTransition, Inscription, Relance
from ateliers.services.atelier import TransitionError, set_capacity, transition
from ateliers.services.inscriptions import due_reminders, register, send_due_reminders
from ateliers.tasks import send_due_reminders as send_due_reminders_task
from tests.ateliers.factories import AtelierFactory, InscriptionFactory, member_of

pytestmark = pytest.mark.django_db


def test_transition_follows_map_and_logs_who_when_why(staff):
    atelier = AtelierFactory(brouillon=True)
    transition(atelier, AtelierStatus.INSCRIPTIONS_OUVERTES, by=staff, reason="Programme validé")
    atelier.refresh_from_db()
    assert atelier.status == AtelierStatus.INSCRIPTIONS_OUVERTES
    log = AtelierTransition.objects.get(atelier=atelier)
    assert (log.from_status, log.to_status, log.by, log.reason) == (
        AtelierStatus.BROUILLON,
        AtelierStatus.INSCRIPTIONS_OUVERTES,
        staff,
        "Programme validé",
    )
    assert log.at is not None


def test_transition_outside_map_is_refused(staff):
    atelier = AtelierFactory(brouillon=True)
    with pytest.raises(TransitionError, match="ne peut pas passer"):
        transition(atelier, AtelierStatus.TENU, by=staff)
    assert not AtelierTransition.objects.exists()


def test_transition_by_member_is_refused(lead):
    with pytest.raises(TransitionError):
        transition(AtelierFactory(), AtelierStatus.INSCRIPTIONS_CLOSES, by=lead)


def test_cancel_workshop_needs_reason_and_tells_everyone(staff, django_capture_on_commit_callbacks):
    atelier = AtelierFactory(capacity=1)
    confirmed = InscriptionFactory(atelier=atelier)
    waiting = InscriptionFactory(atelier=atelier, status=InscriptionStatus.LISTE_ATTENTE)
    InscriptionFactory(atelier=atelier, status=InscriptionStatus.ANNULE)
    with pytest.raises(TransitionError, match="motif"):
        transition(atelier, AtelierStatus.ANNULE, by=staff, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        transition(atelier, AtelierStatus.ANNULE, by=staff, reason="Grève des transports")
    atelier.refresh_from_db()
    assert atelier.cancellation_reason == "Grève des transports"
    assert sorted(m.to[0] for m in mail.outbox) == sorted([confirmed.user.email, waiting.user.email])
    message = mail.outbox[0]
    assert "annulé" in message.subject
    assert "Grève des transports" in message.body
    assert message.alternatives
    html = next(content for content, mimetype in message.alternatives if mimetype == "text/html")
    assert "Grève des transports" in html
    assert "METHOD:CANCEL" in message.attachments[0][1]
    assert "STATUS:CANCELLED" in message.attachments[0][1]


def test_lowering_capacity_below_confirmed_warns_and_drops_nobody(staff):
    atelier = AtelierFactory(capacity=5)
    InscriptionFactory.create_batch(4, atelier=atelier)
    result = set_capacity(atelier, 2, by=staff)
    assert result.over == 2
    assert "personne n'a été désinscrit" in result.warning
    assert Inscription.objects.confirmees().filter(atelier=atelier).count() == 4
    atelier.refresh_from_db()
    assert atelier.capacity == 2


def test_raising_capacity_promotes_waiting_list_in_order(staff, organisation, lead):
    atelier = AtelierFactory(capacity=1)
    register(atelier, lead, by=lead)
    first = register(atelier, member_of(organisation), by=lead).inscription
    second = register(atelier, member_of(organisation), by=lead).inscription
    third = register(atelier, member_of(organisation), by=lead).inscription
    result = set_capacity(atelier, 3, by=staff)
    assert [i.pk for i in result.promoted] == [first.pk, second.pk]
    assert not result.warning
    third.refresh_from_db()
    assert third.status == InscriptionStatus.LISTE_ATTENTE


def test_full_workshop_with_lower_capacity_sends_newcomers_to_waiting_list(staff, lead):
    atelier = AtelierFactory(capacity=3)
    InscriptionFactory.create_batch(3, atelier=atelier)
    set_capacity(atelier, 2, by=staff)
    assert register(atelier, lead, by=lead).waiting


def test_reminder_sent_two_days_before_and_never_twice(django_capture_on_commit_callbacks):
    soon = AtelierFactory(starts_at=timezone.now() + dt.timedelta(hours=40))
    later = AtelierFactory(starts_at=timezone.now() + dt.timedelta(days=5))
    due = InscriptionFactory(atelier=soon)
    InscriptionFactory(atelier=soon, status=InscriptionStatus.LISTE_ATTENTE)
    InscriptionFactory(atelier=soon, status=InscriptionStatus.ANNULE)
    InscriptionFactory(atelier=later)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders_task.delay().get() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders() == 0
    assert [m.to for m in mail.outbox] == [[due.user.email]]
    assert "Rappel" in mail.outbox[0].subject
    assert mail.outbox[0].attachments[0][0].endswith(".ics")
    assert Relance.objects.get().inscription == due


def test_reminder_skips_cancelled_workshop():
    InscriptionFactory(atelier=AtelierFactory(annule=True, starts_at=timezone.now() + dt.timedelta(days=1)))
    assert not due_reminders().exists()


def test_due_reminders_query_count_is_fixed(django_assert_num_queries):
    atelier = AtelierFactory(starts_at=timezone.now() + dt.timedelta(days=1))
    InscriptionFactory.create_batch(3, atelier=atelier)
    with django_assert_num_queries(1):
        assert len(list(due_reminders())) == 3
