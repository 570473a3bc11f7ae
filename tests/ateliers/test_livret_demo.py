"""The demo's booklet: the launch workshop's content, rendered and published once, downloadable."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from accompagnement.models import Charte, User
from accompagnement.services import accept_charte
from ateliers.enums import AtelierStatus
from ateliers.models import Atelier, AtelierTransition, Intervenant, Livret, LivretTransition
from fabrique.core.enums import DocumentStatus
from tests.ateliers.livret_factories import images_drawn

pytestmark = pytest.mark.django_db


def test_livret_demo_publishes_the_launch_booklet_once(client, capsys):
    call_command("load_demo")
    output = capsys.readouterr().out
    launch = Atelier.objects.get(programme__year=2023, number=1)
    livret = Livret.objects.get(atelier=launch)
    assert livret.status == DocumentStatus.PRET
    assert livret.published
    assert livret.diffuse_reseau
    assert f"/ateliers/{launch.pk}/livret.pdf" in output
    assert list(LivretTransition.objects.filter(livret=livret).values_list("to_status", flat=True)) == [
        DocumentStatus.EN_ATTENTE,
        DocumentStatus.EN_COURS,
        DocumentStatus.PRET,
    ]
    assert launch.status == AtelierStatus.RESTITUTION_PUBLIEE
    with livret.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    text = " ".join(pages)
    for expected in ("Découvre mon poste", "Sommaire", "Liste des participants"):
        assert expected in text
    # Quotes where they were said: between two paragraphs of the debate, not gathered at the end.
    assert (
        text.index("n'est pas considéré comme une perte pour son service.")
        < text.index("« Si l'on veut garder les talents, il faut accepter de les laisser partir. »")
        < text.index("Le directeur de l'Agence de reconversion de la Défense a répondu")
    )
    # One question, two answerers.
    question = text.index("Comment repérer les agents qui ont besoin d'un accompagnement")
    assert (
        question
        < text.index("Olivier Garnier Par l'entretien professionnel")
        < text.index("Sophie Laurent Chez nous, ce sont les revues de talents")
    )
    # The speakers' portraits: their few lines and their photos (generated, stored through the storage).
    assert "Il dirige l'agence qui accompagne chaque année" in text
    speakers = Intervenant.objects.filter(sequences__atelier=launch).distinct()
    photos = {speaker.photo.name for speaker in speakers}
    assert len(photos) == speakers.count() == 5
    assert all(speaker.photo.storage.exists(speaker.photo.name) for speaker in speakers)
    assert len(images_drawn(reader)) == 5  # the parts with speakers (the breakout groups have none)
    # Names « Prénom NOM » under the DGAFP's headings; annex 2 as presented that day; divider, back cover.
    assert "Anne FOURNIER" in text
    assert "Annexe 2 — La charte et les actions prioritaires" in pages[1]
    divider = next(number for number, page in enumerate(pages) if page.startswith("Annexes Annexe 1"))
    assert "ANNEXE 1" in pages[divider + 1]
    assert "Merci aux intervenants" in pages[-1]
    assert not Charte.objects.filter(title__icontains="actions prioritaires").exists()
    # Loading the demo again updates the workshops, then finds the booklet unchanged: no new version,
    # no new photo.
    call_command("load_demo")
    assert Livret.objects.filter(atelier=launch).count() == 1
    assert {speaker.photo.name for speaker in speakers.all()} == photos
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
