"""Hostile booklet content: nothing leaves the machine, no local file enters the PDF, the render ends.

Each case gives either a PDF without the forbidden content or a version "échec" with a clear reason.
Two layers are checked: content saved the normal way (nh3 cleans it on save, the templates escape plain
text), and raw HTML injected straight into the template context as if the sanitiser had a bug (the
restricted URL fetcher must then refuse every resource, and log it).
"""

import io
import logging
import socket
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils.safestring import mark_safe
from pypdf import PdfReader

from ateliers.enums import Annexe2
from ateliers.livret.services import rendu as livret_service
from ateliers.models import (
    ContenuSequence,
    Intervenant,
    Livret,
    Question,
    ReglagesLivret,
    Reponse,
)
from ateliers.tasks import render_livret
from fabrique.core.enums import DocumentStatus
from fabrique.core.pdf import RestrictedURLFetcher, render_pdf_document
from tests.ateliers.livret_factories import give_portrait, make_booklet_atelier

pytestmark = pytest.mark.django_db

PASSWD_LINES = [line for line in Path("/etc/passwd").read_text().splitlines() if len(line) > 8]

HOSTILE = {
    "img_file": '<p>avant</p><img src="file:///etc/passwd"><p>après</p>',
    "attachment_file": '<p><a rel="attachment" href="file:///etc/passwd">pièce jointe</a></p>',
    "stylesheet_link": '<link rel="stylesheet" href="http://127.0.0.1:1/style.css"><p>texte</p>',
    "css_import": '<style>@import url("http://127.0.0.1:1/import.css"); p { color: red }</style><p>texte</p>',
    "svg_external": (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="20" '
        'height="20"><image href="http://127.0.0.1:1/x.png" width="20" height="20"/>'
        '<use xlink:href="file:///etc/passwd#x"/></svg><p>texte</p>'
    ),
}
FORBIDDEN_URLS = {
    "img_file": ["file:///etc/passwd"],
    "attachment_file": ["file:///etc/passwd"],
    "stylesheet_link": ["http://127.0.0.1:1/style.css"],
    "css_import": ["http://127.0.0.1:1/import.css"],
    "svg_external": ["http://127.0.0.1:1/x.png"],
}


@pytest.fixture
def connections(monkeypatch):
    """Every outgoing connection attempted during the test (the database's are already open)."""
    attempts = []
    real_connect = socket.socket.connect

    def connect(sock, address):
        attempts.append(address)
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    return attempts


def assert_clean_pdf(content, tmp_path):
    path = tmp_path / "hostile.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    reader = PdfReader(io.BytesIO(content))
    raw = b"".join(page.get_contents().get_data() for page in reader.pages if page.get_contents() is not None)
    for line in PASSWD_LINES:
        assert line not in text
        assert line.encode() not in content
        assert line.encode() not in raw
    assert "root:x:0:0" not in text
    assert reader.attachments == {}
    assert b"/EmbeddedFile" not in content


@pytest.fixture
def atelier(db):
    return make_booklet_atelier(participants=5, organisations=2)


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_livret_hostile_content_saved_normally_gives_a_clean_pdf(atelier, case, connections, tmp_path):
    contenu = ContenuSequence.objects.filter(sequence__atelier=atelier).first()
    contenu.texte = HOSTILE[case]
    contenu.save()
    # Plain-text fields are escaped by the templates: the markup shows as text, never as HTML.
    Question.objects.filter(sequence__atelier=atelier).update(question=HOSTILE[case], asked_by=HOSTILE[case])
    Reponse.objects.filter(question__sequence__atelier=atelier).update(answered_by=HOSTILE[case])
    livret = Livret.objects.create(atelier=atelier, version=1)
    assert render_livret(livret_pk=livret.pk) == DocumentStatus.PRET
    livret.refresh_from_db()
    with livret.file.open("rb") as handle:
        assert_clean_pdf(handle.read(), tmp_path)
    assert not [a for a in connections if isinstance(a, tuple) and a[1] == 1]


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_livret_hostile_html_past_the_sanitiser_is_refused_by_the_fetcher(
    atelier, case, connections, caplog, tmp_path
):
    context = livret_service.build_context(atelier)
    context["parts"][0]["texte"] = mark_safe(HOSTILE[case])  # as if nh3 had a bug
    with caplog.at_level(logging.WARNING, logger="fabrique.core.pdf"):
        rendered = render_pdf_document(livret_service.LIVRET_TEMPLATE, context)
    assert rendered.pages > 5
    assert_clean_pdf(rendered.content, tmp_path)
    refused = [
        r.getMessage() for r in caplog.records if "refused by the restricted fetcher" in r.getMessage()
    ]
    for url in FORBIDDEN_URLS[case]:
        assert any(url in message for message in refused), (url, refused)
    assert not [a for a in connections if isinstance(a, tuple) and a[1] == 1]


def test_livret_raw_html_written_past_the_model_is_cleaned_again_when_rendering(atelier, tmp_path):
    # A QuerySet.update() skips the field's nh3 cleaning; the context cleans rich text again.
    ContenuSequence.objects.filter(sequence__atelier=atelier).update(texte=HOSTILE["attachment_file"])
    context = livret_service.build_context(atelier)
    assert "attachment" not in context["parts"][0]["texte"]
    assert context["parts"][0]["texte"] == "<p>pièce jointe</p>"


def test_livret_one_megabyte_of_text_fails_with_a_reason(atelier, connections):
    ContenuSequence.objects.filter(sequence__atelier=atelier).update(
        texte="<p>" + "texte " * 175_000 + "</p>"
    )
    livret = Livret.objects.create(atelier=atelier, version=1)
    assert render_livret(livret_pk=livret.pk) == DocumentStatus.ECHEC
    livret.refresh_from_db()
    assert livret.error.startswith("Le contenu du livret est trop volumineux")
    assert "300 000 au plus" in livret.error
    assert not livret.file


def test_livret_two_hundred_nested_lists_fail_with_a_reason(atelier):
    nested = "<ul><li>niveau" * 200 + "</li></ul>" * 200
    contenu = ContenuSequence.objects.filter(sequence__atelier=atelier).first()
    contenu.texte = nested
    contenu.save()  # saved (nh3 keeps lists); the admin form refuses it, see below
    livret = Livret.objects.create(atelier=atelier, version=1)
    assert render_livret(livret_pk=livret.pk) == DocumentStatus.ECHEC
    livret.refresh_from_db()
    assert "listes imbriquées" in livret.error
    assert contenu.sequence.title in livret.error
    # The next version, once the text is fixed, renders: nothing is left stuck.
    contenu.texte = "<ul><li>un niveau</li></ul>"
    contenu.save()
    fixed = Livret.objects.create(atelier=atelier, version=2)
    assert render_livret(livret_pk=fixed.pk) == DocumentStatus.PRET


def test_livret_forms_refuse_oversized_or_deeply_nested_text(atelier):
    contenu = ContenuSequence.objects.filter(sequence__atelier=atelier).first()
    contenu.texte = "<ul><li>x" * 10 + "</li></ul>" * 10
    with pytest.raises(ValidationError, match="imbriquées"):
        contenu.full_clean()
    contenu.texte = "<p>" + "x" * 60_000 + "</p>"
    with pytest.raises(ValidationError, match="trop long"):
        contenu.full_clean()


# --- Pasted HTML, uploaded photos and the restricted fetcher ----------------------------------------

PASTED = (
    '<html><head><style>p { background: url("http://127.0.0.1:1/fond.png") }</style>'
    '<link rel="stylesheet" href="http://127.0.0.1:1/word.css"><script>alert(1)</script></head><body>'
    '<p class="MsoNormal" style="background:url(http://127.0.0.1:1/bg.png)" onclick="x()" onmouseover="y()">'
    'Texte collé<img src="http://127.0.0.1:1/x.png"><img src="file:///etc/passwd" onerror="z()"></p>'
    '<p><a href="file:///etc/passwd" rel="attachment">pièce jointe</a>, '
    '<a href="javascript:alert(1)">js</a>, '
    '<a href="media:intervenants/photo-autre.png">photo</a></p>'
    '<iframe src="http://127.0.0.1:1/cadre"></iframe><object data="file:///etc/passwd"></object>'
    '<svg><image href="http://127.0.0.1:1/s.png"/></svg><video poster="http://127.0.0.1:1/p.png"></video>'
    "<blockquote><p>« Une citation collée »</p><p>— Quelqu'un</p></blockquote></body></html>"
)
LEFTOVERS = ["<script", "alert", "<style", "style=", "class=", "onclick", "onmouseover", "onerror", "<link"]
LEFTOVERS += ["<img", "<iframe", "<object", "<svg", "<video", "file:", "javascript:", "media:", "127.0.0.1"]


@pytest.fixture
def fetched(monkeypatch):
    """Every URL the PDF renderer asked its fetcher for."""
    urls = []
    real_fetch = RestrictedURLFetcher.fetch

    def fetch(self, url, headers=None):
        urls.append(url)
        return real_fetch(self, url, headers)

    monkeypatch.setattr(RestrictedURLFetcher, "fetch", fetch)
    return urls


def test_livret_pasted_html_is_stripped_and_the_renderer_fetches_nothing_of_it(
    atelier, connections, fetched, tmp_path
):
    contenu = ContenuSequence.objects.filter(sequence__atelier=atelier).first()
    contenu.texte = PASTED
    contenu.save()
    reponse = Reponse.objects.filter(question__sequence__atelier=atelier).first()
    reponse.text = PASTED
    reponse.save()
    speaker = Intervenant.objects.filter(sequences__atelier=atelier).first()
    speaker.portrait = PASTED
    speaker.save()
    reglages = ReglagesLivret.objects.create(
        atelier=atelier, annexe2=Annexe2.TEXTE, annexe2_texte=PASTED, quatrieme_couverture=PASTED
    )
    for saved in (contenu, reponse, speaker, reglages):
        saved.refresh_from_db()
    for text in (
        contenu.texte,
        reponse.text,
        speaker.portrait,
        reglages.annexe2_texte,
        reglages.quatrieme_couverture,
    ):
        assert "Texte collé" in text
        assert "<blockquote><p>« Une citation collée »</p>" in text
        for leftover in LEFTOVERS:
            assert leftover not in text, leftover
    livret = Livret.objects.create(atelier=atelier, version=1)
    assert render_livret(livret_pk=livret.pk) == DocumentStatus.PRET
    livret.refresh_from_db()
    with livret.file.open("rb") as handle:
        content = handle.read()
    assert_clean_pdf(content, tmp_path)
    # The renderer asked for the booklet's fonts (once per process: WeasyPrint keeps them) and nothing else.
    assert all(url.startswith("file:///") and url.endswith(".woff2") for url in fetched), fetched
    assert not [a for a in connections if isinstance(a, tuple) and a[1] == 1]


@pytest.mark.parametrize(
    "name",
    [
        "other-workshop",
        "intervenants/../../../../etc/passwd",
        "/etc/passwd",
        "intervenants/%2E%2E/%2E%2E/etc/passwd",
        "own-by-another-path",
    ],
)
def test_livret_media_name_outside_this_workshop_is_refused(atelier, name, caplog, fetched, tmp_path):
    own = give_portrait(Intervenant.objects.filter(sequences__atelier=atelier).first())
    other_atelier = make_booklet_atelier(participants=1, organisations=1, prefix="Autre ministère")
    other = give_portrait(
        Intervenant.objects.filter(sequences__atelier=other_atelier).first(), colour="#e1000f"
    )
    wanted = {
        "other-workshop": other.photo.name,
        "own-by-another-path": own.photo.name.replace("intervenants/", "intervenants/../intervenants/"),
    }.get(name, name)
    context = livret_service.build_context(atelier)
    assert context["allowed_media"] == {own.photo.name}
    # As if the sanitiser had a bug: an image and a stylesheet pointing at an uploaded file.
    context["parts"][0]["texte"] = mark_safe(
        f'<p><img src="media:{wanted}" alt="x"></p><style>@import url("media:{wanted}");</style>'
    )
    with caplog.at_level(logging.WARNING, logger="fabrique.core.pdf"):
        rendered = livret_service.render_context(context)
    refused = [
        r.getMessage() for r in caplog.records if "refused by the restricted fetcher" in r.getMessage()
    ]
    assert len(refused) == 2, refused
    assert all(url.startswith(("file:///", "media:")) for url in fetched)
    # Only this workshop's own photo is embedded, never the other one.
    reader = PdfReader(io.BytesIO(rendered.content))
    colours = {image.image.convert("RGB").getpixel((1, 1)) for page in reader.pages for image in page.images}
    assert colours == {(0, 0, 145)}
    assert_clean_pdf(rendered.content, tmp_path)


@pytest.mark.parametrize(
    "html",
    [
        '<p>avant<img src="https://example.org/x.png">après</p>',
        '<P>avant<IMG SRC="data:image/png;base64,iVBORw0KGgo=">après</P>',
        '<p>avant<picture><source srcset="http://127.0.0.1:1/x.webp"><img src="x.png"></picture>après</p>',
        '<p>avant<img src="media:intervenants/photo-x.png" alt="photo">après</p>',
        '<p>avant<img/src="x"onerror=alert(1)>après</p>',
        '<blockquote><p>avant<img src="x"></p><p>— après</p></blockquote>',
    ],
)
def test_livret_img_never_survives_in_rich_text(atelier, html):
    contenu = ContenuSequence.objects.filter(sequence__atelier=atelier).first()
    contenu.texte = html
    contenu.save()
    contenu.refresh_from_db()
    assert "<img" not in contenu.texte.lower()
    assert "avant" in contenu.texte
    # Written past the model (no cleaning on save), the context cleans it again.
    ContenuSequence.objects.filter(pk=contenu.pk).update(texte=html)
    context = livret_service.build_context(atelier)
    assert "<img" not in context["parts"][0]["texte"].lower()
    assert "<img" not in livret_service.render_html(atelier).lower()  # these speakers have no photo
