"""Signed download links to a published booklet, for participants who cannot log in.

A participant whose account has no password yet (imported from a spreadsheet, never activated) gets,
when the booklet is published, a personal link instead of « connectez-vous ». The link carries a random
token of 32 bytes; only its SHA-256 is stored (`LienLivret.token_hash`), so the table alone opens nothing.

A link downloads the workshop's published version once, before it expires (`LIVRET_LINK_DAYS`):
- reading it (`check`, the GET page) spends nothing, so a mail scanner that follows links does no harm;
- downloading (`consume`, the POST) locks the link's row, checks it again and marks it used, so two
  clicks at the same moment download once;
- it serves only the version that was published when it was sent: publishing a new version sends new
  links, and the old ones then answer « a newer version was published » instead of serving it.
"""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ateliers.models import LienLivret, Livret
from fabrique.core.enums import DocumentStatus

logger = logging.getLogger(__name__)

TOKEN_BYTES = 32
# token_urlsafe(32) is 43 characters; anything much longer is not one of ours and is not hashed.
MAX_TOKEN_LENGTH = 64


class Refusal(StrEnum):
    INCONNU = "inconnu"
    UTILISE = "utilise"
    EXPIRE = "expire"
    NON_PUBLIE = "non_publie"
    REMPLACE = "remplace"


class LinkRefusedError(Exception):
    """A link that cannot be used, with the reason and a sentence saying what to do."""

    def __init__(self, reason, message):
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class IssuedLink:
    lien: LienLivret
    token: str
    url: str


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def link_url(token):
    return settings.SITE_URL + reverse("ateliers:lien_livret", args=[token])


def create_links(inscriptions, *, now=None):
    """One new link per registration (one insert for all); returns them with their token and URL.

    The token exists only in the returned objects (and the email they go into).
    """
    now = now or timezone.now()
    expires_at = now + timedelta(days=settings.LIVRET_LINK_DAYS)
    issued = []
    for inscription in inscriptions:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        lien = LienLivret(inscription=inscription, token_hash=hash_token(token), expires_at=expires_at)
        issued.append(IssuedLink(lien=lien, token=token, url=link_url(token)))
    LienLivret.objects.bulk_create([link.lien for link in issued])
    if issued:
        logger.info("Livret: %s download link(s) created, valid until %s", len(issued), expires_at.date())
    return issued


def create_link(inscription, *, now=None):
    """A new link to the booklet of `inscription`'s workshop (see `create_links`)."""
    return create_links([inscription], now=now)[0]


MESSAGES = {
    Refusal.INCONNU: _("Ce lien n'est pas valide. Vérifiez qu'il a été copié en entier depuis le courriel."),
    Refusal.UTILISE: _("Ce lien a déjà servi : il ne permet de télécharger le livret qu'une fois."),
    Refusal.EXPIRE: _("Ce lien a expiré le %(date)s."),
    Refusal.NON_PUBLIE: _("Ce livret n'est plus publié : l'équipe d'animation l'a retiré."),
    Refusal.REMPLACE: _(
        "Une nouvelle version du livret a été publiée depuis l'envoi de ce lien : utilisez le lien du "
        "courriel le plus récent."
    ),
}


def _refuse(reason, lien=None):
    message = str(MESSAGES[reason])
    if reason == Refusal.EXPIRE:
        message %= {"date": date_format(timezone.localtime(lien.expires_at), "j F Y")}
    return LinkRefusedError(reason, message)


def _find(token, queryset):
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise _refuse(Refusal.INCONNU)
    lien = (
        queryset.select_related("inscription__atelier", "inscription__user")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if lien is None:
        raise _refuse(Refusal.INCONNU)
    return lien


def _published_for(lien, now):
    """The version `lien` may download, or the reason it may not."""
    if lien.used_at is not None:
        raise _refuse(Refusal.UTILISE)
    if lien.expires_at <= now:
        raise _refuse(Refusal.EXPIRE, lien)
    livret = (
        Livret.objects.filter(
            atelier_id=lien.inscription.atelier_id, published=True, status=DocumentStatus.PRET
        )
        .select_related("atelier")
        .first()
    )
    if livret is None:
        raise _refuse(Refusal.NON_PUBLIE)
    # Links are created in the transaction that publishes, after `published_at` is set: an older link
    # was sent for a version published before this one.
    if lien.created_at < livret.published_at:
        raise _refuse(Refusal.REMPLACE)
    return livret


def check(token, *, now=None):
    """The link of `token` and the version it downloads, without spending it; raises LinkRefusedError."""
    lien = _find(token, LienLivret.objects.all())
    return lien, _published_for(lien, now or timezone.now())


def consume(token, *, now=None):
    """Spend the link of `token` and return the version to download; raises LinkRefusedError.

    The row is locked, so of two concurrent downloads one gets the file and the other « déjà servi ».
    Call it inside the caller's transaction when the file must be opened before the link is spent.
    """
    now = now or timezone.now()
    with transaction.atomic():
        lien = _find(token, LienLivret.objects.select_for_update(of=("self",)))
        livret = _published_for(lien, now)
        lien.used_at = now
        lien.save(update_fields=["used_at"])
    logger.info("Livret %s downloaded through the link of registration %s", livret.pk, lien.inscription_id)
    return lien, livret
