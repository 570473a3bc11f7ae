"""What the booklet prints inside its parts: pull quotes between their paragraphs, every answer of the
debate under its answerer, the speakers' portraits with their photo, and annex 1's headings in the order
configured for the booklet."""

import io
import re

import pytest
from pypdf import PdfReader

from accompagnement.enums import OrganisationKind
from accompagnement.models import Organisation
from ateliers.enums import SequenceKind
from ateliers.livret.services import rendu as livret_service
from ateliers.models import Question, ReglageAnnexe, Reponse, RubriqueAnnexe, Sequence
from tests.accompagnement.factories import OrganisationFactory
from tests.ateliers.factories import InscriptionFactory, member_of
from tests.ateliers.livret_factories import (
    give_portrait,
    images_drawn,
    make_booklet_atelier,
    paragraph,
    quote,
)
from tests.ateliers.livret_pdf_reading import flat, page_of, pdftotext

pytestmark = pytest.mark.django_db


def test_livret_quotes_print_between_the_paragraphs_they_were_written_between(charte, tmp_path):
    atelier = make_booklet_atelier(participants=3)
    reponse = Reponse.objects.filter(question__sequence__atelier=atelier).order_by("pk").first()
    reponse.text = paragraph("Avant la citation") + quote("Citation dans la réponse") + paragraph("Après")
    reponse.save()
    rendered, _digest = livret_service.render_document(atelier)
    body = flat(pdftotext(rendered.content, tmp_path, 3, rendered.pages))
    for number in range(1, 6):
        before = body.index(f"Paragraphe 1 de la partie {number}.")
        quoted = body.index(f"« Citation de la partie {number} » — Camille Orateur")
        after = body.index(f"Paragraphe 2 de la partie {number}.")
        assert before < quoted < after, number
        assert body.count(f"« Citation de la partie {number} »") == 1  # in its place, not repeated
    assert (
        body.index("Avant la citation.") < body.index("« Citation dans la réponse »") < body.index("Après.")
    )
    # Set apart: the quote has lines of its own.
    layout = pdftotext(rendered.content, tmp_path)
    assert re.search(r"^\s*« Citation de la partie 1 »\s*$", layout, flags=re.MULTILINE)
    assert re.search(r"^\s*— Camille Orateur\s*$", layout, flags=re.MULTILINE)


def test_livret_debate_question_prints_every_answer_under_its_answerer(charte, tmp_path):
    atelier = make_booklet_atelier(participants=3, answers=2)
    question = Question.objects.filter(sequence__atelier=atelier).order_by("order").first()
    question.asked_by = "une participante"
    question.save()
    answers = list(question.reponses.order_by("order"))
    for answer, words in zip(answers, ["Première réponse.", "Seconde réponse."], strict=True):
        answer.text = f"<p>{words}</p>"
        answer.save()
    rendered, _digest = livret_service.render_document(atelier)
    body = flat(pdftotext(rendered.content, tmp_path, 3, rendered.pages))
    asked = body.index("Question 0 ? Question posée par une participante")
    first, second = body.index("Camille 0 Première réponse."), body.index("Camille 1 Seconde réponse.")
    assert asked < first < second < body.index("Question 1 ?")


def test_livret_prints_speakers_portraits_with_their_photo(charte, tmp_path):
    atelier = make_booklet_atelier(participants=3)
    opening = Sequence.objects.get(atelier=atelier, kind=SequenceKind.OUVERTURE)
    debate = Sequence.objects.get(atelier=atelier, kind=SequenceKind.DEBAT)
    speaker = give_portrait(
        opening.intervenants.get(),
        lines="<p>Directrice depuis 2019, elle anime le réseau des conseillers.</p>",
    )
    debate.intervenants.add(speaker)  # she speaks again in the debate
    rendered, _digest = livret_service.render_document(atelier)
    reader = PdfReader(io.BytesIO(rendered.content))
    drawn = images_drawn(reader)
    opening_page = page_of(rendered, tmp_path, "1. OUVERTURE")
    debate_page = page_of(rendered, tmp_path, "3. DÉBAT")
    assert sorted(drawn) == [opening_page, debate_page]
    assert drawn[opening_page] == drawn[debate_page]  # one photo, embedded once, drawn twice
    (photo,) = [
        image
        for image in reader.pages[opening_page - 1].images
        if image.name.startswith(drawn[opening_page][0][1:])
    ]
    assert photo.image.size == (64, 64)
    assert photo.image.convert("RGB").getpixel((10, 10)) == (0, 0, 145)  # the photo itself
    text = flat(pdftotext(rendered.content, tmp_path))
    # The few lines print once, the first time she speaks; the debate names her with her photo.
    assert text.count("Directrice depuis 2019, elle anime le réseau des conseillers.") == 1
    assert text.index("Directrice depuis 2019") < text.index("Paragraphe 1 de la partie 1")


def test_livret_annex_headings_come_out_in_the_configured_order_with_first_name_surname(charte, tmp_path):
    atelier = make_booklet_atelier(participants=9, organisations=3, presence=False)
    for index in range(2):
        platform = OrganisationFactory(kind=OrganisationKind.PFRH, name=f"PFRH Région {index}")
        InscriptionFactory(
            atelier=atelier,
            organisation=platform,
            user=member_of(platform, user__first_name="Jean", user__last_name=f"de la Plateforme{index}"),
            consent_annuaire=True,
        )
    reglage = ReglageAnnexe.objects.create(atelier=atelier, intitule_pfrh="Les PFRH", rang_pfrh=2)
    for rang, number in [(1, 2), (3, 0), (4, 1)]:
        RubriqueAnnexe.objects.create(
            reglage=reglage,
            organisation=Organisation.objects.get(name=f"Ministère numéro {number:03d}"),
            intitule=f"Numéro {number}",
            rang=rang,
        )
    rendered, _digest = livret_service.render_document(atelier)
    text = pdftotext(rendered.content, tmp_path)
    annex = text[text.rindex("Liste des participants") : text.rindex("ANNEXE 2")]
    headings = re.findall(r"^\s*(Numéro \d|Les PFRH)\s*$", annex, flags=re.MULTILINE)
    assert headings == ["Numéro 2", "Les PFRH", "Numéro 0", "Numéro 1"]
    # « Prénom NOM », particles as written; a platform under the umbrella heading says which one.
    assert re.search(r"^\s*Prénom0 NOM0000\s*$", annex, flags=re.MULTILINE)
    assert "Prénom1 NOM0001 — Direction RH 001" in annex
    assert "Jean de la PLATEFORME0 — PFRH Région 0" in annex
    assert "NOM0003" not in annex  # did not consent
