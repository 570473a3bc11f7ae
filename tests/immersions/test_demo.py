import itertools

import pytest
from django.utils import timezone

from accompagnement.models import Organisation
from fabrique.core import demo
from immersions.enums import ECHANGE_AWAY_STATUSES, EchangeStatus, ImmersionStatus
from immersions.models import Derogation, EchangeTalent, EchangeTransition, Immersion, ImmersionTransition

pytestmark = pytest.mark.django_db

FILES = [
    ("accompagnement", "organisations.yaml"),
    ("accompagnement", "membres.yaml"),
    ("immersions", "immersions.yaml"),
]


def load_immersions():
    return demo.load(*(demo.path(app, name) for app, name in FILES))


def test_demo_seeds_immersions_agreements_cap_and_derogation_once():
    load_immersions()
    logs = (ImmersionTransition.objects.count(), EchangeTransition.objects.count())
    load_immersions()
    assert Immersion.objects.count() == 60
    assert EchangeTalent.objects.count() == 10
    assert (ImmersionTransition.objects.count(), EchangeTransition.objects.count()) == logs
    assert set(Immersion.objects.values_list("status", flat=True)) == set(ImmersionStatus.values)
    assert len(set(Immersion.objects.values_list("origin", flat=True))) >= 8
    assert len(set(EchangeTalent.objects.values_list("status", flat=True))) == 9  # two running at the cap
    assert set(EchangeTalent.objects.values_list("status", flat=True)) >= {
        EchangeStatus.SOUMISE,
        EchangeStatus.SIGNEE,
        EchangeStatus.EN_COURS,
    }
    capped = Organisation.objects.get(slug="mef-dgfip")
    today = timezone.localdate()
    away = EchangeTalent.objects.filter(
        origin_service=capped,
        status__in=ECHANGE_AWAY_STATUSES,
        start_date__lte=today,
        end_date__gte=today,
    ).count()
    assert away == capped.cliquet == 2
    derogation = Derogation.objects.get()
    assert derogation.echange.fonction_critique == derogation.fonction
    bilans = Immersion.objects.filter(status=ImmersionStatus.BILAN_FAIT, bilan__isnull=False).count()
    assert bilans == Immersion.objects.filter(status=ImmersionStatus.BILAN_FAIT).count()


def test_demo_timelines_lead_to_each_status():
    """Every immersion and agreement has its history, from the draft to its status, step after step."""
    load_immersions()
    for obj in [*Immersion.objects.all(), *EchangeTalent.objects.all()]:
        steps = list(obj.transitions.order_by("at", "pk"))
        assert steps[0].from_status == ""
        assert steps[0].to_status == "brouillon"
        assert steps[-1].to_status == obj.status
        assert all(a.to_status == b.from_status for a, b in itertools.pairwise(steps))
