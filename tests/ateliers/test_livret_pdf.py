"""The booklet's PDF: its parts in order, a right sommaire, the participant annex, metadata and tags."""

import datetime as dt
import io
import re
import subprocess

import pytest
from django.test.signals import template_rendered
from pypdf import PdfReader

from accompagnement.models import Charte
from ateliers.enums import Presence, SequenceKind
from ateliers.models import ContenuSequence, Inscription, Sequence
from ateliers.services import livret as livret_service
from tests.ateliers.factories import PARIS
from tests.ateliers.livret_factories import make_booklet_atelier

pytestmark = pytest.mark.django_db

# How each part is announced in the sommaire, and the kicker printed (in capitals) above its title.
PART_HEADINGS = [
    "1. Ouverture",
    "2. Feuille de route",
    "3. Débat",
    "4. Communication",
    "5. Ateliers",
    "Annexe 1",
    "Annexe 2",
]
PART_KICKERS = [heading.upper() for heading in PART_HEADINGS]


def pdftotext(content, tmp_path, *pages):
    path = tmp_path / "livret.pdf"
    path.write_bytes(content)
    args = ["pdftotext", "-layout"]
    if pages:
        args += ["-f", str(pages[0]), "-l", str(pages[-1])]
    return subprocess.run([*args, str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def charte(db):
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
    body = pdftotext(rendered.content, tmp_path, 3, rendered.page_count)  # past the cover and sommaire
    positions = [body.find(kicker) for kicker in PART_KICKERS]
    assert all(p >= 0 for p in positions), dict(zip(PART_KICKERS, positions, strict=True))
    assert positions == sorted(positions)
    # Pull quotes are set apart with French quotation marks.
    assert "« Citation de la partie 1 »" in text


def _sommaire_entries(rendered, tmp_path):
    """(title, page) per sommaire line, read from the sommaire page itself."""
    page = pdftotext(rendered.content, tmp_path, 2)
    assert "Sommaire" in page
    entries = re.findall(r"^\s*(\S.*?)\s*\.{3,}\s*(\d+)\s*$", page, flags=re.MULTILINE)
    return [(title.strip(), int(number)) for title, number in entries]


def test_livret_sommaire_numbers_are_the_pages_where_parts_start(rendered_40, tmp_path):
    _atelier, rendered = rendered_40
    entries = _sommaire_entries(rendered, tmp_path)
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
        "Annexe 2 — Charte",
    ]
    # Page numbers in the footer: "3 / 11" at the bottom of page 3.
    assert f"3 / {rendered.page_count}" in pdftotext(rendered.content, tmp_path, 3)


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
    body = pdftotext(rendered.content, tmp_path, 3, rendered.page_count)  # past the cover and sommaire
    positions = [body.find(kicker) for kicker in PART_KICKERS]
    assert all(p >= 0 for p in positions), dict(zip(PART_KICKERS, positions, strict=True))
    assert positions == sorted(positions)


@pytest.mark.parametrize("deep", [False, True], ids=["2-levels", "4-levels"])
@pytest.mark.parametrize("participants", [40, 400])
def test_livret_context_query_count_is_fixed(charte, participants, deep, django_assert_num_queries):
    atelier = make_booklet_atelier(participants=participants, organisations=30, deep=deep)
    with django_assert_num_queries(12):
        context = livret_service.build_context(atelier.pk)
    assert context["participant_count"] > participants // 2
    # Grouped under the ministry at the top, however deep the participant's service.
    assert {group["name"] for group in context["participant_groups"]} <= {
        f"Ministère numéro {i:03d}" for i in range(30)
    }
    with django_assert_num_queries(11):  # the atelier given, not its id
        livret_service.build_context(context["atelier"])


def test_livret_rich_text_is_sanitised_on_save(charte):
    atelier = make_booklet_atelier(participants=1)
    contenu = ContenuSequence.objects.filter(sequence__atelier=atelier).first()
    contenu.texte = (
        '<p onclick="x()">Bonjour <a href="https://x">lien</a><script>alert(1)</script>'
        '<img src="file:///etc/passwd"><em>oui</em></p><h3>Titre</h3><style>p{}</style>'
    )
    contenu.save()
    contenu.refresh_from_db()
    assert contenu.texte == "<p>Bonjour lien<em>oui</em></p><h3>Titre</h3>"


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
    # Pull quotes are set apart: a blockquote of their own, styled as such, one per quote.
    assert re.search(
        r'<blockquote class="citation">\s*<p class="citation-texte">« Citation de la partie 1 »</p>', html
    )
    assert html.count('<blockquote class="citation">') == 5
    assert re.search(r"\.citation \{[^}]*border-left", html)
    assert "target-counter" in html
