"""The booklet's photos read from real object storage: a local S3-compatible server (moto), started here,
behind django-storages' S3Storage — the production setup, with no file on disk."""

import io
import uuid

import pytest
from django.core.files.base import ContentFile
from PIL import Image
from pypdf import PdfReader
from storages.backends.s3 import S3Storage

from fabrique.core.pdf import RestrictedURLFetcher, media_url, render_html_to_pdf
from tests import object_storage
from tests.object_storage import s3_options

s3_endpoint = object_storage.s3_endpoint  # the module-scoped server, a fixture


def _png(colour):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def s3_storage(s3_endpoint):
    storage = S3Storage(**s3_options(s3_endpoint, location=f"pdf-{uuid.uuid4().hex[:12]}"))
    storage.save("intervenants/photo-a.png", ContentFile(_png("#000091")))
    storage.save("intervenants/photo-b.png", ContentFile(_png("#e1000f")))
    return storage


def test_fetcher_reads_an_allowed_photo_from_object_storage(s3_storage):
    fetcher = RestrictedURLFetcher(allowed_media={"intervenants/photo-a.png"}, storage=s3_storage)
    assert fetcher.fetch(media_url("intervenants/photo-a.png")).read() == _png("#000091")


def test_render_embeds_only_the_allowed_photo_from_object_storage(s3_storage):
    html = (
        '<html lang="fr"><head><title>Essai</title></head><body>'
        '<p><img src="media:intervenants/photo-a.png" alt="A"></p>'
        '<p><img src="media:intervenants/photo-b.png" alt="B"></p>'
        f'<p><img src="{s3_storage.url("intervenants/photo-b.png")}" alt="B par son adresse"></p>'
        "</body></html>"
    )
    rendered = render_html_to_pdf(html, allowed_media={"intervenants/photo-a.png"}, storage=s3_storage)
    reader = PdfReader(io.BytesIO(rendered.content))
    colours = [image.image.convert("RGB").getpixel((1, 1)) for page in reader.pages for image in page.images]
    # Photo A (blue) read through the storage API; photo B neither by name nor by its signed http URL.
    assert colours == [(0, 0, 145)]
