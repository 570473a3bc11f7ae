"""Pieces shared by both workflows: errors, the workflow engine, working days, recipients,
notifications, signed links."""

import datetime
import functools
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accompagnement.models import Adhesion, Organisation
from fabrique.emails import send_templated_email
from immersions.enums import REASON_REQUIRED
from immersions.models import UsedLink


class TransitionError(Exception):
    """A step that cannot be made now (wrong status, missing reason, cap reached...). Nothing changed."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class CapReachedError(TransitionError):
    """The service's cap (cliquet) is reached: the origin cannot validate another departure."""


class LinkError(Exception):
    """A signed link that is malformed, expired, reused or no longer useful."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def actor_label(user):
    return getattr(user, "display_name", None) or str(user)


# --- The workflow engine ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Workflow:
    """One workflow (immersion or agreement): its steps map, its log, its side effects.

    The services lock the row and find the actor's sides; the engine checks the step against the map,
    writes the status with `update_fields`, logs it (who, when, from, to, why) and enqueues the side
    effects after commit.
    """

    model: Any
    log_model: Any
    log_field: str  # the log row's foreign key to the object
    steps: dict  # (from, to) -> the sides owning that step
    transitions: dict  # from -> the statuses reachable
    statuses: Any  # the TextChoices of the statuses
    draft: str
    changed_message: str  # lazy; "%(status)s" is the status found
    not_draft_message: str  # lazy; same
    after_transition: Any  # callable(pk, source, to), run after commit

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
                self.log(obj, "", self.draft, by=by, label=actor_label(by), reason=reason)
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

        The row is locked and its status read again: a step made between loading the form and saving
        it (a submission, a cancellation) is never undone by the edit. Otherwise raise TransitionError
        and save nothing.
        """
        with transaction.atomic():
            locked = self.model.objects.select_for_update().only("status").get(pk=obj.pk)
            if locked.status != self.draft:
                raise TransitionError(self.not_draft_message % {"status": self.statuses(locked.status).label})
            obj.save(update_fields=[name for name in fields if name not in {"status", "status_changed_at"}])
        return obj

    def log(self, obj, source, to, *, by, label, reason):
        self.log_model.objects.create(
            **{self.log_field: obj}, from_status=source, to_status=to, by=by, actor_label=label, reason=reason
        )

    def check_step(self, obj, to, sides, reason, expected):
        """Raise if the step is not allowed; return False when it was already made (double click)."""
        source = expected or obj.status
        if to not in self.transitions.get(source, ()):
            raise TransitionError(
                _("Cette étape n'est pas possible depuis le statut « %(status)s ».")
                % {"status": self.statuses(obj.status).label}
            )
        if not self.steps[(source, to)] & sides:
            raise PermissionDenied(_("Cette étape appartient à une autre partie."))
        if obj.status == to:
            return False
        if obj.status != source:
            raise TransitionError(self.changed_message % {"status": self.statuses(obj.status).label})
        if to in REASON_REQUIRED and not reason.strip():
            raise TransitionError(_("Indiquez le motif du refus ou de l'annulation."))
        return True

    def apply(self, obj, to, *, by, label, reason):
        """Write the new status and its log row; the caller holds the row's lock and made every check."""
        source = obj.status
        obj.status = to
        obj.status_changed_at = timezone.now()
        obj.save(update_fields=["status", "status_changed_at"])
        self.log(obj, source, to, by=by, label=label, reason=reason)
        pk = obj.pk
        transaction.on_commit(lambda: self.after_transition(pk, source, to))

    def advance(self, steps):
        """Make the calendar's steps, each (from, to, filter, reason), row by row under its lock."""
        moved = 0
        for source, to, condition, reason in steps:
            for pk in self.model.objects.filter(status=source, **condition).values_list("pk", flat=True):
                with transaction.atomic():
                    locked = self.model.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
                    if locked is None or locked.status != source:
                        continue
                    self.apply(locked, to, by=None, label=_("Automatique (calendrier)"), reason=reason)
                    moved += 1
        return moved


# --- Working days -----------------------------------------------------------------------------------


def easter_sunday(year):
    """Easter Sunday of `year` (Gregorian calendar), by the anonymous Gregorian algorithm."""
    golden = year % 19
    century, year_of_century = divmod(year, 100)
    leap_centuries, century_rest = divmod(century, 4)
    correction = (century + 8) // 25
    moon = (century - correction + 1) // 3
    epact = (19 * golden + century - leap_centuries - moon + 15) % 30
    leap_years, year_rest = divmod(year_of_century, 4)
    weekday = (32 + 2 * century_rest + 2 * leap_years - epact - year_rest) % 7
    shift = (golden + 11 * epact + 22 * weekday) // 451
    month, day = divmod(epact + weekday - 7 * shift + 114, 31)
    return datetime.date(year, month, day + 1)


_FIXED_HOLIDAYS = ((1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25))
# Easter Monday, Ascension Thursday, Whit Monday: days after Easter Sunday.
_EASTER_HOLIDAYS = (1, 39, 50)


@functools.cache
def public_holidays(year):
    """The French public holidays (jours fériés) of `year`, metropolitan France."""
    easter = easter_sunday(year)
    return frozenset(
        [datetime.date(year, month, day) for month, day in _FIXED_HOLIDAYS]
        + [easter + datetime.timedelta(days=days) for days in _EASTER_HOLIDAYS]
    )


def is_working_day(day):
    """Monday to Friday, public holidays excepted."""
    return day.weekday() < 5 and day not in public_holidays(day.year)


def add_working_days(day, count):
    """`day` moved forward by `count` working days (Monday to Friday, public holidays excepted)."""
    while count > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def subtract_working_days(day, count):
    """`day` moved back by `count` working days (Monday to Friday, public holidays excepted)."""
    while count > 0:
        day -= datetime.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


# --- Recipients and notifications ------------------------------------------------------------------


def lead_emails(*organisation_ids):
    """Emails of the active leads covering these organisations (their whole tree's root)."""
    ids = [i for i in organisation_ids if i]
    if not ids:
        return []
    roots = set()
    for own, parent, grandparent in Organisation.objects.filter(id__in=ids).values_list(
        "id", "parent_id", "parent__parent_id"
    ):
        roots.add(grandparent or parent or own)
    emails = (
        Adhesion.objects.actives()
        .leads()
        .filter(
            Q(organisation_id__in=roots)
            | Q(organisation__parent_id__in=roots)
            | Q(organisation__parent__parent_id__in=roots)
        )
        .values_list("user__email", flat=True)
        .distinct()
    )
    return sorted(set(emails))


def absolute_url(path):
    return f"{settings.SITE_URL}{path}"


def notify(recipients, *, subject, message, url, obj):
    """Tell the people concerned that a step happened or is waiting for them."""
    recipients = sorted({r.lower() for r in recipients if r})
    if not recipients:
        return
    send_templated_email(
        "immersions/emails/etape",
        recipients,
        {"subject": subject, "message": message, "url": absolute_url(url), "reference": obj.reference},
    )


# --- Signed links -----------------------------------------------------------------------------------


def _signer(purpose):
    # One salt per purpose: a link made for one action can never be replayed for another.
    return signing.TimestampSigner(salt=f"immersions.lien.{purpose}")


def make_link(purpose, object_id):
    """A single-use, expiring link for someone without an account (tutor, agent)."""
    token = _signer(purpose).sign_object({"o": object_id, "n": secrets.token_urlsafe(18)})
    return absolute_url(reverse("immersions:lien", args=[purpose, token]))


def read_link(purpose, token):
    """Return (object id, nonce) of a valid, unused link; raise LinkError with a clear message."""
    max_age = datetime.timedelta(days=settings.IMMERSION_LINK_MAX_AGE_DAYS)
    try:
        payload = _signer(purpose).unsign_object(token, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise LinkError(
            _("Ce lien a expiré. Demandez un nouveau lien à la tête de réseau qui vous l'a envoyé.")
        ) from exc
    except signing.BadSignature as exc:
        raise LinkError(_("Ce lien n'est pas valide. Vérifiez qu'il a été copié en entier.")) from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("o"), int) or "n" not in payload:
        raise LinkError(_("Ce lien n'est pas valide. Vérifiez qu'il a été copié en entier."))
    if UsedLink.objects.filter(nonce=payload["n"]).exists():
        raise LinkError(
            _("Ce lien a déjà été utilisé : il ne sert qu'une fois. Aucune action n'a été faite.")
        )
    return payload["o"], payload["n"]


def consume_link(purpose, nonce, object_id):
    """Record the link as used, inside the caller's transaction; a concurrent second use fails."""
    try:
        with transaction.atomic():
            UsedLink.objects.create(nonce=nonce, purpose=purpose, object_id=object_id)
    except IntegrityError as exc:
        raise LinkError(
            _("Ce lien a déjà été utilisé : il ne sert qu'une fois. Aucune action n'a été faite.")
        ) from exc
