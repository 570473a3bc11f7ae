"""The booklet's photos read from real object storage: a local S3-compatible server (moto), started here,
behind django-storages' S3Storage — the production setup, with no file on disk."""

import io
import socket

import boto3
import pytest
from django.core.files.base import ContentFile
from moto.server import ThreadedMotoServer
from PIL import Image
from pypdf import PdfReader
from storages.backends.s3 import S3Storage

from fabrique.core.pdf import RestrictedURLFetcher, media_url, render_html_to_pdf

BUCKET = "fabrique-medias"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _png(colour):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def s3_endpoint():
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client(
        "s3", endpoint_url=endpoint, region_name="eu-west-3", aws_access_key_id="x", aws_secret_access_key="x"
    ).create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
    yield endpoint
    server.stop()


@pytest.fixture
def s3_storage(s3_endpoint):
    storage = S3Storage(
        bucket_name=BUCKET,
        endpoint_url=s3_endpoint,
        region_name="eu-west-3",
        access_key="x",
        secret_key="x",
        default_acl=None,
        querystring_auth=True,
    )
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
