"""A workshop's life: status transitions (through the one workflow mechanism, logged) and capacity changes
(nobody silently dropped)."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from ateliers import emails
from ateliers.enums import ATELIER_WORKFLOW, Acteur, AtelierStatus
from ateliers.models import Atelier, AtelierTransition, Inscription
from ateliers.permissions import can_manage
from ateliers.services.inscriptions import fill_free_seats, lock_atelier
from fabrique.core.workflow import TransitionError, Workflow

__all__ = ["WORKFLOW", "TransitionError", "set_capacity", "transition"]


def atelier_roles(user, atelier):
    """Only the DGAFP's animation team runs a workshop."""
    return {Acteur.ANIMATION} if can_manage(user) else set()


def after_transition(atelier_pk, source, to):
    """A cancelled workshop: every person registered or waiting is told, with the reason."""
    if to != AtelierStatus.ANNULE:
        return
    atelier = Atelier.objects.get(pk=atelier_pk)
    for inscription in atelier.inscriptions.actives().select_related("user", "registered_by"):
        inscription.atelier = atelier
        emails.send_atelier_cancelled(inscription, reason=atelier.cancellation_reason)


WORKFLOW = Workflow(
    Atelier, AtelierTransition, roles=atelier_roles, after=after_transition, **ATELIER_WORKFLOW
)


def transition(atelier, to, *, by, reason="", notify=True):
    """Move `atelier` to status `to` on behalf of `by` (the map, the actor, the reason are checked).

    Cancelling needs a reason, kept on the workshop, and tells every person registered or waiting after
    commit (unless `notify=False`, for demo data).
    """
    to = AtelierStatus(to)
    changes = {"cancellation_reason": reason.strip()} if to == AtelierStatus.ANNULE else None
    WORKFLOW.transition(atelier, to, by=by, reason=reason, changes=changes, effects=notify)
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
