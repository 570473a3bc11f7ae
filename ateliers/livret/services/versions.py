"""A booklet version's life: asked for by staff (a row « en attente », the render queued after commit),
rendered by the worker step by step through the one workflow mechanism (logged), swept when its worker
died, published (one per workshop, participants told), spread to the network."""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accompagnement.services import invitation_url
from ateliers.enums import LIVRET_STEPS, AtelierStatus, InscriptionStatus, Presence
from ateliers.livret.models import (
    livret_upload_to,
)
from ateliers.livret.services import liens
from ateliers.livret.services.rendu import LivretContentError, LivretError, render_document
from ateliers.models import (
    Atelier,
    Inscription,
    LienLivret,
    Livret,
    LivretTransition,
)
from ateliers.permissions import can_manage
from ateliers.services import atelier as atelier_services
from fabrique.core.emails import send_templated_email
from fabrique.core.enums import DocumentStatus
from fabrique.core.jobs import Job
from fabrique.core.workflow import SYSTEM, Workflow

logger = logging.getLogger(__name__)

EMAIL_LINK = "ateliers/livret/emails/livret_lien"  # to participants who cannot log in
EMAIL_PUBLISHED = "ateliers/livret/emails/livret_publie"
READY_TO_PUBLISH = {AtelierStatus.TENU, AtelierStatus.RESTITUTION_PUBLIEE}
# A version "en cours" (or queued) for longer than this has lost its worker: above the task's hard limit.
STUCK_AFTER = timedelta(seconds=settings.LIVRET_STUCK_AFTER_SECONDS)
MAX_ATTEMPTS = 3


# --- Lifecycle -------------------------------------------------------------------------------------


RENDER = Job("ateliers.render_livret")
RENDER_ATTESTATIONS = Job("ateliers.render_attestations")

# Nobody but the worker (the system role) moves a version: no user holds a role on it.
WORKFLOW = Workflow(Livret, LivretTransition, steps=LIVRET_STEPS, roles=lambda user, livret: set())


def _worker_step(livret, to, **changes):
    """One step of the render, made by the worker (or its sweeper) through the workflow; logged."""
    WORKFLOW.check(livret, to, {SYSTEM})
    WORKFLOW.apply(livret, to, by=None, reason=changes.get("error", ""), changes=changes)


def request_version(atelier, *, by):
    """Ask for a new version of the booklet of `atelier`: a row "en attente", rendered after commit.

    Versions are numbered per workshop; earlier ones (and the published one) are kept untouched.
    """
    if not can_manage(by):
        raise LivretError(_("Seule l'équipe d'animation peut générer un livret."))
    with transaction.atomic():
        locked = Atelier.objects.select_for_update().get(pk=atelier.pk)
        if locked.status == AtelierStatus.ANNULE:
            raise LivretError(_("Un atelier annulé n'a pas de livret de restitution."))
        livret = new_version(locked, by=by)
        RENDER.enqueue_on_commit(livret_pk=livret.pk)
    return livret


def new_version(atelier, *, by):
    """The workshop's next version row, « en attente » and logged; the caller renders or queues it."""
    last = atelier.livrets.order_by("-version").values_list("version", flat=True).first() or 0
    livret = Livret.objects.create(
        atelier=atelier, version=last + 1, requested_by=by, queued_at=timezone.now()
    )
    WORKFLOW.log(livret, "", DocumentStatus.EN_ATTENTE, by=by)
    return livret


def _start(livret_pk):
    """Mark the version "en cours" (one more attempt); None when there is nothing to do."""
    with transaction.atomic():
        livret = (
            Livret.objects.select_for_update()
            .select_related("atelier__programme")
            .filter(pk=livret_pk)
            .first()
        )
        if livret is None or livret.status in {DocumentStatus.PRET, DocumentStatus.ECHEC}:
            return None
        if livret.attempts >= MAX_ATTEMPTS:
            # Redelivered after its worker died each time (a render killed by the hard time limit, say).
            _give_up(
                livret,
                _(
                    "Le rendu a été interrompu %(attempts)s fois (worker arrêté ou limite de temps "
                    "dépassée) : allégez le contenu puis générez une nouvelle version."
                ),
            )
            return None
        started = {"started_at": timezone.now(), "attempts": livret.attempts + 1}
        if livret.status == DocumentStatus.EN_COURS:  # redelivered: its worker died mid-render
            for name, value in started.items():
                setattr(livret, name, value)
            livret.save(update_fields=list(started))
        else:
            _worker_step(livret, DocumentStatus.EN_COURS, **started)
    return livret


def _give_up(livret, message):
    """No more attempts: the version fails with `message` (its %(attempts)s filled in)."""
    _worker_step(livret, DocumentStatus.ECHEC, error=message % {"attempts": livret.attempts})
    logger.warning("Livret %s: failed after %s attempts", livret.pk, livret.attempts)


def _fail(livret_pk, reason):
    with transaction.atomic():
        livret = Livret.objects.select_for_update().filter(pk=livret_pk).first()
        if livret is None or livret.status != DocumentStatus.EN_COURS:
            return
        _worker_step(livret, DocumentStatus.ECHEC, error=reason[:2000])
    logger.warning("Livret %s: rendering failed: %s", livret_pk, reason)


def _store(livret_pk, rendered, digest):
    """Save the file once: a concurrent or repeated run of the same version finds it ready and stops."""
    with transaction.atomic():
        livret = Livret.objects.select_for_update().get(pk=livret_pk)
        if livret.status == DocumentStatus.PRET:
            return livret
        name = f"livret-atelier-{livret.atelier_id}-v{livret.version}.pdf"
        storage = livret.file.storage
        path = livret_upload_to(livret, name)
        if storage.exists(path):  # left by a run killed between writing and committing
            storage.delete(path)
        livret.store(name, rendered)
        stored = {field: getattr(livret, field) for field in Livret.STORED_FIELDS}
        _worker_step(livret, DocumentStatus.PRET, content_digest=digest, **stored)
    return livret


def render_version(livret_pk):
    """Render one version (the task's body). Idempotent: a ready or failed version is left as it is."""
    livret = _start(livret_pk)
    if livret is None:
        return Livret.objects.filter(pk=livret_pk).first()
    try:
        rendered, digest = render_document(livret.atelier)
    except LivretContentError as exc:
        _fail(livret_pk, str(exc))
    except SoftTimeLimitExceeded:
        _fail(
            livret_pk,
            _("Le rendu a dépassé la limite de temps (%(seconds)s s) : allégez le contenu puis réessayez.")
            % {"seconds": settings.LIVRET_SOFT_TIME_LIMIT},
        )
    except Exception as exc:
        logger.exception("Livret %s: unexpected rendering error", livret_pk)
        _fail(
            livret_pk,
            _("Erreur inattendue pendant le rendu (%(kind)s) : %(message)s")
            % {"kind": type(exc).__name__, "message": str(exc)[:300]},
        )
    else:
        return _store(livret_pk, rendered, digest)
    return Livret.objects.get(pk=livret_pk)


@dataclass
class SweepResult:
    requeued: list = field(default_factory=list)
    failed: list = field(default_factory=list)


def sweep_stuck(*, older_than=STUCK_AFTER, max_attempts=MAX_ATTEMPTS):
    """Put back versions whose worker died (or whose message was lost), at most `max_attempts` times.

    A version "en cours" since before the cut-off is queued again while it has attempts left, else it
    fails with a reason. A version still "en attente" long after it was asked for fails the same way.
    """
    now = timezone.now()
    cutoff = now - older_than
    result = SweepResult()
    with transaction.atomic():
        for livret in Livret.objects.bloques(cutoff).select_for_update(skip_locked=True):
            never_started = livret.status == DocumentStatus.EN_ATTENTE
            too_old = livret.requested_at < now - older_than * max_attempts
            if livret.attempts >= max_attempts or (never_started and too_old):
                _give_up(
                    livret,
                    _(
                        "Le rendu n'a pas abouti après %(attempts)s tentative(s) : le worker a été "
                        "interrompu ou n'a jamais pris la demande. Générez une nouvelle version."
                    ),
                )
                result.failed.append(livret.pk)
            else:
                if livret.status == DocumentStatus.EN_COURS:
                    _worker_step(livret, DocumentStatus.EN_ATTENTE, queued_at=now)
                else:  # waiting since long: its message was lost, queue it again
                    livret.queued_at = now
                    livret.save(update_fields=["queued_at"])
                logger.info("Livret %s: queued again (attempt %s)", livret.pk, livret.attempts + 1)
                RENDER.enqueue_on_commit(livret_pk=livret.pk)
                result.requeued.append(livret.pk)
    return result


def publish(livret, *, by, notify=True):
    """Make `livret` the workshop's published version and tell its participants.

    The version must be ready and the workshop held. The previous published version (if any) stays
    stored but is no longer served; "diffusée au réseau" carries over to the new one. The workshop moves
    to "restitution publiée" the first time. Attendance certificates are rendered after commit.
    With `notify=False` (demo data) nobody is emailed and certificates render on first download.
    """
    if not can_manage(by):
        raise LivretError(_("Seule l'équipe d'animation peut publier un livret."))
    with transaction.atomic():
        atelier = Atelier.objects.select_for_update().get(pk=livret.atelier_id)
        locked = Livret.objects.select_for_update().get(pk=livret.pk)
        if locked.published:
            return locked
        if locked.status != DocumentStatus.PRET:
            raise LivretError(_("Seule une version prête peut être publiée."))
        if atelier.status not in READY_TO_PUBLISH:
            raise LivretError(
                _("L'atelier doit d'abord être marqué « Tenu » (statut actuel : %(status)s).")
                % {"status": atelier.get_status_display()}
            )
        previous = atelier.livrets.filter(published=True).first()
        if previous is not None:
            previous.published = False
            previous.save(update_fields=["published"])
        locked.published = True
        locked.published_at = timezone.now()
        locked.published_by = by
        locked.diffuse_reseau = bool(previous and previous.diffuse_reseau)
        locked.diffuse_at = previous.diffuse_at if locked.diffuse_reseau else None
        locked.save(
            update_fields=["published", "published_at", "published_by", "diffuse_reseau", "diffuse_at"]
        )
        if atelier.status == AtelierStatus.TENU:
            atelier_services.transition(atelier, AtelierStatus.RESTITUTION_PUBLIEE, by=by)
        locked.atelier = atelier
        if notify:
            _notify_participants(locked, update=previous is not None)
            RENDER_ATTESTATIONS.enqueue_on_commit(atelier_pk=atelier.pk)
    return locked


def _notify_participants(livret, *, update):
    """Tell every confirmed participant the booklet is out; the emails leave after commit.

    Who can log in (an active account with a password) gets the usual email pointing to the download.
    Who cannot (imported without a password, or deactivated) is never told to log in: they get a signed,
    single-use, expiring link to this booklet (`ateliers.livret.services.liens`) and, when the account is
    active,
    the invitation to choose a password. Each publication, a new version's too, sends new links.
    """
    atelier = livret.atelier
    url = settings.SITE_URL + reverse("ateliers:livret_pdf", args=[atelier.pk])
    attestation_url = settings.SITE_URL + reverse("ateliers:attestation_pdf", args=[atelier.pk])
    inscriptions = list(
        Inscription.objects.filter(atelier_id=atelier.pk, status=InscriptionStatus.INSCRIT)
        .select_related("user")
        .order_by("pk")
    )
    can_log_in = {i.pk for i in inscriptions if i.user.is_active and i.user.has_usable_password()}
    for inscription in (i for i in inscriptions if i.pk in can_log_in):
        send_templated_email(
            EMAIL_PUBLISHED,
            [inscription.user.email],
            {
                "user": inscription.user,
                "atelier": atelier,
                "livret": livret,
                "url": url,
                "attestation_url": attestation_url,
                "update": update,
                "present": inscription.presence == Presence.PRESENT,
            },
        )
    without_login = [i for i in inscriptions if i.pk not in can_log_in]
    # « the link you received for the previous version no longer works » only to those who received one.
    had_link = set(
        LienLivret.objects.filter(inscription__in=without_login).values_list("inscription_id", flat=True)
    )
    for issued in liens.create_links(without_login):
        inscription = issued.lien.inscription
        user = inscription.user
        send_templated_email(
            EMAIL_LINK,
            [user.email],
            {
                "participant": user,
                "inscription": inscription,
                "atelier": atelier,
                "livret": livret,
                "atelier_url": settings.SITE_URL + reverse("ateliers:atelier_detail", args=[atelier.pk]),
                "mes_inscriptions_url": settings.SITE_URL + reverse("ateliers:mes_inscriptions"),
                "link_url": issued.url,
                "expires_at": issued.lien.expires_at,
                "invitation_url": invitation_url(user) if user.is_active else None,
                "invitation_days": settings.INVITATION_LINK_DAYS,
                "update": update and inscription.pk in had_link,
                "present": inscription.presence == Presence.PRESENT,
            },
        )


def spread(livret, *, by):
    """Mark the published version "diffusée au réseau": every member may then download it."""
    if not can_manage(by):
        raise LivretError(_("Seule l'équipe d'animation peut diffuser un livret."))
    with transaction.atomic():
        locked = Livret.objects.select_for_update().get(pk=livret.pk)
        if not locked.published:
            raise LivretError(_("Seule la version publiée peut être diffusée au réseau."))
        if not locked.diffuse_reseau:
            locked.diffuse_reseau = True
            locked.diffuse_at = timezone.now()
            locked.save(update_fields=["diffuse_reseau", "diffuse_at"])
    return locked


def published_version(atelier_id):
    return Livret.objects.select_related("atelier").filter(atelier_id=atelier_id, published=True).first()
