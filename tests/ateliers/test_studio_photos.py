"""Speakers' photos uploaded in the studio: re-encoded, reduced, stripped of metadata, served to writers
only; a speaker shared with another workshop is written by staff only."""

import io
import random
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageFile

from ateliers.livret.services import studio
from ateliers.livret.services.studio import StudioPermissionError
from ateliers.models import Intervenant
from tests.accompagnement.factories import UserFactory
from tests.ateliers.conftest import log_in, part, save_json
from tests.ateliers.livret_factories import make_booklet_atelier, png_header

pytestmark = pytest.mark.django_db


def image(size=(64, 64), mode="RGB", fmt="PNG", colour=0, **options):
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, format=fmt, **options)
    return buffer.getvalue()


def stored_photo(intervenant):
    """The stored photo's format, size and EXIF, as Pillow reads them back."""
    intervenant.refresh_from_db()
    with intervenant.photo.open("rb") as handle, Image.open(handle) as photo:
        return photo.format, photo.size, dict(photo.getexif())


@pytest.fixture
def intervenant(atelier):
    return Intervenant.objects.filter(sequences__atelier=atelier).first()


@pytest.fixture
def writer(client, rapporteur):
    """A client logged in as the workshop's rapporteur."""
    return log_in(client, rapporteur)


def upload(client, atelier, intervenant, content, *, name="photo.png", revision=0):
    posted = {
        "portrait": "Quelques lignes.",
        "revision": revision,
        "photo": SimpleUploadedFile(name, content),
    }
    return save_json(client, atelier, "intervenant", intervenant.pk, posted)


def photos_stored():
    folder = settings.MEDIA_ROOT / "intervenants"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_photo_upload_stores_a_png_served_to_writers_only(
    writer, atelier, intervenant, django_capture_on_commit_callbacks
):
    transparent = image(mode="RGBA", colour=(0, 0, 145, 0))
    response = upload(writer, atelier, intervenant, transparent, name="portrait.php")
    assert response.status_code == 200
    intervenant.refresh_from_db()
    assert re.fullmatch(r"intervenants/photo-[a-z0-9]{12}\.png", intervenant.photo.name)
    assert intervenant.portrait == "<p>Quelques lignes.</p>"
    photo_url = reverse("ateliers:studio_photo", args=[atelier.pk, intervenant.pk])
    assert response.json()["photo_url"].startswith(photo_url)
    served = writer.get(photo_url)
    with Image.open(io.BytesIO(b"".join(served.streaming_content))) as photo:
        assert (photo.format, photo.mode, photo.size) == ("PNG", "RGBA", (64, 64))  # transparency kept
    # A new photo replaces the previous one, whose file goes once the row is saved.
    with django_capture_on_commit_callbacks(execute=True):
        again = upload(writer, atelier, intervenant, image(fmt="JPEG"), name="b.jpg", revision=1)
    assert again.status_code == 200
    assert len(photos_stored()) == 1
    assert photos_stored()[0].endswith(".jpg")
    log_in(writer, UserFactory())
    assert writer.get(photo_url).status_code == 404


def test_photo_upload_stored_reduced_upright_and_without_metadata(writer, atelier, intervenant):
    exif = Image.Exif()
    exif[0x010F] = "Appareil de la directrice"  # Make
    exif[0x8825] = {2: (48.0, 51.0, 0.0)}  # GPS: where the photo was taken
    big = image(size=(3000, 2000), colour="#000091", exif=exif)
    assert upload(writer, atelier, intervenant, big).status_code == 200
    assert stored_photo(intervenant) == ("JPEG", (800, 533), {})  # an opaque PNG becomes a JPEG
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was held upright
    tall = image(size=(3000, 2000), fmt="JPEG", colour="#e1000f", exif=exif)
    assert upload(writer, atelier, intervenant, tall, name="b.jpg", revision=1).status_code == 200
    assert stored_photo(intervenant) == ("JPEG", (533, 800), {})


def test_photo_upload_whose_pixels_do_not_decode_refused(writer, atelier, intervenant, monkeypatch):
    # As in a web process that imported WeasyPrint, which lets Pillow load truncated images process-wide:
    # the upload's checks turn that off while they decode.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    pixels = random.Random(9).randbytes(256 * 256 * 3)  # noqa: S311 - noise for a test image
    noise = Image.frombytes("RGB", (256, 256), pixels)
    buffer = io.BytesIO()
    noise.save(buffer, format="JPEG")
    truncated = buffer.getvalue()[: buffer.tell() // 2]  # its header says 256 × 256: it passes the checks
    response = upload(writer, atelier, intervenant, truncated, name="coupee.jpg")
    assert response.status_code == 400
    assert "n'est pas une photo JPEG ou PNG lisible" in response.json()["errors"]["photo"][0]
    assert photos_stored() == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7 not an image", "n'est pas une photo JPEG ou PNG lisible"),
        (image(fmt="GIF"), "n'est pas une photo JPEG ou PNG lisible"),
        (png_header(20_000, 20_000), "beaucoup trop grande"),
        (image(size=(7000, 10), mode="1"), "mesure 7 000 × 10 pixels"),
        (png_header(64, 64) + b"\0" * (8 * 1024 * 1024), "8 Mo au plus"),
        (image()[:60], "n'est pas une photo JPEG ou PNG lisible"),
    ],
    ids=["not-an-image", "gif", "20000-pixels", "too-wide", "too-heavy", "truncated"],
)
def test_photo_upload_refused_with_nothing_stored(writer, atelier, intervenant, content, message):
    response = upload(writer, atelier, intervenant, content)
    assert response.status_code == 400
    assert message in response.json()["errors"]["photo"][0]
    intervenant.refresh_from_db()
    assert (intervenant.photo.name, intervenant.revision) == ("", 0)
    assert photos_stored() == []


def test_speaker_also_in_another_workshop_written_by_staff_only(client, atelier, rapporteur, staff):
    other = make_booklet_atelier(participants=1, organisations=1, prefix="Autre ministère")
    sequence = part(atelier, "debat")
    shared = sequence.intervenants.get()
    other.sequences.first().intervenants.add(shared)
    own = Intervenant.objects.create(first_name="Alex", last_name="Seul", role="Chef de bureau")
    sequence.intervenants.add(own)
    url = reverse("ateliers:livret_sequence", args=[atelier.pk, sequence.pk])
    note = (
        "Cet intervenant intervient aussi dans un autre atelier : l&#x27;équipe d&#x27;animation met à jour "
        "son portrait."
    )
    log_in(client, rapporteur)
    page = client.get(url).content.decode()
    assert page.count(note) == 1
    assert f'id="bloc-intervenant-{shared.pk}"' in page  # shown, read-only
    assert f'id="bloc-intervenant-{shared.pk}-form"' not in page
    assert f'id="bloc-intervenant-{own.pk}-form"' in page
    values = {"portrait": "Réécrit par un rapporteur.", "revision": 0}
    response = save_json(client, atelier, "intervenant", shared.pk, values)
    assert response.status_code == 403
    with pytest.raises(StudioPermissionError):
        studio.save_block(atelier, "intervenant", shared.pk, values, revision=0, by=rapporteur)
    shared.refresh_from_db()
    assert (shared.portrait, shared.revision) == ("", 0)
    assert save_json(client, atelier, "intervenant", own.pk, values).status_code == 200
    log_in(client, staff)
    page = client.get(url).content.decode()
    assert note not in page
    assert f'id="bloc-intervenant-{shared.pk}-form"' in page
    assert save_json(client, atelier, "intervenant", shared.pk, values).status_code == 200
    shared.refresh_from_db()
    assert (shared.portrait, shared.revision) == ("<p>Réécrit par un rapporteur.</p>", 1)
