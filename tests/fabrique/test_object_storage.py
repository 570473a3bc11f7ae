"""Files on object storage: a local S3-compatible server (moto, started here) behind django-storages'
S3Storage, as production configures it. Generated PDFs and uploaded photos land in the bucket, never under
MEDIA_ROOT, and are only ever downloaded through the views that check permissions."""

import io
import json
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader
from storages.backends.s3 import S3Storage

from ateliers.enums import InscriptionStatus
from ateliers.livret.services import versions
from ateliers.models import Inscription, Intervenant, Rapporteur
from fabrique.core.enums import DocumentStatus
from immersions.models import Document
from tests import object_storage
from tests.accompagnement.factories import AdhesionFactory, OrganisationFactory, UserFactory
from tests.ateliers.conftest import log_in, save_json
from tests.ateliers.livret_factories import make_booklet_atelier
from tests.immersions.factories import ImmersionFactory
from tests.manage_command import PRODUCTION, run_manage
from tests.object_storage import bucket_keys, object_bytes, s3_options

s3_endpoint = object_storage.s3_endpoint  # the module-scoped server, a fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def prefix(s3_endpoint, settings):
    """The default storage pointed at the bucket, under a prefix of its own; MEDIA_ROOT must stay empty."""
    location = f"essai-{uuid.uuid4().hex[:12]}"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": s3_options(s3_endpoint, location=location),
        },
    }
    yield f"{location}/"
    assert not settings.MEDIA_ROOT.exists() or not any(settings.MEDIA_ROOT.rglob("*"))


def _photo_png():
    buffer = io.BytesIO()
    Image.new("RGBA", (64, 64), (0, 0, 145, 0)).save(buffer, format="PNG")
    return buffer.getvalue()


def _body(response):
    return b"".join(response.streaming_content)  # the test client closes the response once read


def test_default_storage_is_the_bucket_with_private_objects(prefix, s3_endpoint):
    assert isinstance(storages["default"], S3Storage)
    name = default_storage.save("essai/bonjour.txt", ContentFile(b"bonjour"))
    assert bucket_keys(s3_endpoint, prefix) == [prefix + name]
    # No public URL: the storage only hands out signed ones, valid for a minute.
    assert "X-Amz-Expires=60" in default_storage.url(name)
    # Same name again: a new object, never an overwrite (file_overwrite=False).
    assert default_storage.save("essai/bonjour.txt", ContentFile(b"encore")) != name


def test_booklet_photo_and_version_on_object_storage_downloaded_through_the_views(
    client, prefix, s3_endpoint, staff, django_capture_on_commit_callbacks
):
    atelier = make_booklet_atelier(participants=4, organisations=2)
    rapporteur = UserFactory()
    Rapporteur.objects.create(atelier=atelier, user=rapporteur, named_by=staff)
    intervenant = Intervenant.objects.filter(sequences__atelier=atelier).first()

    # A speaker's photo uploaded in the studio goes to the bucket; its preview is streamed by the view.
    log_in(client, rapporteur)
    posted = {
        "portrait": "Quelques lignes.",
        "revision": 0,
        "photo": SimpleUploadedFile("p.png", _photo_png()),
    }
    assert save_json(client, atelier, "intervenant", intervenant.pk, posted).status_code == 200
    intervenant.refresh_from_db()
    photo_key = prefix + intervenant.photo.name
    assert photo_key in bucket_keys(s3_endpoint, prefix)
    photo_url = reverse("ateliers:studio_photo", args=[atelier.pk, intervenant.pk])
    served = client.get(photo_url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["Cache-Control"].startswith("private, no-store")
    assert _body(served) == object_bytes(s3_endpoint, photo_key)
    log_in(client, UserFactory())
    assert client.get(photo_url).status_code == 404

    # A booklet version rendered by the task (in-process): its PDF is an object in the bucket.
    with django_capture_on_commit_callbacks(execute=True):
        livret = versions.request_version(atelier, by=staff)
    livret.refresh_from_db()
    assert livret.status == DocumentStatus.PRET, livret.error
    pdf_key = prefix + livret.file.name
    assert pdf_key in bucket_keys(s3_endpoint, prefix)
    stored = object_bytes(s3_endpoint, pdf_key)
    assert stored.startswith(b"%PDF")
    assert len(stored) == livret.size
    # The renderer read the speaker's photo from the bucket too.
    assert any(page.images for page in PdfReader(io.BytesIO(stored)).pages)

    # Staff download the ready version from the admin: the same bytes, streamed.
    client.force_login(staff)
    admin_url = reverse("admin:ateliers_livret_fichier", args=[livret.pk])
    response = client.get(admin_url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert _body(response) == stored

    # Published: a participant downloads it through the view; a member of nothing gets a 404.
    with django_capture_on_commit_callbacks(execute=True):
        versions.publish(livret, by=staff)
    participant = Inscription.objects.filter(atelier=atelier, status=InscriptionStatus.INSCRIT).first().user
    log_in(client, participant)
    response = client.get(reverse("ateliers:livret_pdf", args=[atelier.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="livret-restitution-')
    assert response["Cache-Control"].startswith("private, no-store")
    assert _body(response) == stored
    log_in(client, UserFactory())
    assert client.get(reverse("ateliers:livret_pdf", args=[atelier.pk])).status_code == 404
    assert client.get(admin_url).status_code in {302, 403, 404}


def test_immersion_synthesis_on_object_storage_downloaded_by_a_party_only(
    client, prefix, s3_endpoint, django_capture_on_commit_callbacks
):
    origin = OrganisationFactory(ministere=True, name="Ministère d'origine", acronym="MO")
    origin_service = OrganisationFactory(
        parent=origin, name="Direction des ressources humaines", acronym="DRH"
    )
    host = OrganisationFactory(ministere=True, name="Ministère d'accueil", acronym="MA")
    immersion = ImmersionFactory(origin=origin, origin_service=origin_service, host=host)
    lead = AdhesionFactory(organisation=origin_service).user
    outsider = AdhesionFactory(organisation=OrganisationFactory(ministere=True)).user

    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/immersions/{immersion.pk}/synthese/")
    document = Document.objects.get(immersion=immersion)
    assert document.status == DocumentStatus.PRET, document.error
    key = prefix + document.file.name
    assert bucket_keys(s3_endpoint, prefix) == [key]
    download = reverse("immersions:document_download", args=[document.pk])
    response = client.get(download)
    assert response.status_code == 200
    assert (
        response["Content-Disposition"] == f'attachment; filename="{immersion.reference}-{document.kind}.pdf"'
    )
    assert response["Cache-Control"].startswith("private, no-store")
    assert _body(response) == object_bytes(s3_endpoint, key)
    client.force_login(outsider)
    assert client.get(download).status_code == 404


# --- The settings, read from the environment at startup (manage.py in a subprocess) ----------------------

S3_ENV = {
    "OBJECT_STORAGE_BUCKET": "fabrique-medias",
    "OBJECT_STORAGE_ENDPOINT_URL": "https://s3.gra.io.cloud.ovh.net",
    "OBJECT_STORAGE_REGION": "gra",
    "OBJECT_STORAGE_ACCESS_KEY": "cle-d-acces",
    "OBJECT_STORAGE_SECRET_KEY": "cle-secrete",
}
SHOW_STORAGE = "import json; from django.conf import settings as s; print(json.dumps(s.STORAGES['default']))"


def _storage_settings(env):
    return run_manage(
        "shell", "-v", "0", "-c", SHOW_STORAGE, env={**PRODUCTION, **env}, drop_prefixes=("OBJECT_STORAGE_",)
    )


@pytest.mark.parametrize("backend", [None, "", "django.core.files.storage.FileSystemStorage"])
def test_storage_settings_disk_by_default(backend):
    result = _storage_settings({} if backend is None else {"FILE_STORAGE_BACKEND": backend})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


@pytest.mark.parametrize("backend", [None, "", "storages.backends.s3.S3Storage"])
def test_storage_settings_private_bucket_with_short_signatures(backend):
    env = S3_ENV if backend is None else {**S3_ENV, "FILE_STORAGE_BACKEND": backend}
    result = _storage_settings(env)
    assert result.returncode == 0, result.stderr
    default = json.loads(result.stdout)
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    options = default["OPTIONS"]
    assert (options["bucket_name"], options["endpoint_url"], options["region_name"]) == (
        "fabrique-medias",
        "https://s3.gra.io.cloud.ovh.net",
        "gra",
    )
    assert (options["access_key"], options["secret_key"]) == ("cle-d-acces", "cle-secrete")
    assert options["default_acl"] is None
    assert options["querystring_auth"] is True
    assert options["querystring_expire"] <= 60
    assert options["file_overwrite"] is False


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"OBJECT_STORAGE_BUCKET": "fabrique-medias"}, "OBJECT_STORAGE_ACCESS_KEY"),
        ({**S3_ENV, "OBJECT_STORAGE_SECRET_KEY": ""}, "OBJECT_STORAGE_SECRET_KEY"),
        ({"FILE_STORAGE_BACKEND": "storages.backends.s3.S3Storage"}, "OBJECT_STORAGE_BUCKET"),
        ({**S3_ENV, "OBJECT_STORAGE_ENDPOINT_URL": "minio:9000"}, "OBJECT_STORAGE_ENDPOINT_URL"),
        ({**S3_ENV, "OBJECT_STORAGE_ADDRESSING_STYLE": "chemin"}, "OBJECT_STORAGE_ADDRESSING_STYLE"),
        (
            {**S3_ENV, "FILE_STORAGE_BACKEND": "django.core.files.storage.FileSystemStorage"},
            "OBJECT_STORAGE_BUCKET",
        ),
    ],
)
def test_storage_settings_misconfigured_stop_the_start_naming_the_variable(env, variable):
    result = _storage_settings(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"La variable d'environnement {variable} " in result.stderr
