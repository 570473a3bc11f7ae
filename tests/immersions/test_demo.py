import pytest
from django.utils import timezone

from accompagnement import demo as accompagnement_demo
from accompagnement.models import Organisation
from immersions import demo
from immersions.enums import ECHANGE_AWAY_STATUSES, EchangeStatus, ImmersionStatus
from immersions.models import Derogation, EchangeTalent, Immersion

pytestmark = pytest.mark.django_db


def test_demo_seeds_immersions_agreements_cap_and_derogation_once():
    accompagnement_demo.seed()
    summary = demo.seed()
    demo.seed()
    assert Immersion.objects.count() == 60
    assert EchangeTalent.objects.count() == 10
    assert "60 périodes" in summary
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
