"""What the workshop tests share.

Fixtures: a held workshop with its booklet written (`atelier`) and its rapporteur, a staff admin client, the
network's charter in two versions, a held workshop whose participants fall under every kind of heading of
the lists (`atelier_liste`), and the network the participants import resolves against. A file that needs
another workshop defines its own `atelier`.

Helpers for the booklet studio's tests, imported by name (as tests.browser.conftest's are): `log_in`,
`part`, `save_url`, `save_json`, `JSON`, `SAVED`."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from accompagnement.models import Charte
from accompagnement.services import accept_charte
from ateliers.models import Rapporteur
from tests.accompagnement.factories import UserFactory
from tests.ateliers.annexe_factories import make_atelier_liste
from tests.ateliers.factories import PARIS
from tests.ateliers.livret_factories import make_booklet_atelier
from tests.ateliers.participants_import import build_network

JSON = {"HTTP_ACCEPT": "application/json"}
SAVED = re.compile(r"^Enregistré à \d{1,2} h \d\d$")


def log_in(client, user):
    """Log in a user who accepted the charter in force (if any), as members must before using the site."""
    charte = Charte.objects.publiees().order_by("-version").first()
    if charte is not None:
        accept_charte(user, charte)
    client.force_login(user)
    return client


def part(atelier, kind):
    """The workshop's part (sequence) of that kind."""
    return atelier.sequences.get(kind=kind)


def save_url(atelier, bloc, pk):
    """The studio's save endpoint for one block."""
    return reverse("ateliers:studio_enregistrer", args=[atelier.pk, bloc, pk])


def save_json(client, atelier, bloc, pk, data):
    """Save one block as the studio's script does: its fields posted, the answer asked in JSON."""
    return client.post(save_url(atelier, bloc, pk), data, **JSON)


@pytest.fixture
def atelier(db):
    return make_booklet_atelier(participants=4, organisations=2)


@pytest.fixture
def rapporteur(atelier, staff):
    user = UserFactory()
    Rapporteur.objects.create(atelier=atelier, user=user, named_by=staff)
    return user


@pytest.fixture
def admin_client(client, staff):
    """A client logged in as a DGAFP superuser (in place of pytest-django's own admin)."""
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    return client


@pytest.fixture
def network(db):
    """{slug: Organisation}: the ministries, their directions (« minarm-sg »…), the PFRH and a body."""
    return build_network()


@pytest.fixture
def atelier_liste(db):
    """A held workshop with one person under each kind of heading (see make_atelier_liste)."""
    return make_atelier_liste()


@pytest.fixture
def charte(db):
    """The network's charter: version 1 in force on the launch workshop's date (13 April 2023), version 2
    published after it."""
    Charte.objects.filter(version__in=[1, 2]).delete()
    Charte.objects.create(
        version=1,
        title="Charte de la Fabrique de l'accompagnement RH",
        text="Préambule du réseau.\n\n1. Un cycle de travail\n- Trois à quatre ateliers par an.",
        published_at=dt.datetime(2023, 1, 10, tzinfo=PARIS),
    )
    Charte.objects.create(
        version=2,
        title="Charte révisée",
        text="Texte postérieur à l'atelier.",
        published_at=dt.datetime(2024, 1, 10, tzinfo=PARIS),
    )
