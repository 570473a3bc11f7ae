import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accompagnement.models import User
from accompagnement.services import accept_charte, current_charte
from ateliers.enums import AtelierStatus, InscriptionStatus, Presence, SequenceKind
from ateliers.models import (
    Atelier,
    AtelierTransition,
    Inscription,
    InscriptionTransition,
    Intervenant,
    Programme,
)
from ateliers.services.inscriptions import registration_problem
from fabrique.core import demo

pytestmark = pytest.mark.django_db

FILES = [
    ("accompagnement", "organisations.yaml"),
    ("accompagnement", "membres.yaml"),
    ("ateliers", "ateliers.yaml"),
]


def load_ateliers():
    return demo.load(*(demo.path(app, name) for app, name in FILES))


@pytest.fixture(params=[0, 400], ids=["today", "in-400-days"])
def seeded(request, monkeypatch):
    """The demo seeded on the day the tests run; and on a later day, which must hold just as well."""
    if request.param:
        later = timezone.now() + dt.timedelta(days=request.param)
        monkeypatch.setattr(timezone, "now", lambda: later)
    load_ateliers()
    return Atelier.objects.get(programme__year=2023, number=1)


def test_demo_launch_workshop_like_the_domain(seeded):
    launch = seeded
    programme = Programme.objects.get(year=2023)
    assert len(programme.theme_list) == 3
    assert launch.status == AtelierStatus.TENU
    assert launch.starts_at.year == 2023
    assert launch.starts_at.month == 4
    # One séquence of each kind, in the order the kinds are declared (the launch booklet's).
    assert list(launch.sequences.values_list("kind", flat=True)) == list(SequenceKind)
    roles = " ".join(Intervenant.objects.values_list("role", flat=True))
    assert "Agence de reconversion de la Défense" in roles
    assert "Directrice des ressources humaines" in roles
    inscriptions = launch.inscriptions.all()
    assert 38 <= inscriptions.count() <= 45
    assert inscriptions.values("organisation__parent").distinct().count() >= 8
    assert inscriptions.filter(presence=Presence.PRESENT).count() > 30
    assert inscriptions.filter(consent_annuaire=False).exists()
    assert list(launch.transitions.values_list("to_status", flat=True)) == [
        AtelierStatus.INSCRIPTIONS_OUVERTES,
        AtelierStatus.INSCRIPTIONS_CLOSES,
        AtelierStatus.TENU,
    ]
    # Every registration's timeline starts with its creation, dated when the person registered.
    first_steps = InscriptionTransition.objects.filter(inscription__atelier=launch)
    assert first_steps.count() == inscriptions.count()
    assert {(step.to_status, step.at.year) for step in first_steps} == {(InscriptionStatus.INSCRIT, 2023)}
    participant = inscriptions.get(user__email="participant@culture.gouv.fr")
    assert participant.presence == Presence.PRESENT
    assert participant.status == InscriptionStatus.INSCRIT


def test_demo_two_upcoming_workshops_with_open_registrations(seeded):
    upcoming = Atelier.objects.filter(starts_at__gt=timezone.now()).order_by("starts_at")
    assert upcoming.count() == 2
    for atelier in upcoming:
        assert atelier.status == AtelierStatus.INSCRIPTIONS_OUVERTES
        assert registration_problem(atelier) is None
    assert Inscription.objects.filter(
        atelier=upcoming[0], user__email="tete.reseau@justice.gouv.fr", status=InscriptionStatus.INSCRIT
    ).exists()


def test_demo_seed_is_idempotent(seeded):
    counts = (
        Atelier.objects.count(),
        Inscription.objects.count(),
        Intervenant.objects.count(),
        AtelierTransition.objects.count(),
        InscriptionTransition.objects.count(),
    )
    load_ateliers()
    assert (
        Atelier.objects.count(),
        Inscription.objects.count(),
        Intervenant.objects.count(),
        AtelierTransition.objects.count(),
        InscriptionTransition.objects.count(),
    ) == counts
    assert Atelier.objects.get(programme__year=2023, number=1).status == AtelierStatus.TENU


def test_demo_participant_finds_the_booklet_on_the_launch_page(client):
    call_command("load_demo")
    launch = Atelier.objects.get(programme__year=2023, number=1)
    participant = User.objects.get(email="participant@culture.gouv.fr")
    accept_charte(participant, current_charte())
    client.force_login(participant)
    response = client.get(reverse("ateliers:atelier_detail", args=[launch.pk]))
    content = response.content.decode()
    assert "Télécharger le livret de restitution" in content
    assert "Télécharger mon attestation de participation" in content
