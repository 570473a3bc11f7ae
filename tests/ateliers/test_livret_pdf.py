"""The booklet's PDF: its parts in order, a right sommaire, the participant annex, metadata and tags."""

import datetime as dt
import io
import re
import subprocess

import pytest
from django.test.signals import template_rendered
from pypdf import PdfReader

from accompagnement.enums import OrganisationKind
from accompagnement.models import AcceptationCharte, Charte, Organisation
from ateliers.enums import Annexe2, Presence, SequenceKind
from ateliers.livret.services import rendu as livret_service
from ateliers.models import (
    Atelier,
    ContenuSequence,
    Contribution,
    Inscription,
    Intervenant,
    Question,
    ReglageAnnexe,
    ReglagesLivret,
    Reponse,
    RubriqueAnnexe,
    Sequence,
)
from tests.accompagnement.factories import OrganisationFactory
from tests.ateliers.factories import PARIS, InscriptionFactory, member_of
from tests.ateliers.livret_factories import (
    give_portrait,
    images_drawn,
    make_booklet_atelier,
    paragraph,
    quote,
)

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
    body = pdftotext(rendered.content, tmp_path, 3, rendered.pages)  # past the cover and sommaire
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


# --- Quotes in the flow, the debate, the speakers' portraits ---------------------------------------


def _flat(text):
    return " ".join(text.split())


def test_livret_quotes_print_between_the_paragraphs_they_were_written_between(charte, tmp_path):
    atelier = make_booklet_atelier(participants=3)
    reponse = Reponse.objects.filter(question__sequence__atelier=atelier).order_by("pk").first()
    reponse.text = paragraph("Avant la citation") + quote("Citation dans la réponse") + paragraph("Après")
    reponse.save()
    rendered, _digest = livret_service.render_document(atelier)
    body = _flat(pdftotext(rendered.content, tmp_path, 3, rendered.pages))
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
    body = _flat(pdftotext(rendered.content, tmp_path, 3, rendered.pages))
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
    opening_page = _page_of(rendered, tmp_path, "1. OUVERTURE")
    debate_page = _page_of(rendered, tmp_path, "3. DÉBAT")
    assert sorted(drawn) == [opening_page, debate_page]
    assert drawn[opening_page] == drawn[debate_page]  # one photo, embedded once, drawn twice
    (photo,) = [
        image
        for image in reader.pages[opening_page - 1].images
        if image.name.startswith(drawn[opening_page][0][1:])
    ]
    assert photo.image.size == (64, 64)
    assert photo.image.convert("RGB").getpixel((10, 10)) == (0, 0, 145)  # the photo itself
    text = _flat(pdftotext(rendered.content, tmp_path))
    # The few lines print once, the first time she speaks; the debate names her with her photo.
    assert text.count("Directrice depuis 2019, elle anime le réseau des conseillers.") == 1
    assert text.index("Directrice depuis 2019") < text.index("Paragraphe 1 de la partie 1")


def _page_of(rendered, tmp_path, marker):
    """The first page past the sommaire whose text holds `marker`."""
    for number in range(3, rendered.pages + 1):
        if marker in pdftotext(rendered.content, tmp_path, number):
            return number
    raise AssertionError(marker)


# --- Annex 1 grouped the DGAFP's way ---------------------------------------------------------------


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


# --- Annexes and back matter chosen per booklet -------------------------------------------------------


def _entries(rendered, tmp_path):
    return [title for title, _page in _sommaire_entries(rendered, tmp_path)]


def assert_sommaire_points_to_the_right_pages(rendered, tmp_path, markers):
    """Each sommaire entry's page is where its marker (a line of its own) first appears."""
    entries = _sommaire_entries(rendered, tmp_path)
    assert len(entries) == len(markers), entries
    for (title, number), marker in zip(entries, markers, strict=True):
        pattern = re.compile(rf"^\s*{re.escape(marker)}\s*$", flags=re.MULTILINE)
        assert pattern.search(pdftotext(rendered.content, tmp_path, number)), f"{title} → page {number}"
        assert not pattern.search(pdftotext(rendered.content, tmp_path, number - 1)), title
    return entries


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
    assert _page_of(rendered, tmp_path, "ANNEXE 1") == rendered.pages  # the list ends the booklet


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
    last = _flat(pdftotext(rendered.content, tmp_path, rendered.pages))
    assert "Merci aux intervenants et aux rapporteurs." in last
    assert "le portail (https://www.fonction-publique.gouv.fr/catalogue)" in last  # printed, not only linked
    assert "Fabrique de l'accompagnement RH" in last
    assert "Merci aux intervenants" not in pdftotext(rendered.content, tmp_path, 1, rendered.pages - 1)
    # Not an entry of the sommaire, which still points to the right pages.
    assert_sommaire_points_to_the_right_pages(rendered, tmp_path, PART_KICKERS)
