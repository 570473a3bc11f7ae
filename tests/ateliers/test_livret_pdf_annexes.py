"""The annexes and back matter chosen per booklet: annex 2 as the charter or an attached text or nothing,
the divider page, the back cover, each with a sommaire that points to the right pages."""

import io

import pytest
from pypdf import PdfReader

from accompagnement.models import AcceptationCharte, Charte
from ateliers.enums import Annexe2
from ateliers.livret.services import rendu as livret_service
from ateliers.models import ReglagesLivret
from tests.ateliers.livret_factories import make_booklet_atelier
from tests.ateliers.livret_pdf_reading import (
    PART_KICKERS,
    assert_sommaire_points_to_the_right_pages,
    flat,
    page_of,
    pdftotext,
)

pytestmark = pytest.mark.django_db


PARTS_ENTRIES = [
    "1. Ouverture de l'atelier",
    "2. Feuille de route — Tour de table : ce que font déjà les ministères",
    "3. Débat : accompagner les mobilités choisies",
    "4. Communication — Un parcours de formation en ligne",
    "5. Ateliers en sous-groupes",
]


@pytest.mark.parametrize("divider", [False, True], ids=["sans-separateur", "separateur"])
def test_livret_annex_two_is_the_attached_text_without_a_charter_version(charte, divider, tmp_path):
    atelier = make_booklet_atelier(participants=3)
    charters = list(Charte.objects.values_list("pk", "version", "title", "text"))
    acceptations = AcceptationCharte.objects.count()
    ReglagesLivret.objects.create(
        atelier=atelier,
        annexe2=Annexe2.TEXTE,
        annexe2_titre="La charte et les actions prioritaires",
        annexe2_texte="<p>Telle que présentée ce jour-là.</p><ul><li>Action prioritaire numéro un</li></ul>",
        page_annexes=divider,
    )
    rendered, _digest = livret_service.render_document(atelier)
    annex_entries = ["Annexe 1 — Liste des participants", "Annexe 2 — La charte et les actions prioritaires"]
    markers = [*PART_KICKERS[:5], *(["Annexes"] if divider else []), "ANNEXE 1", "ANNEXE 2"]
    entries = assert_sommaire_points_to_the_right_pages(rendered, tmp_path, markers)
    assert [title for title, _page in entries] == [
        *PARTS_ENTRIES,
        *(["Annexes"] if divider else []),
        *annex_entries,
    ]
    text = pdftotext(rendered.content, tmp_path)
    annex = text[text.rindex("ANNEXE 2") :]
    assert "La charte et les actions prioritaires" in annex
    assert "Telle que présentée ce jour-là." in annex
    assert "Action prioritaire numéro un" in annex
    assert "Préambule du réseau" not in text  # not the network's charter
    # No network-wide charter version was created, nobody is asked to accept anything.
    assert list(Charte.objects.values_list("pk", "version", "title", "text")) == charters
    assert AcceptationCharte.objects.count() == acceptations
    outline = [
        item.title for item in PdfReader(io.BytesIO(rendered.content)).outline if not isinstance(item, list)
    ]
    assert outline[-1] == "Annexe 2 — La charte et les actions prioritaires"


def test_livret_without_annex_two_lists_annex_one_alone(charte, tmp_path):
    atelier = make_booklet_atelier(participants=3)
    ReglagesLivret.objects.create(atelier=atelier, annexe2=Annexe2.AUCUNE)
    rendered, _digest = livret_service.render_document(atelier)
    entries = assert_sommaire_points_to_the_right_pages(rendered, tmp_path, [*PART_KICKERS[:5], "ANNEXE 1"])
    assert [title for title, _page in entries] == [*PARTS_ENTRIES, "Annexe 1 — Liste des participants"]
    text = pdftotext(rendered.content, tmp_path)
    assert "Annexe 2" not in text
    assert "ANNEXE 2" not in text
    assert "Préambule du réseau" not in text
    assert page_of(rendered, tmp_path, "ANNEXE 1") == rendered.pages  # the list ends the booklet


def test_livret_attached_text_left_empty_prints_no_annex_two(charte, tmp_path):
    atelier = make_booklet_atelier(participants=3)
    ReglagesLivret.objects.create(atelier=atelier, annexe2=Annexe2.TEXTE, annexe2_titre="Titre sans texte")
    context = livret_service.build_context(atelier)
    assert [annexe["heading"] for annexe in context["annexes"]] == ["Annexe 1 — Liste des participants"]


def test_livret_divider_page_stands_between_the_parts_and_the_annexes(charte, tmp_path):
    atelier = make_booklet_atelier(participants=3)
    ReglagesLivret.objects.create(atelier=atelier, page_annexes=True)
    rendered, _digest = livret_service.render_document(atelier)
    markers = [*PART_KICKERS[:5], "Annexes", "ANNEXE 1", "ANNEXE 2"]
    entries = assert_sommaire_points_to_the_right_pages(rendered, tmp_path, markers)
    divider = dict(entries)["Annexes"]
    page = pdftotext(rendered.content, tmp_path, divider)
    assert "Annexe 1 — Liste des participants" in page
    assert "Annexe 2 — Charte de la Fabrique de l'accompagnement RH" in page
    assert "Paragraphe" not in page  # a page of its own
    assert dict(entries)["Annexe 1 — Liste des participants"] == divider + 1


def test_livret_back_cover_is_the_last_page(charte, tmp_path):
    atelier = make_booklet_atelier(participants=3)
    plain, _digest = livret_service.render_document(atelier)
    ReglagesLivret.objects.create(
        atelier=atelier,
        quatrieme_couverture=(
            "<h3>Merci</h3><p>Merci aux intervenants et aux rapporteurs.</p>"
            '<p>Le catalogue : <a href="https://www.fonction-publique.gouv.fr/catalogue">le portail</a></p>'
        ),
    )
    rendered, _digest = livret_service.render_document(atelier)
    assert rendered.pages == plain.pages + 1
    last = flat(pdftotext(rendered.content, tmp_path, rendered.pages))
    assert "Merci aux intervenants et aux rapporteurs." in last
    assert "le portail (https://www.fonction-publique.gouv.fr/catalogue)" in last  # printed, not only linked
    assert "Fabrique de l'accompagnement RH" in last
    assert "Merci aux intervenants" not in pdftotext(rendered.content, tmp_path, 1, rendered.pages - 1)
    # Not an entry of the sommaire, which still points to the right pages.
    assert_sommaire_points_to_the_right_pages(rendered, tmp_path, PART_KICKERS)
