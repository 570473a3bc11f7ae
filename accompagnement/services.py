"""The network's domain: charter acceptance, members' invitations and deactivation, the schemes catalogue.

Plain functions that change state: they take locks where a limit or a uniqueness is at stake, write, log
and enqueue their emails after commit (fabrique.core.emails.send_templated_email).
"""

import logging

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.contrib.sessions.models import Session
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django.utils.translation import gettext as _

from accompagnement.enums import Maturite, Role
from accompagnement.models import AcceptationCharte, Adhesion, Charte, Dispositif, Organisation, User
from fabrique.core.emails import send_templated_email

logger = logging.getLogger(__name__)

SESSION_CHARTE_KEY = "charte_version_acceptee"


class ServiceError(Exception):
    """A refused change, with a message for the user."""


# --- Charter --------------------------------------------------------------------------------------------


def has_accepted(user, charte_id):
    return AcceptationCharte.objects.filter(user=user, charte_id=charte_id).exists()


def accept_charte(user, charte, *, session=None):
    """Record that `user` accepted `charte` (idempotent: the first acceptance's date is kept)."""
    acceptation, created = AcceptationCharte.objects.get_or_create(user=user, charte=charte)
    if created:
        logger.info("charte v%s acceptée par le compte %s", charte.version, user.pk)
    if session is not None:
        session[SESSION_CHARTE_KEY] = charte.version
    return acceptation


# --- Invitations ----------------------------------------------------------------------------------------


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """One-time link to set a first password: Django's reset token with its own salt and lifetime.

    The token hashes the password and the last login, so it stops working once the password is set.
    """

    key_salt = "accompagnement.services.InvitationTokenGenerator"

    @property
    def lifetime_seconds(self):
        return settings.INVITATION_LINK_DAYS * 24 * 60 * 60

    def check_token(self, user, token):
        if not (user and token):
            return False
        try:
            timestamp_b36, _hash = token.split("-")
            timestamp = base36_to_int(timestamp_b36)
        except ValueError:
            return False
        for secret in [self.secret, *self.secret_fallbacks]:
            if constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token):
                break
        else:
            return False
        return (self._num_seconds(self._now()) - timestamp) <= self.lifetime_seconds


invitation_token_generator = InvitationTokenGenerator()


def invitation_url(user):
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = invitation_token_generator.make_token(user)
    path = reverse("accompagnement:invitation", kwargs={"uidb64": uidb64, "token": token})
    return f"{settings.SITE_URL}{path}"


def send_invitation(user, *, by=None):
    """Email `user` a one-time link to set their password; sent after the current transaction commits."""
    adhesion = user.adhesions.select_related("organisation").order_by("-active", "pk").first()
    send_templated_email(
        "accompagnement/emails/invitation",
        [user.email],
        {
            "user": user,
            "organisation": adhesion.organisation if adhesion else None,
            "invited_by": by,
            "url": invitation_url(user),
            "days": settings.INVITATION_LINK_DAYS,
        },
    )
    logger.info("invitation envoyée au compte %s", user.pk)


def create_member(*, email, first_name, last_name, organisation, role=Role.TETE_DE_RESEAU, function=""):
    """Create the account of a new member without a password, with their membership of `organisation`."""
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ServiceError(_("Un compte existe déjà avec l'adresse %(email)s.") % {"email": email})
    user = User(email=email, first_name=first_name.strip(), last_name=last_name.strip())
    user.set_unusable_password()
    user.save()
    Adhesion.objects.create(user=user, organisation=organisation, role=role, function=function.strip())
    return user


@transaction.atomic
def invite_member(*, email, first_name, last_name, organisation, role=Role.TETE_DE_RESEAU, function="", by):
    """Create a member and email them their invitation once the account is committed."""
    user = create_member(
        email=email,
        first_name=first_name,
        last_name=last_name,
        organisation=organisation,
        role=role,
        function=function,
    )
    send_invitation(user, by=by)
    return user


@transaction.atomic
def complete_invitation(user):
    """The invited member proved they read their mailbox: their address is verified."""
    EmailAddress.objects.update_or_create(
        user=user, email__iexact=user.email, defaults={"email": user.email, "verified": True, "primary": True}
    )


# --- Deactivation ---------------------------------------------------------------------------------------


def end_sessions(user):
    """Delete every live session of `user` (sessions are stored in the database)."""
    user_id = str(user.pk)
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == user_id
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


@transaction.atomic
def deactivate_member(user, *, by):
    """Close `user`'s account and end their sessions at once; their memberships stay for the record."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    ended = end_sessions(user)
    logger.info("compte %s désactivé par %s (%s sessions closes)", user.pk, getattr(by, "pk", None), ended)
    return user


@transaction.atomic
def reactivate_member(user, *, by):
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
        logger.info("compte %s réactivé par %s", user.pk, getattr(by, "pk", None))
    return user


# --- Schemes --------------------------------------------------------------------------------------------


def create_dispositif(dispositif, *, by):
    """Save a new scheme proposed by `by` (a validated, unsaved instance)."""
    dispositif.created_by = by
    dispositif.updated_by = by
    dispositif.save()
    logger.info("dispositif %s créé par %s", dispositif.pk, by.pk)
    return dispositif


def update_dispositif(dispositif, *, by):
    """Save changes to a scheme, recording who made them."""
    dispositif.updated_by = by
    dispositif.save()
    logger.info("dispositif %s modifié par %s", dispositif.pk, by.pk)
    return dispositif


COPIED_FIELDS = ["title", "kind", "needs", "publics", "summary", "description", "access", "links"]


def adopt_dispositif(model, *, organisation, by):
    """Copy the model scheme `model` into `organisation` as a project, linked to its model."""
    if not model.is_model:
        raise ServiceError(_("Ce dispositif n'est pas proposé comme modèle."))
    if organisation.pk == model.organisation_id:
        raise ServiceError(_("Ce dispositif appartient déjà à cette organisation."))
    copy = Dispositif(
        organisation=organisation,
        model_of=model,
        maturity=Maturite.EN_PROJET,
        contact="",
        created_by=by,
        updated_by=by,
        **{field: getattr(model, field) for field in COPIED_FIELDS},
    )
    try:
        with transaction.atomic():
            copy.save()
    except IntegrityError as exc:
        raise ServiceError(
            _("%(organisation)s a déjà adopté ce dispositif.") % {"organisation": organisation.short_name}
        ) from exc
    logger.info("dispositif modèle %s adopté par l'organisation %s (%s)", model.pk, organisation.pk, copy.pk)
    return copy


def current_charte():
    return Charte.objects.current()


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
