import datetime

import pytest
from django.core import mail
from django.db import IntegrityError
from django.utils import timezone

from fabrique.core.working_days import (
    add_working_days,
    easter_sunday,
    public_holidays,
    subtract_working_days,
)
from immersions.enums import EchangeStatus, ImmersionStatus, RelanceKind
from immersions.models import EchangeTalent, Immersion, Relance
from immersions.services.echanges import agent_agrees_by_link
from immersions.services.relances import send_due_reminders
from immersions.tasks import send_reminders
from tests.immersions.factories import EchangeFactory, ImmersionFactory, in_days

pytestmark = pytest.mark.django_db


def test_working_days_skip_weekends():
    friday = datetime.date(2026, 11, 20)
    assert add_working_days(friday, 1) == datetime.date(2026, 11, 23)
    assert add_working_days(friday, 5) == datetime.date(2026, 11, 27)
    assert subtract_working_days(datetime.date(2026, 11, 27), 5) == friday


@pytest.mark.parametrize(
    "easter",
    [
        datetime.date(2024, 3, 31),
        datetime.date(2025, 4, 20),
        datetime.date(2026, 4, 5),
        datetime.date(2027, 3, 28),
        datetime.date(2038, 4, 25),
    ],
)
def test_easter_sunday_by_the_gregorian_algorithm(easter):
    assert easter_sunday(easter.year) == easter


def test_public_holidays_are_not_working_days():
    assert public_holidays(2026) == {
        datetime.date(2026, 1, 1),
        datetime.date(2026, 4, 6),  # Easter Monday
        datetime.date(2026, 5, 1),
        datetime.date(2026, 5, 8),
        datetime.date(2026, 5, 14),  # Ascension
        datetime.date(2026, 5, 25),  # Whit Monday
        datetime.date(2026, 7, 14),
        datetime.date(2026, 8, 15),
        datetime.date(2026, 11, 1),
        datetime.date(2026, 11, 11),
        datetime.date(2026, 12, 25),
    }
    # Tuesday 12 May 2026: five working days back skip Friday 8 May (Victoire 1945).
    assert subtract_working_days(datetime.date(2026, 5, 12), 5) == datetime.date(2026, 5, 4)
    # Thursday 24 December 2026: one working day later is Monday 28 (Christmas is a Friday).
    assert add_working_days(datetime.date(2026, 12, 24), 1) == datetime.date(2026, 12, 28)


# Fifteen days ago is past five working days whatever the week and its public holidays.
def _submitted(origin, host, *, days_ago, status=ImmersionStatus.SOUMISE):
    immersion = ImmersionFactory(origin=origin, host=host, status=status)
    Immersion.objects.filter(pk=immersion.pk).update(
        status_changed_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return immersion


def test_party_that_has_not_acted_after_five_working_days_is_reminded_once(
    origin, host, origin_lead, django_capture_on_commit_callbacks
):
    late = _submitted(origin, host, days_ago=15)
    _submitted(origin, host, days_ago=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders() == 1
    assert [m.to for m in mail.outbox] == [[origin_lead.email]]
    assert "Relance" in mail.outbox[0].subject
    assert Relance.objects.get().immersion == late
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders() == 0
    assert len(mail.outbox) == 1


def test_host_reminder_carries_a_fresh_tutor_link(origin, host, django_capture_on_commit_callbacks):
    immersion = _submitted(origin, host, days_ago=15, status=ImmersionStatus.ACCEPTEE_ORIGINE)
    with django_capture_on_commit_callbacks(execute=True):
        send_due_reminders()
    message = next(m for m in mail.outbox if immersion.tutor_email in m.to)
    assert "/immersions/lien/tuteur_accueil/" in message.body


def test_bilan_due_after_the_end(origin, host, origin_lead, django_capture_on_commit_callbacks):
    immersion = ImmersionFactory(
        origin=origin,
        host=host,
        status=ImmersionStatus.TERMINEE,
        start_date=in_days(-9),
        end_date=in_days(-2),
    )
    with django_capture_on_commit_callbacks(execute=True):
        send_due_reminders()
        send_due_reminders()
    reminder = Relance.objects.get(kind=RelanceKind.BILAN_DU)
    assert reminder.immersion == immersion
    assert origin_lead.email in reminder.recipients
    assert len(mail.outbox) == 1


def test_return_reminder_two_months_before_the_end(origin, origin_service, host, origin_lead):
    due = EchangeFactory(
        origin=origin,
        origin_service=origin_service,
        host=host,
        status=EchangeStatus.EN_COURS,
        start_date=in_days(-100),
        end_date=in_days(55),
    )
    EchangeFactory(
        origin=origin,
        origin_service=origin_service,
        host=host,
        status=EchangeStatus.EN_COURS,
        start_date=in_days(-100),
        end_date=in_days(120),
    )
    assert send_due_reminders() == 1
    assert Relance.objects.get(kind=RelanceKind.RETOUR_A_PREPARER).echange == due


def test_database_refuses_a_second_reminder_for_the_same_event(origin, host):
    immersion = ImmersionFactory(origin=origin, host=host)
    Relance.objects.create(kind=RelanceKind.BILAN_DU, immersion=immersion)
    with pytest.raises(IntegrityError):
        Relance.objects.create(kind=RelanceKind.BILAN_DU, immersion=immersion)


def test_tutor_link_reaches_the_tutor_only_and_the_host_leads_get_the_page(
    origin, host, host_lead, django_capture_on_commit_callbacks
):
    immersion = _submitted(origin, host, days_ago=15, status=ImmersionStatus.ACCEPTEE_ORIGINE)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders() == 1
    by_recipient = {tuple(m.to): m.body for m in mail.outbox}
    assert set(by_recipient) == {(host_lead.email,), (immersion.tutor_email,)}
    assert "/immersions/lien/tuteur_accueil/" in by_recipient[immersion.tutor_email,]
    assert "/immersions/lien/" not in by_recipient[host_lead.email,]
    assert f"/immersions/{immersion.pk}/" in by_recipient[host_lead.email,]
    reminder = Relance.objects.get(kind=RelanceKind.ATTENTE_ACCUEIL)
    assert reminder.recipients == ", ".join(sorted([host_lead.email, immersion.tutor_email]))


def _waiting_echange(origin, origin_service, host, *, days_ago, status, **fields):
    echange = EchangeFactory(origin=origin, origin_service=origin_service, host=host, status=status, **fields)
    EchangeTalent.objects.filter(pk=echange.pk).update(
        status_changed_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return echange


@pytest.mark.parametrize(
    ("status", "kind", "reminded"),
    [
        (EchangeStatus.SOUMISE, RelanceKind.ATTENTE_ORIGINE, "origin_lead"),
        (EchangeStatus.VALIDEE_ORIGINE, RelanceKind.ATTENTE_ACCUEIL, "host_lead"),
    ],
)
def test_agreement_waiting_for_a_validation_reminds_that_side_once(  # noqa: PLR0917 - pytest injects fixtures by name
    origin,
    origin_service,
    host,
    origin_lead,
    host_lead,
    django_capture_on_commit_callbacks,
    status,
    kind,
    reminded,
):
    late = _waiting_echange(origin, origin_service, host, days_ago=15, status=status)
    _waiting_echange(origin, origin_service, host, days_ago=1, status=status)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders() == 1
        assert send_due_reminders() == 0
    lead = {"origin_lead": origin_lead, "host_lead": host_lead}[reminded]
    assert [m.to for m in mail.outbox] == [[lead.email]]
    assert f"/echanges/{late.pk}/" in mail.outbox[0].body
    reminder = Relance.objects.get()
    assert (reminder.kind, reminder.echange) == (kind, late)


def test_agreement_waiting_for_the_three_agreements_reminds_each_missing_party_once(  # noqa: PLR0917 - pytest injects fixtures by name
    origin, origin_service, host, origin_lead, host_lead, django_capture_on_commit_callbacks
):
    echange = _waiting_echange(
        origin,
        origin_service,
        host,
        days_ago=15,
        status=EchangeStatus.VALIDEE_ACCUEIL,
        origin_agreed_at=timezone.now(),
        origin_agreed_by=origin_lead,
    )
    _waiting_echange(origin, origin_service, host, days_ago=1, status=EchangeStatus.VALIDEE_ACCUEIL)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders() == 1
        assert send_due_reminders() == 0
    by_recipient = {tuple(m.to): m.body for m in mail.outbox}
    # The origin has agreed: its lead is not reminded.
    assert set(by_recipient) == {(host_lead.email,), (echange.agent_email,)}
    assert f"/echanges/{echange.pk}/" in by_recipient[host_lead.email,]
    assert "/immersions/lien/" not in by_recipient[host_lead.email,]
    assert "l'agent, la structure d'accueil" in by_recipient[host_lead.email,]
    agent_body = by_recipient[echange.agent_email,]
    assert "/immersions/lien/agent_accord/" in agent_body
    reminder = Relance.objects.get(kind=RelanceKind.ACCORDS_ATTENDUS)
    assert reminder.echange == echange
    assert reminder.recipients == ", ".join(sorted([host_lead.email, echange.agent_email]))
    # The agent's link is fresh and works.
    token = agent_body.split("/immersions/lien/agent_accord/")[1].split("/")[0]
    agent_agrees_by_link(token)
    echange.refresh_from_db()
    assert echange.agent_agreed_at is not None


def test_signed_agreement_gets_no_agreements_reminder(origin, origin_service, host, origin_lead):
    _waiting_echange(origin, origin_service, host, days_ago=15, status=EchangeStatus.SIGNEE)
    assert send_due_reminders() == 0
    assert not Relance.objects.exists()
