"""The immersion workflow: declare, transition (one function, every step), bilan, tutor link, calendar."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accompagnement.services import lead_emails
from fabrique.core.emails import send_templated_email
from fabrique.core.workflow import TransitionError, Workflow
from immersions.emails import notify
from immersions.enums import IMMERSION_WORKFLOW, REASON_REQUIRED, ImmersionStatus, LinkPurpose, Side
from immersions.models import Bilan, Immersion, ImmersionTransition
from immersions.permissions import immersion_sides
from immersions.services.liens import LinkStep

S = ImmersionStatus


# --- Side effects ---------------------------------------------------------------------------------


def after_transition(immersion_id, source, to):
    """Tell the people concerned; the host's tutor gets their link once the origin has accepted."""
    immersion = Immersion.objects.filter(pk=immersion_id).first()
    if immersion is None:
        return
    origin = [*lead_emails(immersion.origin_id), immersion.manager_email]
    if to == S.SOUMISE:
        notify(immersion, origin, _("Une demande d'immersion attend la décision de la structure d'origine."))
    elif to == S.ACCEPTEE_ORIGINE:
        if not immersion.confidential:
            message = _("Une demande d'immersion attend la décision de la structure d'accueil.")
            notify(immersion, lead_emails(immersion.host_id), message)
        send_tutor_link(immersion)
    elif to in (S.ACCEPTEE_ACCUEIL, S.REFUSEE, S.ANNULEE):
        message = _("Le statut de l'immersion a changé : %(status)s.") % {"status": S(to).label}
        notify(immersion, [*origin, immersion.agent_email], message)


def send_tutor_link(immersion):
    """Email the host tutor a single-use link to accept or refuse the immersion without an account."""
    send_templated_email(
        "immersions/emails/lien_tuteur",
        [immersion.tutor_email],
        {
            "immersion": immersion,
            "link": tutor_link(immersion),
            "max_age_days": settings.IMMERSION_LINK_MAX_AGE_DAYS,
        },
    )


# --- The workflow -------------------------------------------------------------------------------------


WORKFLOW = Workflow(
    Immersion, ImmersionTransition, roles=immersion_sides, after=after_transition, **IMMERSION_WORKFLOW
)


def create_immersion(immersion, *, by):
    """Save a new immersion declared by `by` (a draft) and log its creation."""
    return WORKFLOW.create(immersion, by=by, reason=_("Immersion déclarée."))


def update_immersion(immersion, *, fields, by):
    """Save the edited `fields` of a draft immersion; refused once it has left the draft status."""
    if Side.ORIGINE not in immersion_sides(by, immersion):
        raise PermissionDenied(_("Seule la structure d'origine modifie la demande."))
    return WORKFLOW.save_draft(immersion, fields)


def transition_immersion(immersion, to, *, by, reason="", expected=None):
    """Move `immersion` to `to` on behalf of `by`; returns False if that step was already made.

    The row is locked; the step must be in the transitions map and owned by one of `by`'s sides
    (otherwise PermissionDenied, nothing changes). `expected` is the status the user saw: a second click
    on the same step finds the step already made and records nothing.
    """
    if to == S.BILAN_FAIT:
        raise TransitionError(_("Le bilan s'enregistre avec son formulaire."))
    done = WORKFLOW.transition(immersion, to, by=by, reason=reason, expected=expected)
    immersion.refresh_from_db()
    return done


def record_bilan(immersion, *, by, data):
    """Record the assessment of a finished immersion (origin or host side) and close it."""
    with transaction.atomic():
        locked = WORKFLOW.lock(immersion)
        roles = WORKFLOW.roles_of(by, locked)
        if not WORKFLOW.check(locked, S.BILAN_FAIT, roles, expected=S.TERMINEE):
            return False
        Bilan.objects.create(immersion=locked, recorded_by=by, **data)
        WORKFLOW.apply(locked, S.BILAN_FAIT, by=by, reason=_("Bilan enregistré."))
    immersion.refresh_from_db()
    return True


# --- The tutor's signed link --------------------------------------------------------------------------


TUTOR_LINK = LinkStep(
    LinkPurpose.TUTEUR_ACCUEIL,
    Immersion,
    waiting=lambda immersion: immersion.status == S.ACCEPTEE_ORIGINE,
    refusal=gettext_lazy(
        "Cette demande n'attend plus de décision de l'accueil. Aucune action n'a été faite."
    ),
)


def tutor_link(immersion):
    return TUTOR_LINK.make(immersion)


def immersion_for_link(token):
    """The immersion a tutor's link is for, if the link is valid, unused and its step still waiting."""
    return TUTOR_LINK.peek(token)


def tutor_decide(token, *, accept, reason=""):
    """The host tutor accepts or refuses through their link; the link then stops working."""
    to = S.ACCEPTEE_ACCUEIL if accept else S.REFUSEE
    with transaction.atomic():
        locked = TUTOR_LINK.use(token)
        if to in REASON_REQUIRED and not reason.strip():
            raise TransitionError(_("Indiquez le motif du refus."))
        WORKFLOW.check(locked, to, {Side.ACCUEIL}, reason=reason)
        label = _("%(name)s (tuteur, par lien sécurisé)") % {"name": locked.tutor_name}
        WORKFLOW.apply(locked, to, by=None, label=label, reason=reason)
    return locked


# --- The calendar -------------------------------------------------------------------------------------


def advance_statuses(today=None):
    """Start accepted immersions on their start date and end running ones after their end date."""
    today = today or timezone.localdate()
    return WORKFLOW.advance(
        [
            (S.ACCEPTEE_ACCUEIL, S.EN_COURS, {"start_date__lte": today}, _("Date de début atteinte.")),
            (S.EN_COURS, S.TERMINEE, {"end_date__lt": today}, _("Date de fin passée.")),
        ]
    )
