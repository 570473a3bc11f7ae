"""Registrations: register, cancel, promote from the waiting list, record presence.

Every path that consumes or frees a seat locks the workshop row (`select_for_update`) inside one
transaction, then counts, then writes: two people racing for the last seat are served one after the other,
so there are never more confirmed registrations than seats. Emails are queued after commit.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accompagnement.models import Organisation
from ateliers import emails
from ateliers.enums import (
    INSCRIPTION_WORKFLOW,
    Acteur,
    AtelierStatus,
    InscriptionStatus,
    Presence,
    RelanceKind,
)
from ateliers.models import Atelier, Inscription, InscriptionTransition, Relance
from ateliers.permissions import can_manage, can_register, inscription_roles, is_staff, shared_organisation
from fabrique.core.workflow import SYSTEM, TransitionError, Workflow

# A workshop that took place (or whose booklet is out) no longer moves people off its waiting list.
NO_PROMOTION = {AtelierStatus.TENU, AtelierStatus.RESTITUTION_PUBLIEE, AtelierStatus.ANNULE}


class RegistrationError(TransitionError):
    """A registration change refused, with the message shown to the person."""


# The registration pages show a refusal as a message (RegistrationError), not as a 403.
WORKFLOW = Workflow(
    Inscription,
    InscriptionTransition,
    roles=inscription_roles,
    forbidden_error=RegistrationError,
    **INSCRIPTION_WORKFLOW,
)


@dataclass
class RegistrationResult:
    inscription: Inscription
    created: bool  # False when the person was already registered (a second submission)
    promoted: list = field(default_factory=list)

    @property
    def waiting(self):
        return self.inscription.status == InscriptionStatus.LISTE_ATTENTE


def _date(value):
    return formats.date_format(timezone.localtime(value), "j F Y à H\\hi")


def registration_problem(atelier, *, now=None):
    """Why registrations to `atelier` are not possible right now, or None when they are."""
    now = now or timezone.now()
    if atelier.status == AtelierStatus.ANNULE:
        return _("Cet atelier est annulé : il n'est plus possible de s'y inscrire.")
    if atelier.status == AtelierStatus.BROUILLON:
        return _("Les inscriptions à cet atelier ne sont pas encore ouvertes.")
    if atelier.status != AtelierStatus.INSCRIPTIONS_OUVERTES or atelier.starts_at <= now:
        return _("Les inscriptions à cet atelier sont closes.")
    if atelier.registration_opens_at and now < atelier.registration_opens_at:
        return _("Les inscriptions à cet atelier ouvriront le %(date)s.") % {
            "date": _date(atelier.registration_opens_at)
        }
    if atelier.registration_closes_at and now >= atelier.registration_closes_at:
        return _("Les inscriptions à cet atelier sont closes depuis le %(date)s.") % {
            "date": _date(atelier.registration_closes_at)
        }
    return None


def _organisation_for(by, user):
    """The organisation recorded on the registration: the one `by` and `user` share, else the user's own."""
    organisation = shared_organisation(by, user)
    if organisation is None and is_staff(by):
        organisation = (
            Organisation.objects.filter(adhesions__user=user, adhesions__active=True).order_by("name").first()
        )
    return organisation


def lock_atelier(atelier):
    """The workshop row, locked until the end of the transaction: every seat change takes it first."""
    return Atelier.objects.select_for_update().get(pk=atelier.pk)


def waiting_position(inscription):
    """1 for the first in line."""
    return (
        Inscription.objects.en_attente()
        .filter(atelier_id=inscription.atelier_id, created_at__lte=inscription.created_at)
        .exclude(created_at=inscription.created_at, pk__gt=inscription.pk)
        .count()
    )


def register(atelier, user, *, by, organisation=None, consent_annuaire=False, notify=True):
    """Register `user` to `atelier` on behalf of `by`; confirmed while seats remain, else waiting list.

    A member registers themselves or a colleague of their own organisation, while registrations are
    open; staff register anyone at any time except on a cancelled workshop. Registering someone already
    registered changes nothing (a form submitted twice registers once). Raises RegistrationError.
    """
    if by.pk == user.pk and not is_staff(by) and shared_organisation(by, user) is None:
        raise RegistrationError(
            _(
                "Votre compte n'est rattaché à aucune organisation du réseau : écrivez à l'équipe "
                "d'animation de la DGAFP pour qu'elle le rattache."
            )
        )
    if not can_register(by, user):
        raise RegistrationError(
            _("Vous ne pouvez inscrire que vous-même ou un collègue de votre organisation.")
        )
    organisation = organisation or _organisation_for(by, user)
    if organisation is None:
        raise RegistrationError(
            _("%(person)s n'est rattaché à aucune organisation du réseau.") % {"person": user}
        )
    with transaction.atomic():
        locked = lock_atelier(atelier)
        problem = registration_problem(locked)
        if problem and not (is_staff(by) and locked.status != AtelierStatus.ANNULE):
            raise RegistrationError(problem)
        existing = Inscription.objects.filter(atelier=locked, user=user).first()
        if existing is not None and existing.status != InscriptionStatus.ANNULE:
            return RegistrationResult(existing, created=False)
        confirmed = locked.inscriptions.confirmees().count()
        status = InscriptionStatus.INSCRIT if confirmed < locked.capacity else InscriptionStatus.LISTE_ATTENTE
        values = {
            "organisation": organisation,
            "status": status,
            "presence": Presence.NON_RENSEIGNE,
            "consent_annuaire": consent_annuaire,
            "registered_by": by,
            "created_at": timezone.now(),
        }
        if existing is None:
            inscription = Inscription.objects.create(atelier=locked, user=user, **values)
            WORKFLOW.log(inscription, "", status, by=by)
        else:
            # Coming back after a cancellation: the same row, at the end of the line.
            inscription = existing
            acting_as = {Acteur.ANIMATION} if is_staff(by) else {_self_or_colleague(by, user)}
            WORKFLOW.check(inscription, status, acting_as)
            values.pop("status")
            WORKFLOW.apply(inscription, status, by=by, changes=values)
        inscription.atelier = locked
        if notify:
            if status == InscriptionStatus.INSCRIT:
                emails.send_confirmation(inscription)
            else:
                emails.send_waiting_list_notice(inscription, position=waiting_position(inscription))
    return RegistrationResult(inscription, created=True)


def _self_or_colleague(by, user):
    return Acteur.PARTICIPANT if by.pk == user.pk else Acteur.COLLEGUE


def fill_free_seats(locked_atelier, *, notify=True):
    """Move the first in line to confirmed while seats are free. The caller holds the atelier's lock."""
    if locked_atelier.status in NO_PROMOTION:
        return []
    free = locked_atelier.capacity - locked_atelier.inscriptions.confirmees().count()
    if free <= 0:
        return []
    promoted = list(
        Inscription.objects.en_attente()
        .filter(atelier=locked_atelier)
        .select_related("user", "registered_by")[:free]
    )
    for inscription in promoted:
        WORKFLOW.check(inscription, InscriptionStatus.INSCRIT, {SYSTEM})
        WORKFLOW.apply(inscription, InscriptionStatus.INSCRIT, by=None, reason=_("Place libérée."))
        inscription.atelier = locked_atelier
        if notify:
            emails.send_promotion(inscription)
    return promoted


def cancel(inscription, *, by, notify=True):
    """Cancel a registration; a freed seat goes at once to the first in line, who is told by email.

    The person registered, a colleague of the organisation they registered with, or staff (the
    workflow's map refuses anyone else).
    """
    with transaction.atomic():
        locked = lock_atelier(inscription.atelier)
        current = Inscription.objects.select_related("user").get(pk=inscription.pk)
        roles = WORKFLOW.roles_of(by, current)
        if current.status == InscriptionStatus.ANNULE and roles:
            return RegistrationResult(current, created=False)  # a second click
        WORKFLOW.check(current, InscriptionStatus.ANNULE, roles)
        if locked.status in {AtelierStatus.TENU, AtelierStatus.RESTITUTION_PUBLIEE}:
            raise RegistrationError(_("Cet atelier a eu lieu : l'inscription ne peut plus être annulée."))
        was_confirmed = current.status == InscriptionStatus.INSCRIT
        WORKFLOW.apply(current, InscriptionStatus.ANNULE, by=by)
        current.atelier = locked
        promoted = fill_free_seats(locked, notify=notify) if was_confirmed else []
        if notify:
            emails.send_cancellation_confirmation(current)
    inscription.status = current.status
    return RegistrationResult(current, created=True, promoted=promoted)


def promote(inscription, *, by, notify=True):
    """Staff move one person from the waiting list to confirmed, if a seat is free."""
    if not can_manage(by):
        raise RegistrationError(
            _("Seule l'équipe d'animation peut faire passer quelqu'un de la liste d'attente.")
        )
    with transaction.atomic():
        locked = lock_atelier(inscription.atelier)
        current = Inscription.objects.select_related("user", "registered_by").get(pk=inscription.pk)
        if current.status != InscriptionStatus.LISTE_ATTENTE:
            raise RegistrationError(
                _("%(person)s n'est pas sur la liste d'attente.") % {"person": current.user}
            )
        if locked.inscriptions.confirmees().count() >= locked.capacity:
            raise RegistrationError(
                _("Plus aucune place libre pour %(person)s : augmentez d'abord la capacité de l'atelier.")
                % {"person": current.user}
            )
        WORKFLOW.check(current, InscriptionStatus.INSCRIT, WORKFLOW.roles_of(by, current))
        WORKFLOW.apply(current, InscriptionStatus.INSCRIT, by=by, reason=_("Passage de la liste d'attente."))
        current.atelier = locked
        if notify:
            emails.send_promotion(current)
    return current


def record_presence(atelier, presences, *, by):
    """Staff mark presence on the day: `presences` maps registration ids to a Presence value.

    One UPDATE per value, whatever the number of people; only confirmed registrations of `atelier`.
    Returns the number of rows changed.
    """
    if not can_manage(by):
        raise RegistrationError(_("Seule l'équipe d'animation peut faire l'émargement."))
    changed = 0
    with transaction.atomic():
        for value in Presence.values:
            ids = [pk for pk, presence in presences.items() if presence == value]
            if ids:
                changed += (
                    Inscription.objects.confirmees()
                    .filter(atelier=atelier, pk__in=ids)
                    .exclude(presence=value)
                    .update(presence=value, updated_at=timezone.now())
                )
    return changed


REMINDER_DELAY = timedelta(days=2)


def due_reminders(*, now=None):
    """Confirmed registrations of workshops starting within two days whose reminder is not sent yet."""
    now = now or timezone.now()
    return (
        Inscription.objects.confirmees()
        .filter(
            atelier__starts_at__gt=now,
            atelier__starts_at__lte=now + REMINDER_DELAY,
            atelier__status__in=[AtelierStatus.INSCRIPTIONS_OUVERTES, AtelierStatus.INSCRIPTIONS_CLOSES],
        )
        .exclude(relances__kind=RelanceKind.J_MOINS_2)
        .select_related("atelier", "user", "registered_by")
        .order_by("atelier__starts_at", "pk")
    )


def send_reminder(inscription):
    """Record the reminder, then send it; the unique row means a second run (or a race) sends nothing."""
    with transaction.atomic():
        _, created = Relance.objects.get_or_create(inscription=inscription, kind=RelanceKind.J_MOINS_2)
        if created:
            emails.send_reminder(inscription)
    return created


def send_due_reminders(*, now=None):
    """The two-day reminder of every due registration; returns how many were sent."""
    return sum(send_reminder(inscription) for inscription in due_reminders(now=now))
