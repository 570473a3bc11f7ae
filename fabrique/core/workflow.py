"""The one transition mechanism of every workflow (workshop, registration, booklet version, immersion,
agreement, and every later one).

A workflow declares, in one map next to its statuses, each allowed step and the roles that may make it:

    STEPS = {(Status.BROUILLON, Status.SOUMISE): {Role.ORIGINE}, ...}

and a `Workflow` binds that map to its model, its log model and a function telling which roles a user
holds on an object. `Workflow.transition()` is then the only way a status changes, from the site, the
admin, a bulk action, a signed link, the worker or the calendar: it locks the row, checks the map, the
actor's role and the reason, saves with `update_fields`, writes one log row (from, to, by, at, why) and
runs the side effects after commit. A step attempted by the wrong party is refused here, whatever the
path (`PermissionDenied`); a step no longer possible raises `TransitionError` with the message to show.
"""

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# What a refusal says; a workflow may replace any of them (`messages={...}`).
MESSAGES = {
    "impossible": gettext_lazy("Cette étape n'est pas possible depuis le statut « %(from)s »."),  # %(to)s too
    "forbidden": gettext_lazy("Cette étape appartient à une autre partie."),
    "changed": gettext_lazy("Le statut a changé entre-temps (« %(status)s ») : rechargez la page."),
    "reason": gettext_lazy("Indiquez le motif du refus ou de l'annulation."),
    "not_draft": gettext_lazy("Ce n'est plus un brouillon (statut « %(status)s »)."),
}

# The role of the worker and of the calendar (beat): steps made by nobody in particular.
SYSTEM = "systeme"


class TransitionError(Exception):
    """A step that cannot be made now (wrong status, missing reason, limit reached...). Nothing changed."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def actor_label(user):
    """The name a log row shows for `user` (kept even if the account is deleted later)."""
    if user is None:
        return _("Automatique")
    return getattr(user, "display_name", None) or str(user)


def transitions_map(steps):
    """{from: frozenset(to, ...)} derived from a steps map, so the two can never disagree."""
    result = {}
    for source, target in steps:
        result.setdefault(source, set()).add(target)
    return {source: frozenset(targets) for source, targets in result.items()}


class Workflow:
    """One workflow: its model, its log model (which names the statuses' TextChoices), its steps map
    {(from, to): roles allowed}, and:

    - `roles(user, obj)`: the roles `user` holds on `obj` (a set of strings);
    - `reason_required`: statuses that cannot be entered without a reason;
    - `stamp_field`: a datetime field set at each step (the status' age), if the model has one;
    - `after(pk, source, to)`: the side effects, run after the transaction commits;
    - `draft`: the status of a newly declared object (see `create` and `save_draft`);
    - `messages`: replaces some of `MESSAGES`; `forbidden_error`: what a step of another party raises
      (PermissionDenied by default, a 403 on the site; staff forms may prefer TransitionError).
    """

    def __init__(self, model, log_model, *, steps: Mapping, roles: Callable[[Any, Any], set], **options):
        self.model = model
        self.log_model = log_model
        # The log's foreign key to the object, and the statuses' TextChoices (the log model names them).
        self.log_field = next(
            field.name for field in log_model._meta.concrete_fields if field.related_model is model
        )
        self.statuses = log_model.statuses
        self.steps = {key: frozenset(value) for key, value in steps.items()}
        self.transitions = transitions_map(self.steps)
        self.roles = roles
        self.reason_required = frozenset(options.pop("reason_required", ()))
        self.stamp_field = options.pop("stamp_field", None)
        self.after = options.pop("after", None)
        self.draft = options.pop("draft", None)
        self.forbidden_error = options.pop("forbidden_error", PermissionDenied)
        self.messages = {**MESSAGES, **options.pop("messages", {})}
        if options:
            raise TypeError(f"Unknown workflow options: {', '.join(options)}")

    def label(self, status):
        return self.statuses(status).label

    def roles_of(self, user, obj):
        """The roles `user` holds on `obj`; nobody (the worker, the calendar) holds the system role."""
        return {SYSTEM} if user is None else set(self.roles(user, obj))

    def possible(self, obj, user):
        """The statuses `user` may move `obj` to now, in the map's order (the buttons a page shows)."""
        roles = self.roles_of(user, obj)
        return [
            to for (source, to), allowed in self.steps.items() if source == obj.status and allowed & roles
        ]

    def check(self, obj, to, roles, *, reason="", expected=None):
        """Raise if the step is not allowed; return False when it was already made (a double click).

        `expected` is the status the user saw: if the row has moved on since, the step is refused with
        the « changed » message, unless it is exactly the step asked (then nothing more is done).
        """
        source = expected or obj.status
        if to not in self.transitions.get(source, ()):
            labels = {"from": self.label(obj.status), "to": self.label(to)}
            raise TransitionError(self.messages["impossible"] % labels)
        if not self.steps[(source, to)] & roles:
            raise self.forbidden_error(str(self.messages["forbidden"]))
        if obj.status == to:
            return False
        if obj.status != source:
            raise TransitionError(self.messages["changed"] % {"status": self.label(obj.status)})
        if to in self.reason_required and not reason.strip():
            raise TransitionError(self.messages["reason"])
        return True

    def lock(self, obj):
        """`obj`'s row read again under a row lock (inside the caller's transaction)."""
        return self.model.objects.select_for_update().get(pk=obj.pk)

    def transition(
        self, obj, to, *, by, reason="", expected=None, acting_as=None, label=None, changes=None, effects=True
    ):
        """Move `obj` to `to` on behalf of `by` (None: the system); return False if already made.

        `acting_as` replaces the roles computed for `by`: a signed link acts as the party it was sent to.
        `changes` are other fields written with the status (a cancellation's reason). `effects=False`
        skips the side effects (loading demo data). `obj` is updated in memory.
        """
        with transaction.atomic():
            locked = self.lock(obj)
            roles = set(acting_as) if acting_as is not None else self.roles_of(by, locked)
            if not self.check(locked, to, roles, reason=reason, expected=expected):
                return False
            self.apply(locked, to, by=by, label=label, reason=reason, changes=changes, effects=effects)
        for name in ["status", *(changes or {}), *([self.stamp_field] if self.stamp_field else [])]:
            setattr(obj, name, getattr(locked, name))
        return True

    def apply(self, locked, to, *, by, label=None, reason="", changes=None, effects=True):
        """Write the new status and its log row. The caller holds the row's lock and made every check."""
        source = locked.status
        fields = ["status"]
        for name, value in (changes or {}).items():
            setattr(locked, name, value)
            fields.append(name)
        locked.status = to
        if self.stamp_field:
            setattr(locked, self.stamp_field, timezone.now())
            fields.append(self.stamp_field)
        if any(field.name == "updated_at" for field in locked._meta.concrete_fields):
            fields.append("updated_at")
        locked.save(update_fields=fields)
        self.log(locked, source, to, by=by, label=label, reason=reason)
        if effects and self.after is not None:
            pk, after = locked.pk, self.after
            transaction.on_commit(lambda: after(pk, source, to))

    def log(self, obj, source, to, *, by, label=None, reason=""):
        return self.log_model.objects.create(
            **{self.log_field: obj},
            from_status=source,
            to_status=to,
            by=by,
            actor_label=label if label is not None else actor_label(by),
            reason=reason.strip(),
        )

    # --- Objects declared as drafts (immersions, agreements) -----------------------------------------

    def create(self, obj, *, by, reason):
        """Save a new object declared by `by` as a draft, log its creation and return it.

        An object carrying the creation token of one `by` already saved (the same form submitted twice)
        gets that saved object back instead: never a duplicate. Two submissions at the same time are
        settled by the token's unique index, the second one finding the first one's row.
        """
        token = obj.creation_token
        existing = self.created_with(token, by)
        if existing is not None:
            return existing
        obj.created_by = by
        obj.status = self.draft
        try:
            with transaction.atomic():
                obj.save()
                self.log(obj, "", self.draft, by=by, reason=reason)
        except IntegrityError:
            existing = self.created_with(token, by)
            if existing is None:
                raise
            return existing
        return obj

    def created_with(self, token, by):
        """The object `by` created with this form token, if any."""
        if token is None:
            return None
        return self.model.objects.filter(creation_token=token, created_by=by).first()

    def save_draft(self, obj, fields):
        """Save the edited `fields` of a draft, never its status; refuse if it is no longer a draft.

        The row is locked and its status read again: a step made between loading the form and saving it
        (a submission, a cancellation) is never undone by the edit.
        """
        with transaction.atomic():
            locked = self.model.objects.select_for_update().only("status").get(pk=obj.pk)
            if locked.status != self.draft:
                raise TransitionError(self.messages["not_draft"] % {"status": self.label(locked.status)})
            skipped = {"status", self.stamp_field}
            obj.save(update_fields=[name for name in fields if name not in skipped])
        return obj

    # --- The calendar -----------------------------------------------------------------------------------

    def advance(self, steps):
        """Make the calendar's steps, each (from, to, filter, reason), row by row under its lock.

        Rows locked by someone else at that moment are skipped (the next run takes them).
        """
        moved = 0
        for source, to, condition, reason in steps:
            for pk in self.model.objects.filter(status=source, **condition).values_list("pk", flat=True):
                with transaction.atomic():
                    locked = self.model.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
                    if locked is None or locked.status != source:
                        continue
                    self.check(locked, to, {SYSTEM}, reason=reason)
                    self.apply(locked, to, by=None, label=_("Automatique (calendrier)"), reason=reason)
                    moved += 1
        return moved
