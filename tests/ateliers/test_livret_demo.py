"""The demo's booklet: the launch workshop's content, rendered and published once, downloadable."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accompagnement import demo as accompagnement_demo
from accompagnement.models import Charte, User
from accompagnement.services import accept_charte
from ateliers import demo as ateliers_demo
from ateliers import livret_demo
from ateliers.enums import AtelierStatus
from ateliers.models import Atelier, AtelierTransition, Livret, LivretStatus

pytestmark = pytest.mark.django_db


def test_livret_demo_publishes_the_launch_booklet_once(client):
    accompagnement_demo.seed()
    ateliers_demo.seed()
    lines = livret_demo.seed()
    launch = Atelier.objects.get(programme__year=2023, number=1)
    livret = Livret.objects.get(atelier=launch)
    assert livret.status == LivretStatus.PRET
    assert livret.published
    assert livret.diffuse_reseau
    assert f"/ateliers/{launch.pk}/livret.pdf" in lines[0]
    assert launch.status == AtelierStatus.RESTITUTION_PUBLIEE
    with livret.file.open("rb") as handle:
        text = " ".join(
            " ".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages).split()
        )
    for expected in ("Découvre mon poste", "Sommaire", "Liste des participants", "Charte de la Fabrique"):
        assert expected in text
    # Loading the demo again re-seeds the workshops, then finds the booklet unchanged: no new version.
    ateliers_demo.seed()
    livret_demo.seed()
    assert Livret.objects.filter(atelier=launch).count() == 1
    launch.refresh_from_db()
    assert launch.status == AtelierStatus.RESTITUTION_PUBLIEE
    assert (
        AtelierTransition.objects.filter(atelier=launch, to_status=AtelierStatus.RESTITUTION_PUBLIEE).count()
        == 1
    )
    # A demo member downloads it.
    member = User.objects.get(email="tete.reseau@interieur.gouv.fr")
    charte = Charte.objects.publiees().order_by("-version").first()
    if charte is not None:
        accept_charte(member, charte)
    client.force_login(member)
    response = client.get(reverse("ateliers:livret_pdf", args=[launch.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
