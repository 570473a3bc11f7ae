"""Single-use, expiring signed links for the people of an immersion or an agreement who have no account
(the host tutor, the agent): one salt per purpose, a nonce recorded once used."""

import datetime
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from immersions.emails import absolute_url
from immersions.models import UsedLink


class LinkError(Exception):
    """A signed link that is malformed, expired, reused or no longer useful."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


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


@dataclass(frozen=True)
class LinkStep:
    """What a signed link lets the person holding it do, without an account: its purpose, the model of
    the object it is for, when that object still waits for this person, and what a late link says."""

    purpose: str
    model: type
    waiting: Callable
    refusal: str

    def make(self, obj):
        return make_link(self.purpose, obj.pk)

    def _find(self, token, queryset):
        object_id, nonce = read_link(self.purpose, token)
        obj = queryset.filter(pk=object_id).first()
        if obj is None or not self.waiting(obj):
            raise LinkError(self.refusal)
        return obj, nonce

    def peek(self, token):
        """The object the link is for (with its relations, for the page), if the link can still be used."""
        return self._find(token, self.model.objects.with_relations())[0]

    def use(self, token):
        """Inside the caller's transaction: the object locked and the link spent (a second use fails)."""
        locked, nonce = self._find(token, self.model.objects.select_for_update())
        consume_link(self.purpose, nonce, locked.pk)
        return locked
