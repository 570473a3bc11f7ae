import io
import logging
import subprocess

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage, default_storage
from PIL import Image
from pypdf import PdfReader

from fabrique.core import pdf
from fabrique.core.pdf import (
    ForbiddenResourceError,
    RestrictedURLFetcher,
    media_url,
    render_html_to_pdf,
    render_pdf_document,
    static_file_url,
)


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
    assert rendered.pages == 1
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


# --- Uploaded files: only the names the caller allows, read through the storage API ----------------


def png_bytes(colour="#000091"):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def storage():
    """An object storage stand-in: files live only behind the storage API (no path on disk)."""
    memory = InMemoryStorage()
    memory.save("intervenants/photo-a.png", ContentFile(png_bytes()))
    memory.save("intervenants/photo-b.png", ContentFile(png_bytes("#e1000f")))
    return memory


def test_fetcher_reads_allowed_media_through_the_storage(storage):
    fetcher = RestrictedURLFetcher(allowed_media={"intervenants/photo-a.png"}, storage=storage)
    response = fetcher.fetch(media_url("intervenants/photo-a.png"))
    assert response.read() == storage.open("intervenants/photo-a.png").read()
    assert response.content_type == "image/png"


def test_fetcher_reads_the_default_storage_unless_given_one(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    name = default_storage.save("intervenants/photo-c.png", ContentFile(png_bytes()))
    fetcher = RestrictedURLFetcher(allowed_media={name})
    assert fetcher.fetch(media_url(name)).read() == png_bytes()


@pytest.mark.parametrize(
    "url",
    [
        "media:intervenants/photo-b.png",  # in the storage, not allowed (another workshop's photo)
        "media:intervenants/../intervenants/photo-a.png",  # the allowed file by another path
        "media:intervenants/photo-a.png/../photo-b.png",
        "media:intervenants%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "media:../../../../etc/passwd",
        "media:/etc/passwd",
        "media:INTERVENANTS/PHOTO-A.PNG",
        "media:intervenants/photo-a.png?x=1",
        "media:",
        "media://intervenants/photo-a.png",
    ],
)
def test_fetcher_refuses_media_outside_the_allowed_names(storage, url, caplog):
    fetcher = RestrictedURLFetcher(allowed_media={"intervenants/photo-a.png"}, storage=storage)
    with caplog.at_level(logging.WARNING, logger="fabrique.core.pdf"), pytest.raises(ForbiddenResourceError):
        fetcher.fetch(url)
    assert "refused by the restricted fetcher" in caplog.text


def test_fetcher_refuses_an_uploaded_file_by_its_path_on_disk(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    name = default_storage.save("intervenants/photo-d.png", ContentFile(png_bytes()))
    fetcher = RestrictedURLFetcher(allowed_media={name})
    with pytest.raises(ForbiddenResourceError):  # only as media:<name>, never as a file:// path
        fetcher.fetch((tmp_path / name).as_uri())


def test_fetcher_refuses_an_allowed_name_missing_or_too_large(storage, monkeypatch, caplog):
    fetcher = RestrictedURLFetcher(
        allowed_media={"intervenants/absente.png", "intervenants/photo-a.png"}, storage=storage
    )
    with caplog.at_level(logging.WARNING, logger="fabrique.core.pdf"), pytest.raises(ForbiddenResourceError):
        fetcher.fetch(media_url("intervenants/absente.png"))
    assert "could not be read" in caplog.text
    monkeypatch.setattr(pdf, "MAX_MEDIA_BYTES", 10)
    with pytest.raises(ForbiddenResourceError):
        fetcher.fetch(media_url("intervenants/photo-a.png"))


def test_render_embeds_only_the_allowed_media(storage, tmp_path):
    html = (
        '<html lang="fr"><head><title>Essai</title></head><body>'
        '<p><img src="media:intervenants/photo-a.png" alt="A"></p>'
        '<p><img src="media:intervenants/photo-b.png" alt="B"></p>'
        '<style>@import url("media:intervenants/photo-b.png");</style></body></html>'
    )
    rendered = render_html_to_pdf(html, allowed_media={"intervenants/photo-a.png"}, storage=storage)
    reader = PdfReader(io.BytesIO(rendered.content))
    images = [image.image.convert("RGB").getpixel((1, 1)) for page in reader.pages for image in page.images]
    assert images == [(0, 0, 145)]  # photo A, blue; never photo B, red
