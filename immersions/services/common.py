"""Pieces shared by both workflows: errors, working days, recipients, notifications, signed links."""

import datetime
import secrets

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from accompagnement.models import Adhesion, Organisation
from fabrique.emails import send_templated_email
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


def save_draft(obj, fields, *, draft_status, changed_message):
    """Save the edited `fields` of a draft, never its status; refuse if it is no longer a draft.

    The row is locked and its status read again: a step made between loading the form and saving it
    (a submission, a cancellation) is never undone by the edit. Raise TransitionError with
    `changed_message` (which may name the current status) and save nothing otherwise.
    """
    with transaction.atomic():
        locked = type(obj).objects.select_for_update().only("status").get(pk=obj.pk)
        if locked.status != draft_status:
            raise TransitionError(changed_message % {"status": locked.get_status_display()})
        obj.save(update_fields=[name for name in fields if name not in {"status", "status_changed_at"}])
    return obj


# --- Working days -----------------------------------------------------------------------------------


def add_working_days(day, count):
    """`day` moved forward by `count` working days (Monday to Friday)."""
    while count > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def subtract_working_days(day, count):
    while count > 0:
        day -= datetime.timedelta(days=1)
        if day.weekday() < 5:
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
