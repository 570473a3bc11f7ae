"""Headers of every response: nothing private kept in a cache, the Permissions-Policy, the CSP, and
X-Forwarded-* believed only from our proxies."""

import hashlib
import re

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ateliers import calendar
from ateliers.livret.models import Livret
from ateliers.livret.services import versions
from fabrique.core.enums import DocumentStatus
from tests.ateliers.factories import AtelierFactory, InscriptionFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% the booklet\n%%EOF\n"
LINK = re.compile(r"http://testserver(/livret/lien/[A-Za-z0-9_-]+/)")


def assert_not_stored(response):
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "no-cache", "private", "must-revalidate", "max-age=0"} <= directives
    assert "public" not in directives


@pytest.fixture
def published(staff, django_capture_on_commit_callbacks):
    """A workshop whose booklet is published, with a participant who has an account without a password
    (so publishing emailed them a signed link)."""
    atelier = AtelierFactory(lancement=True)
    participant = InscriptionFactory(atelier=atelier).user
    participant.set_unusable_password()
    participant.save(update_fields=["password"])
    livret = Livret(
        atelier=atelier,
        version=1,
        status=DocumentStatus.PRET,
        size=len(PDF),
        sha256=hashlib.sha256(PDF).hexdigest(),
        pages=1,
        rendered_at=timezone.now(),
    )
    livret.file.save(f"livret-atelier-{atelier.pk}-v1.pdf", ContentFile(PDF), save=False)
    livret.save()
    with django_capture_on_commit_callbacks(execute=True):
        versions.publish(livret, by=staff)
    return atelier, participant


def test_headers_signed_in_page_not_stored(client, lead):
    client.force_login(lead)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert_not_stored(response)


def test_headers_public_page_not_stored_by_default(client):
    assert_not_stored(client.get(reverse("account_login")))


def test_headers_exports_not_stored(client, staff):
    client.force_login(staff)
    atelier = AtelierFactory()
    for url in (reverse("ateliers:export", args=[atelier.pk, "csv"]), reverse("immersions:indicateurs_csv")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Disposition"].startswith("attachment")
        assert_not_stored(response)


def test_headers_booklet_download_not_stored(client, staff, published):
    atelier, _participant = published
    client.force_login(staff)
    response = client.get(reverse("ateliers:livret_pdf", args=[atelier.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert_not_stored(response)


def test_headers_signed_link_downloads_not_stored(published):
    """Without an account: the booklet's single-use link (emailed at publication) and the calendar feed."""
    _atelier, participant = published
    [path] = {m.group(1) for message in mail.outbox if (m := LINK.search(message.body))}
    anonymous = Client()
    download = anonymous.post(path)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment")
    assert_not_stored(download)
    feed = anonymous.get(reverse("ateliers:programme_ics"), {"jeton": calendar.feed_token(participant)})
    assert feed.status_code == 200
    assert feed["Content-Disposition"].startswith("inline")
    assert_not_stored(feed)


def test_headers_admin_pages_and_export_not_stored(admin_client):
    assert_not_stored(admin_client.get(reverse("admin:index")))
    response = admin_client.post(
        reverse("admin:accompagnement_user_export"),
        {"format": "0", "resource": "0", "memberresource_email": "on", "memberresource_nom": "on"},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert_not_stored(response)


def test_headers_permissions_policy_denies_unused_features(client):
    policy = client.get(reverse("account_login"))["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "display-capture"):
        assert f"{feature}=()" in policy


def test_headers_csp_content(client):
    csp = client.get(reverse("account_login"))["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"][0] == "'self'"
    assert all(source.startswith("'nonce-") for source in directives["script-src"][1:])
    assert directives["style-src"] == ["'self'", "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp


def test_headers_booklet_preview_allows_only_its_inline_styles(client, staff, published):
    atelier, _participant = published
    client.force_login(staff)
    csp = client.get(reverse("ateliers:studio_apercu", args=[atelier.pk]))["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in csp
    assert "script-src 'none'" in csp


# --- X-Forwarded-* -----------------------------------------------------------------------------------


def test_headers_forwarded_proto_from_a_direct_client_is_ignored(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(reverse("account_login"), headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_headers_forwarded_proto_from_the_proxy_is_believed(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    response = client.get(
        reverse("account_login"), headers={"X-Forwarded-Proto": "https"}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 200


def test_headers_static_files_stay_cacheable(client):
    response = client.get("/static/fabrique/site.css")
    response.close()  # WhiteNoise streams the file
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
