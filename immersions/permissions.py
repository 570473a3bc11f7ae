"""Who sees and who does what, for immersions and Talent Exchange agreements.

A lead (tête de réseau or representative) acts for the whole organisation tree of their adhesion's root
(a ministry's SG lead covers the ministry's directions). A lead sees an immersion where their scope is the
origin or the host, a confidential one only on the origin side. Anyone sees what names them (agent,
manager, tutor). DGAFP staff (`accompagnement.permissions.is_staff`: `is_staff` and the « animer le
réseau » permission) see everything and own the calendar steps.
"""

from django.db.models import Q

from accompagnement.models import Adhesion, Organisation
from accompagnement.permissions import is_staff
from immersions.enums import (
    ECHANGE_STEPS,
    IMMERSION_STEPS,
    EchangeStatus,
    ImmersionStatus,
    Party,
    Side,
)
from immersions.models import EchangeTalent, Immersion

_SCOPE_CACHE = "_immersions_scope"


def lead_scope(user):
    """The ids of every organisation the user leads for (cached on the user for the request)."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, _SCOPE_CACHE, None)
    if cached is not None:
        return cached
    roots = set()
    rows = (
        Adhesion.objects.actives()
        .leads()
        .filter(user=user)
        .values_list("organisation_id", "organisation__parent_id", "organisation__parent__parent_id")
    )
    for own, parent, grandparent in rows:
        roots.add(grandparent or parent or own)
    scope = frozenset()
    if roots:
        scope = frozenset(
            Organisation.objects.filter(
                Q(id__in=roots) | Q(parent_id__in=roots) | Q(parent__parent_id__in=roots)
            ).values_list("id", flat=True)
        )
    setattr(user, _SCOPE_CACHE, scope)
    return scope


def is_lead(user):
    return bool(lead_scope(user))


def _email(user):
    return (user.email or "").lower()


def _may_take_step(steps, sides, user, obj, to):
    """Whether one of the sides `user` acts for on `obj` owns the step to `to` in the `steps` map."""
    owners = steps.get((obj.status, to))
    return bool(owners and owners & sides(user, obj))


def _steps_open(steps, sides, user, obj, *, besides=()):
    """The statuses `user` may move `obj` to, in the map's order, but those `besides` (own forms)."""
    own = sides(user, obj)
    return [
        to
        for (source, to), owners in steps.items()
        if source == obj.status and to not in besides and owners & own
    ]


# --- Immersions -----------------------------------------------------------------------------------


def immersion_visible_to(user, queryset=None):
    queryset = Immersion.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if is_staff(user):
        return queryset
    scope = lead_scope(user)
    email = _email(user)
    condition = Q(agent_email__iexact=email) | Q(manager_email__iexact=email) | Q(tutor_email__iexact=email)
    if scope:
        condition |= Q(origin_id__in=scope) | Q(origin_service_id__in=scope)
        condition |= Q(confidential=False) & (Q(host_id__in=scope) | Q(host_service_id__in=scope))
    return queryset.filter(condition)


def immersion_sides(user, immersion):
    """The sides the user may act for on this immersion."""
    sides = set()
    if not user.is_authenticated:
        return sides
    if is_staff(user):
        sides.add(Side.STAFF)
    scope = lead_scope(user)
    email = _email(user)
    if (
        immersion.origin_id in scope
        or immersion.origin_service_id in scope
        or (email and email == immersion.manager_email.lower())
    ):
        sides.add(Side.ORIGINE)
    host_lead = immersion.host_id in scope or immersion.host_service_id in scope
    # The tutor's address names the host side only for someone who is not the origin: otherwise an
    # origin lead who typed their own address as the tutor's would accept for the host.
    is_tutor = bool(email) and email == immersion.tutor_email.lower() and Side.ORIGINE not in sides
    if (host_lead and not immersion.confidential) or is_tutor:
        sides.add(Side.ACCUEIL)
    return sides


def can_transition_immersion(user, immersion, to):
    return _may_take_step(IMMERSION_STEPS, immersion_sides, user, immersion, to)


def immersion_actions(user, immersion):
    """The statuses the user may move this immersion to (the bilan has its own form)."""
    return _steps_open(
        IMMERSION_STEPS, immersion_sides, user, immersion, besides={ImmersionStatus.BILAN_FAIT}
    )


def can_declare_immersion(user):
    return user.is_authenticated and (is_staff(user) or is_lead(user))


def can_edit_immersion(user, immersion):
    return immersion.status == ImmersionStatus.BROUILLON and Side.ORIGINE in immersion_sides(user, immersion)


def can_record_bilan(user, immersion):
    return can_transition_immersion(user, immersion, ImmersionStatus.BILAN_FAIT)


def can_resend_tutor_link(user, immersion):
    """While the host's decision is awaited, the origin (or staff) may send the tutor a fresh link."""
    return immersion.status == ImmersionStatus.ACCEPTEE_ORIGINE and bool(
        {Side.ORIGINE, Side.STAFF} & immersion_sides(user, immersion)
    )


def is_immersion_party(user, immersion):
    """Parties (either side, agent) and staff may download the immersion's documents."""
    if not user.is_authenticated:
        return False
    return bool(immersion_sides(user, immersion)) or _email(user) == immersion.agent_email.lower()


# --- Talent Exchange agreements ---------------------------------------------------------------------


def echange_visible_to(user, queryset=None):
    queryset = EchangeTalent.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if is_staff(user):
        return queryset
    scope = lead_scope(user)
    condition = Q(agent_email__iexact=_email(user))
    if scope:
        condition |= (
            Q(origin_id__in=scope)
            | Q(origin_service_id__in=scope)
            | Q(host_id__in=scope)
            | Q(host_service_id__in=scope)
        )
    return queryset.filter(condition)


def echange_sides(user, echange):
    sides = set()
    if not user.is_authenticated:
        return sides
    if is_staff(user):
        sides.add(Side.STAFF)
    scope = lead_scope(user)
    if echange.origin_id in scope or echange.origin_service_id in scope:
        sides.add(Side.ORIGINE)
    if echange.host_id in scope or echange.host_service_id in scope:
        sides.add(Side.ACCUEIL)
    # Same rule for the agent's consent: the origin can never give it in the agent's name.
    email = _email(user)
    if email and email == echange.agent_email.lower() and Side.ORIGINE not in sides:
        sides.add(Side.AGENT)
    return sides


def can_transition_echange(user, echange, to):
    return _may_take_step(ECHANGE_STEPS, echange_sides, user, echange, to)


def echange_actions(user, echange):
    """Statuses reachable through the plain transition form (return and signature have their own)."""
    special = {EchangeStatus.RETOUR_PREPARE, EchangeStatus.SIGNEE}
    return _steps_open(ECHANGE_STEPS, echange_sides, user, echange, besides=special)


def echange_parties_to_agree(user, echange):
    """The parties whose agreement the user may record now (status validée par l'accueil)."""
    if echange.status != EchangeStatus.VALIDEE_ACCUEIL:
        return []
    sides = echange_sides(user, echange)
    parties = []
    if Side.AGENT in sides and not echange.agent_agreed_at:
        parties.append(Party.AGENT)
    if Side.ORIGINE in sides and not echange.origin_agreed_at:
        parties.append(Party.ORIGINE)
    if Side.ACCUEIL in sides and not echange.host_agreed_at:
        parties.append(Party.ACCUEIL)
    return parties


def can_edit_echange(user, echange):
    return echange.status == EchangeStatus.BROUILLON and Side.ORIGINE in echange_sides(user, echange)


def can_prepare_return(user, echange):
    return echange.status in (
        EchangeStatus.SIGNEE,
        EchangeStatus.EN_COURS,
        EchangeStatus.RETOUR_PREPARE,
    ) and (Side.ORIGINE in echange_sides(user, echange))


def can_grant_derogation(user, echange):
    return (
        echange.fonction_critique_id is not None
        and echange.status in (EchangeStatus.BROUILLON, EchangeStatus.SOUMISE)
        and Side.ORIGINE in echange_sides(user, echange)
    )


def can_renew_echange(user, echange):
    return echange.status in (
        EchangeStatus.EN_COURS,
        EchangeStatus.RETOUR_PREPARE,
        EchangeStatus.TERMINEE,
    ) and (Side.ORIGINE in echange_sides(user, echange))


def is_echange_party(user, echange):
    return bool(echange_sides(user, echange))


# --- Services (cap, critical functions) and indicators ---------------------------------------------


def service_visible_to(user, queryset=None):
    queryset = Organisation.objects.all() if queryset is None else queryset
    if is_staff(user):
        return queryset
    return queryset.filter(id__in=lead_scope(user))


def can_manage_service(user, service):
    return is_staff(user) or service.pk in lead_scope(user)


def can_view_indicators(user):
    return user.is_authenticated and (is_staff(user) or is_lead(user))
