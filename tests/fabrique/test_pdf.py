import io
import subprocess

import pytest
from pypdf import PdfReader

from fabrique.pdf import ForbiddenResourceError, RestrictedURLFetcher, render_pdf_document, static_file_url


def pdf_text(content, tmp_path):
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_fetcher_allows_static_assets_and_data_uris():
    fetcher = RestrictedURLFetcher()
    font = static_file_url("dsfr/dist/fonts/Marianne-Regular.woff2")
    assert fetcher.fetch(font).read()[:4] == b"wOF2"
    assert fetcher.fetch("data:text/plain,bonjour").read() == b"bonjour"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:1/style.css",
        "https://example.org/x.png",
        "ftp://example.org/x",
        # A path that starts under a static folder but climbs out of it.
        static_file_url("dsfr/dist/fonts/Marianne-Regular.woff2") + "/../../../../../../../../etc/passwd",
    ],
)
def test_fetcher_refuses_everything_else(url):
    with pytest.raises(ForbiddenResourceError):
        RestrictedURLFetcher().fetch(url)


def test_render_pdf_is_tagged_with_metadata_and_marianne(tmp_path, settings):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    (tmp_path / "doc.html").write_text(
        '{% extends "pdf/base.html" %}{% block body %}<h1>Livret</h1><p>{{ texte }}</p>'
        '<img src="file:///etc/passwd"><a rel="attachment" href="file:///etc/passwd">pj</a>{% endblock %}'
    )
    rendered = render_pdf_document("doc.html", {"title": "Essai de rendu", "texte": "Bonjour le réseau"})
    assert rendered.page_count == 1
    reader = PdfReader(io.BytesIO(rendered.content))
    assert reader.metadata.title == "Essai de rendu"
    assert "DGAFP" in reader.metadata.author
    assert "/MarkInfo" in reader.trailer["/Root"]
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    path = tmp_path / "doc.pdf"
    path.write_bytes(rendered.content)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Marianne" in fonts
    text = pdf_text(rendered.content, tmp_path)
    assert "Bonjour le réseau" in text
    assert "root:x:0:0" not in text
    assert b"root:x:0:0" not in rendered.content
