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

from ateliers.models import ContenuSequence, Livret, LivretStatus, Question, Reponse
from ateliers.services import livret as livret_service
from ateliers.tasks import render_livret
from fabrique.pdf import render_pdf_document
from tests.ateliers.livret_factories import make_booklet_atelier

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
    raw = b"".join(page.get_contents().get_data() for page in reader.pages if page.get_contents())
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
    assert render_livret(livret_pk=livret.pk) == LivretStatus.PRET
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
    with caplog.at_level(logging.WARNING, logger="fabrique.pdf"):
        rendered = render_pdf_document(livret_service.LIVRET_TEMPLATE, context)
    assert rendered.page_count > 5
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
    assert render_livret(livret_pk=livret.pk) == LivretStatus.ECHEC
    livret.refresh_from_db()
    assert livret.failure_reason.startswith("Le contenu du livret est trop volumineux")
    assert "300 000 au plus" in livret.failure_reason
    assert not livret.file


def test_livret_two_hundred_nested_lists_fail_with_a_reason(atelier):
    nested = "<ul><li>niveau" * 200 + "</li></ul>" * 200
    contenu = ContenuSequence.objects.filter(sequence__atelier=atelier).first()
    contenu.texte = nested
    contenu.save()  # saved (nh3 keeps lists); the admin form refuses it, see below
    livret = Livret.objects.create(atelier=atelier, version=1)
    assert render_livret(livret_pk=livret.pk) == LivretStatus.ECHEC
    livret.refresh_from_db()
    assert "listes imbriquées" in livret.failure_reason
    assert contenu.sequence.title in livret.failure_reason
    # The next version, once the text is fixed, renders: nothing is left stuck.
    contenu.texte = "<ul><li>un niveau</li></ul>"
    contenu.save()
    fixed = Livret.objects.create(atelier=atelier, version=2)
    assert render_livret(livret_pk=fixed.pk) == LivretStatus.PRET


def test_livret_forms_refuse_oversized_or_deeply_nested_text(atelier):
    contenu = ContenuSequence.objects.filter(sequence__atelier=atelier).first()
    contenu.texte = "<ul><li>x" * 10 + "</li></ul>" * 10
    with pytest.raises(ValidationError, match="imbriquées"):
        contenu.full_clean()
    contenu.texte = "<p>" + "x" * 60_000 + "</p>"
    with pytest.raises(ValidationError, match="trop long"):
        contenu.full_clean()
