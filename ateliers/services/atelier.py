"""A workshop's life: status transitions (logged) and capacity changes (nobody silently dropped)."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ateliers import emails
from ateliers.enums import ATELIER_TRANSITIONS, REASON_REQUIRED, AtelierStatus
from ateliers.models import AtelierTransition, Inscription
from ateliers.permissions import can_manage
from ateliers.services.inscriptions import fill_free_seats, lock_atelier


class TransitionError(Exception):
    """A status or capacity change refused, with the message shown to staff."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def allowed_transitions(atelier):
    return ATELIER_TRANSITIONS[AtelierStatus(atelier.status)]


def transition(atelier, to, *, by, reason="", notify=True):
    """Move `atelier` to status `to`: checks the map and the actor, saves, logs who/when/why.

    Cancelling needs a reason and tells every person registered or waiting, after commit.
    """
    if not can_manage(by):
        raise TransitionError(_("Seule l'équipe d'animation peut changer le statut d'un atelier."))
    to = AtelierStatus(to)
    reason = reason.strip()
    with transaction.atomic():
        locked = lock_atelier(atelier)
        from_status = AtelierStatus(locked.status)
        if to not in ATELIER_TRANSITIONS[from_status]:
            raise TransitionError(
                _("Un atelier « %(from)s » ne peut pas passer à « %(to)s ».")
                % {"from": from_status.label, "to": to.label}
            )
        if to in REASON_REQUIRED and not reason:
            raise TransitionError(_("Indiquez le motif : il est communiqué aux inscrits."))
        locked.status = to
        update_fields = ["status", "updated_at"]
        if to == AtelierStatus.ANNULE:
            locked.cancellation_reason = reason
            update_fields.append("cancellation_reason")
        locked.save(update_fields=update_fields)
        AtelierTransition.objects.create(
            atelier=locked, from_status=from_status, to_status=to, by=by, at=timezone.now(), reason=reason
        )
        if to == AtelierStatus.ANNULE and notify:
            for inscription in locked.inscriptions.actives().select_related("user", "registered_by"):
                inscription.atelier = locked
                emails.send_atelier_cancelled(inscription, reason=reason)
    atelier.status = locked.status
    atelier.cancellation_reason = locked.cancellation_reason
    atelier.updated_at = locked.updated_at
    return atelier


@dataclass
class CapacityChange:
    capacity: int
    confirmed: int
    promoted: list = field(default_factory=list)

    @property
    def over(self):
        """How many confirmed people are above the new capacity (they stay registered)."""
        return max(self.confirmed - self.capacity, 0)

    @property
    def warning(self):
        if not self.over:
            return ""
        return _(
            "La capacité (%(capacity)s) est inférieure au nombre d'inscrits confirmés (%(confirmed)s) : "
            "personne n'a été désinscrit, %(over)s personne(s) sont en surnombre. Annulez des inscriptions "
            "vous-même si nécessaire."
        ) % {"capacity": self.capacity, "confirmed": self.confirmed, "over": self.over}


def set_capacity(atelier, capacity, *, by, notify=True):
    """Change the number of seats under the atelier's lock.

    Lowering it below the confirmed count drops nobody (the result carries a warning for staff);
    raising it promotes the first in line to the new seats.
    """
    if not can_manage(by):
        raise TransitionError(_("Seule l'équipe d'animation peut changer la capacité d'un atelier."))
    if capacity < 1:
        raise TransitionError(_("La capacité doit être d'au moins une place."))
    with transaction.atomic():
        locked = lock_atelier(atelier)
        locked.capacity = capacity
        locked.save(update_fields=["capacity", "updated_at"])
        promoted = fill_free_seats(locked, notify=notify)
        confirmed = Inscription.objects.confirmees().filter(atelier=locked).count()
    atelier.capacity = capacity
    return CapacityChange(capacity=capacity, confirmed=confirmed, promoted=promoted)
