import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from accompagnement.models import Organisation, roots_of
from ateliers.enums import InscriptionStatus, Presence
from ateliers.models import Inscription
from ateliers.services.inscriptions import (
    RegistrationError,
    cancel,
    promote,
    record_presence,
    register,
    registration_problem,
    waiting_position,
)
from tests.accompagnement.factories import OrganisationFactory, UserFactory
from tests.ateliers.factories import AtelierFactory, InscriptionFactory, member_of

pytestmark = pytest.mark.django_db


def html_part(message):
    """The message's HTML alternative (every workshop email has one), as text."""
    assert message.alternatives
    html = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    assert len(html) == 1
    return html[0]


def test_register_self_confirms_and_sends_invitation(lead, organisation, django_capture_on_commit_callbacks):
    atelier = AtelierFactory()
    with django_capture_on_commit_callbacks(execute=True):
        result = register(atelier, lead, by=lead)
    inscription = result.inscription
    assert result.created
    assert inscription.status == InscriptionStatus.INSCRIT
    assert inscription.organisation == organisation
    assert inscription.registered_by == lead
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [lead.email]
    assert "Inscription confirmée" in message.subject
    assert message.alternatives
    assert "text/html" in message.alternatives[0][1]
    filename, content, mimetype = message.attachments[0]
    assert filename.endswith(".ics")
    assert mimetype.startswith("text/calendar")
    assert "BEGIN:VEVENT" in content
    assert "METHOD:REQUEST" in content
    assert f"mailto:{lead.email}" in content.replace("\r\n ", "")


def test_register_colleague_of_same_organisation(lead, organisation):
    colleague = member_of(organisation)
    result = register(AtelierFactory(), colleague, by=lead)
    assert result.inscription.user == colleague
    assert result.inscription.registered_by == lead
    assert result.inscription.organisation == organisation


def test_register_someone_of_another_organisation_is_refused(lead):
    stranger = member_of(OrganisationFactory())
    atelier = AtelierFactory()
    with pytest.raises(RegistrationError, match="collègue de votre organisation"):
        register(atelier, stranger, by=lead)
    assert not Inscription.objects.exists()


def test_register_twice_registers_once(lead):
    atelier = AtelierFactory()
    first = register(atelier, lead, by=lead)
    second = register(atelier, lead, by=lead)
    assert first.created
    assert not second.created
    assert second.inscription.pk == first.inscription.pk
    assert Inscription.objects.count() == 1


@pytest.mark.parametrize(
    ("factory_kwargs", "message"),
    [
        ({"annule": True}, "annulé"),
        ({"closes": True}, "closes"),
        ({"brouillon": True}, "pas encore ouvertes"),
        ({"registration_opens_at": timezone.now() + dt.timedelta(days=1)}, "ouvriront le"),
        ({"registration_closes_at": timezone.now() - dt.timedelta(hours=1)}, "closes depuis le"),
    ],
)
def test_register_outside_registration_window_is_refused_with_message(lead, factory_kwargs, message):
    atelier = AtelierFactory(**factory_kwargs)
    with pytest.raises(RegistrationError, match=message):
        register(atelier, lead, by=lead)
    assert not Inscription.objects.exists()


def test_registration_problem_none_when_open():
    assert registration_problem(AtelierFactory()) is None


def test_register_full_workshop_goes_to_waiting_list_in_order(organisation, lead):
    atelier = AtelierFactory(capacity=1)
    register(atelier, lead, by=lead)
    second, third = member_of(organisation), member_of(organisation)
    waiting_second = register(atelier, second, by=lead)
    waiting_third = register(atelier, third, by=lead)
    assert waiting_second.waiting
    assert waiting_third.waiting
    assert waiting_position(waiting_second.inscription) == 1
    assert waiting_position(waiting_third.inscription) == 2


def test_waiting_list_notice_is_sent(lead, organisation, django_capture_on_commit_callbacks):
    atelier = AtelierFactory(capacity=1)
    InscriptionFactory(atelier=atelier)
    with django_capture_on_commit_callbacks(execute=True):
        register(atelier, lead, by=lead)
    assert len(mail.outbox) == 1
    assert "Liste d’attente" in mail.outbox[0].subject
    assert "rang 1" in mail.outbox[0].body
    assert not mail.outbox[0].attachments
    assert "au rang 1" in html_part(mail.outbox[0])


def test_cancel_promotes_first_in_line_and_tells_them(organisation, lead, django_capture_on_commit_callbacks):
    atelier = AtelierFactory(capacity=1)
    confirmed = register(atelier, lead, by=lead).inscription
    first = register(atelier, member_of(organisation), by=lead).inscription
    second = register(atelier, member_of(organisation), by=lead).inscription
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = cancel(confirmed, by=lead)
    first.refresh_from_db()
    second.refresh_from_db()
    assert result.promoted == [first]
    assert first.status == InscriptionStatus.INSCRIT
    assert second.status == InscriptionStatus.LISTE_ATTENTE
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert "place s’est libérée" in subjects[first.user.email]
    assert "annulée" in subjects[lead.email]
    promotion = next(m for m in mail.outbox if m.to == [first.user.email])
    assert promotion.attachments[0][0].endswith(".ics")
    assert "Votre place est confirmée" in html_part(promotion)
    cancellation = next(m for m in mail.outbox if m.to == [lead.email])
    assert "Votre inscription à cet atelier est annulée" in html_part(cancellation)


def test_cancel_waiting_person_promotes_nobody(organisation, lead):
    atelier = AtelierFactory(capacity=1)
    register(atelier, lead, by=lead)
    waiting = register(atelier, member_of(organisation), by=lead).inscription
    result = cancel(waiting, by=lead)
    assert result.promoted == []
    assert Inscription.objects.confirmees().count() == 1


def test_register_again_after_cancelling_reuses_row_at_end_of_line(organisation, lead):
    atelier = AtelierFactory(capacity=1)
    mine = register(atelier, lead, by=lead).inscription
    other = register(atelier, member_of(organisation), by=lead).inscription
    cancel(mine, by=lead)
    again = register(atelier, lead, by=lead)
    other.refresh_from_db()
    assert again.created
    assert again.inscription.pk == mine.pk
    assert other.status == InscriptionStatus.INSCRIT
    assert again.inscription.status == InscriptionStatus.LISTE_ATTENTE


def test_cancel_by_another_organisation_is_refused(lead):
    inscription = InscriptionFactory()
    with pytest.raises(RegistrationError):
        cancel(inscription, by=lead)


def test_cancel_after_workshop_held_is_refused(lead, organisation):
    inscription = InscriptionFactory(atelier=AtelierFactory(tenu=True), organisation=organisation, user=lead)
    with pytest.raises(RegistrationError, match="a eu lieu"):
        cancel(inscription, by=lead)


def test_promote_needs_staff_and_a_free_seat(staff, lead, organisation):
    atelier = AtelierFactory(capacity=1)
    register(atelier, lead, by=lead)
    waiting = register(atelier, member_of(organisation), by=lead).inscription
    with pytest.raises(RegistrationError, match="équipe d'animation"):
        promote(waiting, by=lead)
    with pytest.raises(RegistrationError, match="aucune place libre"):
        promote(waiting, by=staff)
    atelier.capacity = 2
    atelier.save()
    assert promote(waiting, by=staff).status == InscriptionStatus.INSCRIT


def test_staff_registers_anyone_even_after_closing_but_not_when_cancelled(staff):
    person = member_of(OrganisationFactory())
    closed = AtelierFactory(closes=True)
    assert register(closed, person, by=staff).inscription.status == InscriptionStatus.INSCRIT
    with pytest.raises(RegistrationError, match="annulé"):
        register(AtelierFactory(annule=True), person, by=staff)


def test_register_person_without_organisation_is_refused(staff):
    with pytest.raises(RegistrationError, match="aucune organisation"):
        register(AtelierFactory(), UserFactory(), by=staff)


def test_record_presence_updates_only_confirmed_rows_of_the_workshop(staff):
    atelier = AtelierFactory(tenu=True)
    present, absent = InscriptionFactory.create_batch(2, atelier=atelier)
    waiting = InscriptionFactory(atelier=atelier, status=InscriptionStatus.LISTE_ATTENTE)
    elsewhere = InscriptionFactory()
    changed = record_presence(
        atelier,
        {
            present.pk: Presence.PRESENT,
            absent.pk: Presence.ABSENT,
            waiting.pk: Presence.PRESENT,
            elsewhere.pk: Presence.PRESENT,
        },
        by=staff,
    )
    assert changed == 2
    presences = dict(Inscription.objects.values_list("pk", "presence"))
    assert presences[present.pk] == Presence.PRESENT
    assert presences[absent.pk] == Presence.ABSENT
    assert presences[waiting.pk] == Presence.NON_RENSEIGNE
    assert presences[elsewhere.pk] == Presence.NON_RENSEIGNE


def test_record_presence_refused_to_members(lead):
    with pytest.raises(RegistrationError):
        record_presence(AtelierFactory(), {}, by=lead)


def test_register_self_without_organisation_says_why():
    loner = UserFactory()
    with pytest.raises(RegistrationError, match="aucune organisation"):
        register(AtelierFactory(), loner, by=loner)


def test_roots_of_finds_the_top_of_deep_organisations_in_one_query(django_assert_num_queries):
    ministry = OrganisationFactory(ministere=True)
    bureau = OrganisationFactory(parent=OrganisationFactory(parent=OrganisationFactory(parent=ministry)))
    other = OrganisationFactory(ministere=True)
    with django_assert_num_queries(1):
        roots = roots_of([bureau, other.pk, ministry])
    assert {pk: root.pk for pk, root in roots.items()} == {
        bureau.pk: ministry.pk,
        other.pk: other.pk,
        ministry.pk: ministry.pk,
    }
    assert roots[bureau.pk].name == ministry.name


def test_roots_of_stops_on_a_cycle():
    first = OrganisationFactory()
    second = OrganisationFactory(parent=first)
    Organisation.objects.filter(pk=first.pk).update(parent=second)  # bad data must not hang a page
    roots = roots_of([second])
    assert roots[second.pk].pk in {first.pk, second.pk}
