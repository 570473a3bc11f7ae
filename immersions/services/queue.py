"""The "À traiter" queue: the steps waiting for a person, one queryset per kind of step (fixed queries)."""

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from immersions.enums import EchangeStatus, ImmersionStatus
from immersions.models import EchangeTalent, Immersion
from immersions.permissions import echange_visible_to, immersion_visible_to, is_staff, lead_scope

# A queue shows at most this many objects per step, with a link to the whole list beyond.
PER_STEP = 20


@dataclass
class Step:
    label: str
    objects: list
    kind: str  # "immersion" or "echange"
    status: str
    more: bool = False


def _origin(scope, email):
    return Q(origin_id__in=scope) | Q(origin_service_id__in=scope) | Q(manager_email__iexact=email)


def _host(scope, email):
    # The tutor's address counts only for someone who is not on the origin side (see permissions).
    return (Q(confidential=False) & (Q(host_id__in=scope) | Q(host_service_id__in=scope))) | (
        Q(tutor_email__iexact=email) & ~_origin(scope, email)
    )


def _e_origin(scope):
    return Q(origin_id__in=scope) | Q(origin_service_id__in=scope)


def _e_host(scope):
    return Q(host_id__in=scope) | Q(host_service_id__in=scope)


def waiting_steps(user):
    """The steps waiting for `user`, as a list of Step (label, objects, kind), non-empty ones only.

    Someone without a lead role gets only the steps that name them (manager, tutor, agent): the
    conditions on the lead's scope are then empty.
    """
    scope = lead_scope(user)
    email = (user.email or "").lower()
    today = timezone.localdate()
    immersions = immersion_visible_to(user, Immersion.objects.with_relations()).order_by("start_date", "pk")
    echanges = echange_visible_to(user, EchangeTalent.objects.with_relations()).order_by("start_date", "pk")
    IS, ES = ImmersionStatus, EchangeStatus  # noqa: N806 - short local aliases of the enums
    wanted = [
        (
            _("Immersions à soumettre"),
            "immersion",
            immersions.filter(_origin(scope, email), status=IS.BROUILLON),
        ),
        (
            _("Immersions à accepter pour l'origine"),
            "immersion",
            immersions.filter(_origin(scope, email), status=IS.SOUMISE),
        ),
        (
            _("Immersions à accepter pour l'accueil"),
            "immersion",
            immersions.filter(_host(scope, email), status=IS.ACCEPTEE_ORIGINE),
        ),
        (
            _("Bilans d'immersion à faire"),
            "immersion",
            immersions.filter(_origin(scope, email) | _host(scope, email), status=IS.TERMINEE),
        ),
        (_("Conventions à soumettre"), "echange", echanges.filter(_e_origin(scope), status=ES.BROUILLON)),
        (
            _("Conventions à valider pour l'origine"),
            "echange",
            echanges.filter(_e_origin(scope), status=ES.SOUMISE),
        ),
        (
            _("Conventions à valider pour l'accueil"),
            "echange",
            echanges.filter(_e_host(scope), status=ES.VALIDEE_ORIGINE),
        ),
        (
            _("Conventions attendant votre accord"),
            "echange",
            echanges.filter(
                (_e_origin(scope) & Q(origin_agreed_at__isnull=True))
                | (_e_host(scope) & Q(host_agreed_at__isnull=True))
                | (Q(agent_email__iexact=email) & ~_e_origin(scope) & Q(agent_agreed_at__isnull=True)),
                status=ES.VALIDEE_ACCUEIL,
            ),
        ),
        (
            _("Retours à préparer"),
            "echange",
            echanges.filter(_e_origin(scope), status=ES.EN_COURS),
        ),
    ]
    if is_staff(user):
        wanted += [
            (
                _("Immersions à démarrer (date de début atteinte)"),
                "immersion",
                immersions.filter(status=IS.ACCEPTEE_ACCUEIL, start_date__lte=today),
            ),
            (
                _("Immersions à clore (date de fin passée)"),
                "immersion",
                immersions.filter(status=IS.EN_COURS, end_date__lt=today),
            ),
            (
                _("Conventions à démarrer (date de début atteinte)"),
                "echange",
                echanges.filter(status=ES.SIGNEE, start_date__lte=today),
            ),
        ]
    steps = []
    for label, kind, queryset in wanted:
        objects = list(queryset[: PER_STEP + 1])
        if objects:
            steps.append(
                Step(
                    label=label,
                    objects=objects[:PER_STEP],
                    kind=kind,
                    status=objects[0].status,
                    more=len(objects) > PER_STEP,
                )
            )
    return steps
