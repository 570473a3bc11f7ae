"""The Talent Exchange workflow: transitions, the per-service cap, critical functions, the three
parties' agreement, the return, renewals and the calendar."""

import datetime
from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accompagnement.models import Organisation
from accompagnement.services import lead_emails
from fabrique.core.emails import send_templated_email
from fabrique.core.workflow import SYSTEM, TransitionError, Workflow, actor_label
from immersions.emails import notify
from immersions.enums import (
    ECHANGE_AWAY_STATUSES,
    ECHANGE_WORKFLOW,
    DocumentKind,
    EchangeStatus,
    LinkPurpose,
    Party,
    Side,
)
from immersions.models import Derogation, EchangeTalent, EchangeTransition
from immersions.permissions import echange_sides
from immersions.services.documents import request_document
from immersions.services.liens import LinkStep

S = EchangeStatus


class CapReachedError(TransitionError):
    """The service's cap (cliquet) is reached: the origin cannot validate another departure."""


# --- Side effects ---------------------------------------------------------------------------------


def after_transition(echange_id, _source, to):
    """Tell the parties; the agent gets their link, the agreement its PDF, at the right steps."""
    echange = EchangeTalent.objects.filter(pk=echange_id).first()
    if echange is None:
        return
    both = lead_emails(echange.origin_id, echange.host_id)
    if to == S.SOUMISE:
        message = _("Une convention d'échange de talents attend la validation de l'origine.")
        notify(echange, lead_emails(echange.origin_id), message)
    elif to == S.VALIDEE_ORIGINE:
        message = _("Une convention d'échange de talents attend la validation de l'accueil.")
        notify(echange, lead_emails(echange.host_id), message)
    elif to == S.VALIDEE_ACCUEIL:
        notify(echange, both, _("La convention attend l'accord de chaque partie (agent, origine, accueil)."))
        context = {"echange": echange, "link": agent_link(echange)}
        send_templated_email("immersions/emails/lien_agent", [echange.agent_email], context)
    elif to == S.SIGNEE:
        request_document(DocumentKind.CONVENTION, echange=echange, by=None)
        message = _("La convention est signée par les trois parties ; son PDF est en préparation.")
        notify(echange, [*both, echange.agent_email], message)
    elif to in (S.REFUSEE, S.ANNULEE):
        message = _("Le statut de la convention a changé : %(status)s.") % {"status": S(to).label}
        notify(echange, [*both, echange.agent_email], message)


# --- The workflow -------------------------------------------------------------------------------------


WORKFLOW = Workflow(
    EchangeTalent, EchangeTransition, roles=echange_sides, after=after_transition, **ECHANGE_WORKFLOW
)


def _lock_for(echange, side, by, refusal):
    """The agreement's row locked (inside the caller's transaction), if `by` acts for `side` on it."""
    locked = WORKFLOW.lock(echange)
    if side not in echange_sides(by, locked):
        raise PermissionDenied(refusal)
    return locked


def create_echange(echange, *, by, reason=""):
    return WORKFLOW.create(echange, by=by, reason=reason or _("Convention préparée."))


def update_echange(echange, *, fields, by):
    """Save the edited `fields` of a draft agreement; refused once it has left the draft status."""
    if Side.ORIGINE not in echange_sides(by, echange):
        raise PermissionDenied(_("Seule la structure d'origine modifie la convention."))
    with transaction.atomic():
        WORKFLOW.save_draft(echange, fields)
        # A derogation covers one critical function: once the agent holds another one (or none), the
        # derogation no longer applies and the origin must grant a new one before validating.
        _drop_stale_derogation(echange)
    return echange


def _drop_stale_derogation(echange):
    Derogation.objects.filter(echange=echange).exclude(fonction_id=echange.fonction_critique_id).delete()


class Peak(NamedTuple):
    """The most agents away at the same time over a period, and the first stretch of days it lasts."""

    count: int
    start: datetime.date | None
    end: datetime.date | None


def peak_away(service, start, end, *, exclude=None):
    """The most agents of `service` away at the same time on any day of [start, end].

    Agents count from the origin's validation until their agreement ends. Two agreements that both
    touch the period without ever overlapping each other count once, not twice: the cap (cliquet) is a
    maximum of simultaneous departures. A sweep over the agreements' start and end dates, clipped to
    the period; each agreement is away from its start date to its end date included.
    """
    queryset = EchangeTalent.objects.filter(
        origin_service=service, status__in=ECHANGE_AWAY_STATUSES
    ).overlapping(start, end)
    if exclude is not None:
        queryset = queryset.exclude(pk=exclude)
    one_day = datetime.timedelta(days=1)
    events = []
    for away_from, away_to in queryset.values_list("start_date", "end_date"):
        events.append((max(away_from, start), 1))
        events.append((min(away_to, end) + one_day, -1))
    # On the same day, returns (-1) come before departures (+1): back the day before means not away.
    events.sort()
    current = best = 0
    best_start = best_end = None
    for index, (day, change) in enumerate(events):
        current += change
        if current > best:
            best, best_start = current, day
            # The peak lasts until the next change on a later day (there is always one: a return).
            best_end = next(later for later, _change in events[index:] if later > day) - one_day
    return Peak(best, best_start, best_end)


def _date(day):
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _check_departure(echange, service):
    """The origin's validation: the critical function needs a derogation; the cap must not be reached."""
    if (
        echange.fonction_critique_id
        and not Derogation.objects.filter(echange=echange, fonction_id=echange.fonction_critique_id).exists()
    ):
        raise TransitionError(
            _(
                "L'agent occupe une fonction critique : la structure d'origine doit enregistrer une "
                "dérogation avant de valider son départ."
            )
        )
    if service.cliquet is None:
        return
    peak = peak_away(service, echange.start_date, echange.end_date, exclude=echange.pk)
    if peak.count + 1 <= service.cliquet:
        return
    if peak.count == 0:
        raise CapReachedError(
            _(
                "Validation refusée, plafond atteint pour %(service)s : cliquet de %(cap)s départ(s) "
                "simultané(s), aucun départ n'est possible (période demandée : du %(start)s au %(end)s)."
            )
            % {
                "service": service,
                "cap": service.cliquet,
                "start": _date(echange.start_date),
                "end": _date(echange.end_date),
            }
        )
    raise CapReachedError(
        _(
            "Validation refusée, plafond atteint pour %(service)s : cliquet de %(cap)s départ(s) "
            "simultané(s), et jusqu'à %(away)s agent(s) déjà absent(s) en même temps du %(peak_start)s "
            "au %(peak_end)s (période demandée : du %(start)s au %(end)s)."
        )
        % {
            "service": service,
            "cap": service.cliquet,
            "away": peak.count,
            "peak_start": _date(peak.start),
            "peak_end": _date(peak.end),
            "start": _date(echange.start_date),
            "end": _date(echange.end_date),
        }
    )


def transition_echange(echange, to, *, by, reason="", expected=None):
    """Move `echange` to `to` on behalf of `by`; returns False if the step was already made.

    The origin's validation consumes the service's cap: it locks the service's Organisation row first
    (select_for_update), then the agreement, then counts the agents away over the period. Concurrent
    validations of the same service queue on that lock, so the cap is never exceeded.
    """
    if to in (S.SIGNEE, S.RETOUR_PREPARE):
        raise TransitionError(_("Cette étape se fait avec son propre formulaire."))
    with transaction.atomic():
        service = None
        if to == S.VALIDEE_ORIGINE:
            service = Organisation.objects.select_for_update().get(pk=echange.origin_service_id)
        locked = WORKFLOW.lock(echange)
        if not WORKFLOW.check(locked, to, WORKFLOW.roles_of(by, locked), reason=reason, expected=expected):
            return False
        if service is not None:
            _check_departure(locked, service)
        WORKFLOW.apply(locked, to, by=by, reason=reason)
    echange.refresh_from_db()
    return True


def grant_derogation(echange, *, by, reason):
    """The origin records the derogation letting an agent holding a critical function leave.

    The derogation names the function the agent holds now; one left over for another function is
    replaced. Its reason (how the post is held meanwhile) is required.
    """
    if not reason.strip():
        raise TransitionError(_("Indiquez le motif de la dérogation."))
    with transaction.atomic():
        locked = _lock_for(
            echange, Side.ORIGINE, by, _("Seule la structure d'origine accorde une dérogation.")
        )
        if locked.fonction_critique_id is None:
            raise TransitionError(_("L'agent n'occupe pas de fonction critique."))
        if locked.status not in (S.BROUILLON, S.SOUMISE):
            raise TransitionError(_("La dérogation se donne avant la validation de l'origine."))
        _drop_stale_derogation(locked)
        _derogation, created = Derogation.objects.get_or_create(
            echange=locked,
            defaults={"fonction_id": locked.fonction_critique_id, "granted_by": by, "reason": reason.strip()},
        )
    return created


# --- The three parties' agreement --------------------------------------------------------------------

_AGREEMENT_FIELDS = {
    Party.AGENT: "agent_agreed_at",
    Party.ORIGINE: "origin_agreed_at",
    Party.ACCUEIL: "host_agreed_at",
}
_PARTY_SIDE = {Party.AGENT: Side.AGENT, Party.ORIGINE: Side.ORIGINE, Party.ACCUEIL: Side.ACCUEIL}


def _record(locked, party, *, by, label):
    if locked.status != S.VALIDEE_ACCUEIL:
        raise TransitionError(_("Les accords se recueillent une fois la convention validée par l'accueil."))
    if getattr(locked, _AGREEMENT_FIELDS[party]):
        return False
    now = timezone.now()
    fields = [_AGREEMENT_FIELDS[party]]
    setattr(locked, _AGREEMENT_FIELDS[party], now)
    if party == Party.AGENT:
        locked.agent_agreed_label = label
        fields.append("agent_agreed_label")
    elif party == Party.ORIGINE:
        locked.origin_agreed_by = by
        fields.append("origin_agreed_by")
    else:
        locked.host_agreed_by = by
        fields.append("host_agreed_by")
    locked.save(update_fields=fields)
    if locked.agent_agreed_at and locked.origin_agreed_at and locked.host_agreed_at:
        WORKFLOW.check(locked, S.SIGNEE, {SYSTEM})
        WORKFLOW.apply(
            locked,
            S.SIGNEE,
            by=None,
            label=_("Automatique (trois accords recueillis)"),
            reason=_("Accords de l'agent, de l'origine et de l'accueil enregistrés."),
        )
    return True


def record_agreement(echange, party, *, by):
    """Record `party`'s agreement given by `by`; signed once all three are recorded."""
    with transaction.atomic():
        locked = _lock_for(
            echange, _PARTY_SIDE[party], by, _("Vous ne pouvez pas donner l'accord de cette partie.")
        )
        changed = _record(locked, party, by=by, label=actor_label(by))
    echange.refresh_from_db()
    return changed


AGENT_LINK = LinkStep(
    LinkPurpose.AGENT_ACCORD,
    EchangeTalent,
    waiting=lambda echange: echange.status == S.VALIDEE_ACCUEIL and not echange.agent_agreed_at,
    refusal=gettext_lazy("Cette convention n'attend plus votre accord. Aucune action n'a été faite."),
)


def agent_link(echange):
    return AGENT_LINK.make(echange)


def echange_for_link(token):
    return AGENT_LINK.peek(token)


def agent_agrees_by_link(token):
    """The agent gives their agreement through their link; the link then stops working."""
    with transaction.atomic():
        locked = AGENT_LINK.use(token)
        label = _("%(name)s (par lien sécurisé)") % {"name": locked.agent_name}
        _record(locked, Party.AGENT, by=None, label=label)
    return locked


# --- The return, renewals --------------------------------------------------------------------------


def prepare_return(echange, *, by, planned_return_date, return_interview_date, return_position):
    """The origin records the return; a running agreement with a complete return becomes "retour préparé"."""
    with transaction.atomic():
        locked = _lock_for(echange, Side.ORIGINE, by, _("Le retour est préparé par la structure d'origine."))
        if locked.status not in (S.SIGNEE, S.EN_COURS, S.RETOUR_PREPARE):
            raise TransitionError(_("Le retour se prépare une fois la convention signée."))
        locked.planned_return_date = planned_return_date
        locked.return_interview_date = return_interview_date
        locked.return_position = return_position
        locked.save(update_fields=["planned_return_date", "return_interview_date", "return_position"])
        if locked.status == S.EN_COURS and return_interview_date and return_position:
            WORKFLOW.check(locked, S.RETOUR_PREPARE, WORKFLOW.roles_of(by, locked))
            WORKFLOW.apply(locked, S.RETOUR_PREPARE, by=by, reason=_("Retour préparé."))
    echange.refresh_from_db()
    return echange


_RENEWED_FIELDS = [
    "agent_name",
    "agent_email",
    "agent_grade",
    "agent_categorie",
    "origin_id",
    "origin_service_id",
    "host_id",
    "host_service_id",
    "mission",
    "fonction_critique_id",
    "host_pays_travel",
    "host_pays_equipment",
    "host_pays_training",
    "running_costs_details",
    "reinvoicing_amount",
]


def renew_echange(echange, *, by):
    """A renewal is a new draft agreement linked to the previous one, starting the day after it ends.

    The agreement is locked: a second click (or a second tab) finds the renewal the first one made and
    gets it back instead of a duplicate. Only a refused or cancelled renewal lets a new one be made.
    """
    with transaction.atomic():
        locked = _lock_for(
            echange, Side.ORIGINE, by, _("Le renouvellement est demandé par la structure d'origine.")
        )
        if locked.status not in (S.EN_COURS, S.RETOUR_PREPARE, S.TERMINEE):
            raise TransitionError(_("Seule une convention en cours ou terminée peut être renouvelée."))
        existing = locked.renewals.exclude(status__in=[S.REFUSEE, S.ANNULEE]).order_by("pk").first()
        if existing is not None:
            return existing
        start = locked.end_date + datetime.timedelta(days=1)
        end = start + (locked.end_date - locked.start_date)
        renewal = EchangeTalent(
            **{name: getattr(locked, name) for name in _RENEWED_FIELDS},
            start_date=start,
            end_date=end,
            planned_return_date=end + datetime.timedelta(days=1),
            previous=locked,
        )
        reason = _("Renouvellement de %(ref)s.") % {"ref": locked.reference}
        return create_echange(renewal, by=by, reason=reason)


# --- The calendar -------------------------------------------------------------------------------------


def advance_statuses(today=None):
    """Signed agreements start on their start date; prepared returns end after the end date."""
    today = today or timezone.localdate()
    return WORKFLOW.advance(
        [
            (S.SIGNEE, S.EN_COURS, {"start_date__lte": today}, _("Date de début atteinte.")),
            (S.RETOUR_PREPARE, S.TERMINEE, {"end_date__lt": today}, _("Date de fin passée, retour préparé.")),
        ]
    )
