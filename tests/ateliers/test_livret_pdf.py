"""The booklet's PDF: its parts in order, a right sommaire, the participant annex, metadata and tags."""

import io
import re
import subprocess

import pytest
from django.test.signals import template_rendered
from pypdf import PdfReader

from ateliers.enums import Annexe2, Presence, SequenceKind
from ateliers.livret.services import rendu as livret_service
from ateliers.models import (
    Atelier,
    ContenuSequence,
    Contribution,
    Inscription,
    Intervenant,
    ReglagesLivret,
    Sequence,
)
from tests.ateliers.livret_factories import make_booklet_atelier
from tests.ateliers.livret_pdf_reading import PART_HEADINGS, PART_KICKERS, pdftotext, sommaire_entries

pytestmark = pytest.mark.django_db


@pytest.fixture
def rendered_40(charte):
    atelier = make_booklet_atelier(participants=40)
    rendered, _digest = livret_service.render_document(atelier)
    return atelier, rendered


def test_livret_text_has_every_part_in_order(rendered_40, tmp_path):
    _atelier, rendered = rendered_40
    text = pdftotext(rendered.content, tmp_path)
    cover = pdftotext(rendered.content, tmp_path, 1)
    for expected in [
        "MINISTÈRE",
        "DE LA TRANSFORMATION",
        "PUBLIQUES",
        "Liberté",
        "Égalité",
        "Fraternité",
        "DGAFP",
        "LIVRET DE RESTITUTION",
        "Structurer une offre",
        "Jeudi 13 avril 2023",
        "Formaliser une offre d'accompagnement personnalisé",
    ]:
        assert expected in cover, expected
    assert text.index("Sommaire") < text.index(PART_KICKERS[0])
    body = pdftotext(rendered.content, tmp_path, 3, rendered.pages)  # past the cover and sommaire
    positions = [body.find(kicker) for kicker in PART_KICKERS]
    assert all(p >= 0 for p in positions), dict(zip(PART_KICKERS, positions, strict=True))
    assert positions == sorted(positions)
    # Pull quotes are set apart with French quotation marks.
    assert "« Citation de la partie 1 »" in text


def test_livret_sommaire_numbers_are_the_pages_where_parts_start(rendered_40, tmp_path):
    _atelier, rendered = rendered_40
    entries = sommaire_entries(rendered, tmp_path)
    assert len(entries) == 7
    for (title, number), heading, kicker in zip(entries, PART_HEADINGS, PART_KICKERS, strict=True):
        assert title.startswith(heading), (title, heading)
        page_text = pdftotext(rendered.content, tmp_path, number)
        assert kicker in page_text, f"{title} announced on page {number}"
        # It starts there: the page before does not carry the part yet.
        assert kicker not in pdftotext(rendered.content, tmp_path, number - 1)
    assert [n for _t, n in entries] == sorted(n for _t, n in entries)


def test_livret_sommaire_lists_speakers(rendered_40, tmp_path):
    _atelier, rendered = rendered_40
    page = pdftotext(rendered.content, tmp_path, 2)
    assert "Camille Orateur0, Directrice (DGAFP)" in page


def test_livret_annex_groups_names_under_their_organisation(charte, tmp_path):
    atelier = make_booklet_atelier(participants=40, organisations=4)
    rendered, _digest = livret_service.render_document(atelier)
    text = pdftotext(rendered.content, tmp_path)
    annex = text[text.rindex("Liste des participants") : text.rindex("Annexe 2")]
    headings = list(re.finditer(r"^\s*(Ministère numéro \d{3})\s*$", annex, flags=re.MULTILINE))
    assert [m.group(1) for m in headings] == [f"Ministère numéro {i:03d}" for i in range(4)]
    sections = {
        m.group(1): annex[m.end() : headings[i + 1].start() if i + 1 < len(headings) else len(annex)]
        for i, m in enumerate(headings)
    }
    for inscription in Inscription.objects.filter(atelier=atelier).select_related(
        "user", "organisation__parent"
    ):
        root = inscription.organisation.parent or inscription.organisation
        surname = inscription.user.last_name.upper()
        listed = inscription.consent_annuaire and inscription.presence == Presence.PRESENT
        assert (surname in annex) is listed, surname
        if listed:
            section = sections[root.name]
            line = next(line for line in section.splitlines() if surname in line)
            assert inscription.user.first_name in line
            if inscription.organisation.parent_id:
                assert inscription.organisation.name in line  # the direction or service


def test_livret_annex_lists_all_confirmed_when_presence_not_taken(charte, tmp_path):
    atelier = make_booklet_atelier(participants=20, organisations=3, presence=False)
    context = livret_service.build_context(atelier)
    assert context["presence_taken"] is False
    consenting = Inscription.objects.filter(atelier=atelier, consent_annuaire=True).count()
    assert context["participant_count"] == consenting == 17
    rendered, _digest = livret_service.render_document(atelier)
    assert "Participants inscrits ayant accepté" in pdftotext(rendered.content, tmp_path)


def test_livret_annex_two_is_the_charter_in_force_on_the_workshop_date(rendered_40, tmp_path):
    _atelier, rendered = rendered_40
    text = pdftotext(rendered.content, tmp_path)
    charter = text[text.rindex("ANNEXE 2") :]
    assert "Version 1, en vigueur à la date de l'atelier" in charter
    assert "Trois à quatre ateliers par an." in charter
    assert "Texte postérieur" not in charter


def test_livret_metadata_tags_and_bookmarks(rendered_40, tmp_path):
    atelier, rendered = rendered_40
    path = tmp_path / "livret.pdf"
    path.write_bytes(rendered.content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, flags=re.MULTILINE)
    assert re.search(r"^Page size:.*\(A4\)$", info, flags=re.MULTILINE)
    reader = PdfReader(io.BytesIO(rendered.content))
    assert reader.metadata.title == f"Livret de restitution — {atelier.title}"
    assert reader.metadata.author.startswith("DGAFP")
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Marianne" in fonts
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert outline == [
        "Sommaire",
        "1. Ouverture de l'atelier",
        "2. Feuille de route — Tour de table : ce que font déjà les ministères",
        "3. Débat : accompagner les mobilités choisies",
        "4. Communication — Un parcours de formation en ligne",
        "5. Ateliers en sous-groupes",
        "Annexe 1 — Liste des participants",
        "Annexe 2 — Charte de la Fabrique de l'accompagnement RH",
    ]
    # Page numbers in the footer: "3 / 11" at the bottom of page 3.
    assert f"3 / {rendered.pages}" in pdftotext(rendered.content, tmp_path, 3)


def test_livret_follows_domain_order_whatever_the_running_order(charte, tmp_path):
    atelier = make_booklet_atelier(participants=3)
    # A running order unlike the domain's: the debate first, the opening last.
    running_order = {
        SequenceKind.DEBAT: 0,
        SequenceKind.ATELIERS: 1,
        SequenceKind.COMMUNICATION: 2,
        SequenceKind.FEUILLE_DE_ROUTE: 3,
        SequenceKind.OUVERTURE: 9,
    }
    for kind, order in running_order.items():
        Sequence.objects.filter(atelier=atelier, kind=kind).update(order=order)
    kinds = [part["kind"] for part in livret_service.build_context(atelier)["parts"]]
    assert kinds == [
        SequenceKind.OUVERTURE,
        SequenceKind.FEUILLE_DE_ROUTE,
        SequenceKind.DEBAT,
        SequenceKind.COMMUNICATION,
        SequenceKind.ATELIERS,
    ]
    rendered, _digest = livret_service.render_document(atelier)
    body = pdftotext(rendered.content, tmp_path, 3, rendered.pages)  # past the cover and sommaire
    positions = [body.find(kicker) for kicker in PART_KICKERS]
    assert all(p >= 0 for p in positions), dict(zip(PART_KICKERS, positions, strict=True))
    assert positions == sorted(positions)


@pytest.mark.parametrize("deep", [False, True], ids=["2-levels", "4-levels"])
@pytest.mark.parametrize(("participants", "answers"), [(40, 1), (400, 4)])
def test_livret_context_query_count_is_fixed(charte, participants, answers, deep, django_assert_num_queries):
    atelier = make_booklet_atelier(participants=participants, organisations=30, deep=deep, answers=answers)
    # Every speaker with a portrait, and the round table's organisations picked from the network.
    for index, speaker in enumerate(Intervenant.objects.filter(sequences__atelier=atelier)):
        speaker.photo.name = f"intervenants/photo-{index}.png"  # only named: the context reads no file
        speaker.portrait = "<p>Quelques lignes.</p>"
        speaker.save()
    organisation = Inscription.objects.filter(atelier=atelier).first().organisation
    Contribution.objects.filter(sequence__atelier=atelier).update(organisation=organisation)
    ReglagesLivret.objects.create(atelier=atelier, page_annexes=True, quatrieme_couverture="<p>Merci.</p>")
    with django_assert_num_queries(15):
        context = livret_service.build_context(atelier.pk)
    assert context["participant_count"] > participants // 2
    assert len(context["allowed_media"]) == 5
    assert {len(q["reponses"]) for part in context["parts"] for q in part["questions"]} == {answers}
    # Grouped under the ministry at the top, however deep the participant's service.
    assert {group["name"] for group in context["participant_groups"]} <= {
        f"Ministère numéro {i:03d}" for i in range(30)
    }
    given = Atelier.objects.get(pk=atelier.pk)
    with django_assert_num_queries(15):  # the atelier given, not its id: its settings are read apart
        livret_service.build_context(given)
    ReglagesLivret.objects.filter(atelier=atelier).update(annexe2=Annexe2.AUCUNE)
    with django_assert_num_queries(14):  # no charter to look up
        livret_service.build_context(atelier.pk)


def test_livret_rich_text_is_sanitised_on_save(charte):
    atelier = make_booklet_atelier(participants=1)
    contenu = ContenuSequence.objects.filter(sequence__atelier=atelier).first()
    contenu.texte = (
        '<p onclick="x()">Bonjour <a href="https://x">lien</a><script>alert(1)</script>'
        '<img src="file:///etc/passwd"><em>oui</em></p><h3>Titre</h3><style>p{}</style>'
    )
    contenu.save()
    contenu.refresh_from_db()
    # Links stay (http, https, mailto): the booklet prints their address after them.
    assert contenu.texte == '<p>Bonjour <a href="https://x">lien</a><em>oui</em></p><h3>Titre</h3>'
    html = livret_service.render_html(atelier)
    assert '<a href="https://x">lien</a><span class="lien-adresse"> (https://x)</span>' in html


def test_livret_render_lays_out_the_template_rendered_once(charte):
    atelier = make_booklet_atelier(participants=3)
    rendered_templates = []

    def record(sender, template, **kwargs):
        rendered_templates.append(template.name)

    template_rendered.connect(record)
    try:
        rendered, digest = livret_service.render_document(atelier)
    finally:
        template_rendered.disconnect(record)
    assert rendered_templates.count(livret_service.LIVRET_TEMPLATE) == 1
    assert rendered.content.startswith(b"%PDF")
    assert digest == livret_service.content_digest(atelier)  # the digest is the laid-out HTML's


def test_livret_html_preview_uses_the_same_context(rendered_40):
    atelier, _rendered = rendered_40
    html = livret_service.render_html(atelier)
    assert '<html lang="fr">' in html
    assert "Livret de restitution" in html
    # Pull quotes are set apart: a blockquote of their own, styled as such, one per quote, its last line
    # (« — … ») marked as the author, between the paragraphs where it was written.
    assert re.search(
        r"Paragraphe 1 de la partie 1\. .*?</p>"
        r'<blockquote class="citation"><p>« Citation de la partie 1 »</p>'
        r'<p class="citation-auteur">— Camille Orateur</p></blockquote>'
        r"<p>Paragraphe 2 de la partie 1\. ",
        html,
    )
    assert html.count('<blockquote class="citation">') == 5
    assert re.search(r"\.citation \{[^}]*border-left", html)
    assert "target-counter" in html
