"""Participants who cannot log in get the booklet through a signed, single-use, expiring link."""

import datetime as dt
import hashlib
import re
import threading

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from ateliers.enums import Presence
from ateliers.livret.services import liens, versions
from ateliers.models import LienLivret, Livret
from fabrique.core.enums import DocumentStatus
from tests.ateliers.factories import AtelierFactory, InscriptionFactory
from tests.concurrency import run_in_threads

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/livret/lien/[A-Za-z0-9_-]+/)")
INVITATION = re.compile(r"http://testserver(/invitation/[^\s\"]+)")
PDF_V1 = b"%PDF-1.7\n% version 1 of the booklet\n%%EOF\n"
PDF_V2 = b"%PDF-1.7\n% version 2 of the booklet\n%%EOF\n"
FILENAME = "livret-restitution-2023-04-13-structurer-une-offre-daccompagnement-personnalise.pdf"


def ready_version(atelier, content):
    """A rendered version of the booklet (the renderer is tested elsewhere: these bytes stand for it)."""
    version = atelier.livrets.count() + 1
    livret = Livret(
        atelier=atelier,
        version=version,
        status=DocumentStatus.PRET,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        pages=14,
        rendered_at=timezone.now(),
    )
    livret.file.save(f"livret-atelier-{atelier.pk}-v{version}.pdf", ContentFile(content), save=False)
    livret.save()
    return livret


def publish(livret, staff, capture):
    with capture(execute=True):
        versions.publish(livret, by=staff)
    livret.refresh_from_db()
    return livret


def without_password(inscription):
    inscription.user.set_unusable_password()
    inscription.user.save(update_fields=["password"])
    return inscription


@pytest.fixture
def atelier(db):
    return AtelierFactory(lancement=True)


@pytest.fixture
def imported(atelier):
    """A participant imported from the attendance list: an account without a password."""
    return without_password(InscriptionFactory(atelier=atelier, presence=Presence.ABSENT))


@pytest.fixture
def member(atelier):
    """A participant who chose a password long ago."""
    return InscriptionFactory(atelier=atelier, presence=Presence.ABSENT)


def email_to(user):
    [message] = [m for m in mail.outbox if m.to == [user.email]]
    return message


def html_of(message):
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def link_path(message):
    [path] = set(LINK.findall(message.body))
    assert f'href="http://testserver{path}"' in html_of(message)
    return path


def test_publish_emails_a_link_to_participants_without_password(
    atelier, imported, member, staff, django_capture_on_commit_callbacks
):
    publish(ready_version(atelier, PDF_V1), staff, django_capture_on_commit_callbacks)
    lien = LienLivret.objects.get()
    assert lien.inscription == imported
    message = email_to(imported.user)
    assert message.subject == (
        "Votre livret de restitution à télécharger — Structurer une offre d'accompagnement personnalisé"
    )
    for text in (message.body, html_of(message)):
        assert "connect" not in text.lower()  # nobody is told to log in to an account without password
        assert "jeudi 13 avril 2023" in text
        assert f"expire le {date_format(timezone.localtime(lien.expires_at), 'j F Y')}" in text
        assert "valable 7 jours et une seule fois" in text
    assert reverse("ateliers:livret_pdf", args=[atelier.pk]) not in message.body
    [invitation] = INVITATION.findall(message.body)
    activation = Client().get(invitation, follow=True)  # the invitation works: the password form
    assert "Choisissez le mot de passe de votre compte" in activation.content.decode()
    assert hashlib.sha256(link_path(message).split("/")[-2].encode()).hexdigest() == lien.token_hash
    # The participant with a password gets the usual email, and no link.
    usual = email_to(member.user)
    assert usual.subject == "Le livret de restitution est disponible — " + atelier.title
    assert "http://testserver" + reverse("ateliers:livret_pdf", args=[atelier.pk]) in usual.body
    assert not LINK.search(usual.body)
    assert len(mail.outbox) == 2


def test_publish_sends_the_emails_only_after_commit(
    atelier, imported, member, staff, django_capture_on_commit_callbacks
):
    livret = ready_version(atelier, PDF_V1)
    with django_capture_on_commit_callbacks() as callbacks:
        versions.publish(livret, by=staff)
        assert mail.outbox == []
    assert mail.outbox == []
    assert LienLivret.objects.count() == 1
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([imported.user.email, member.user.email])


def test_link_from_the_email_downloads_once_then_shows_a_clear_page(
    atelier, imported, staff, django_capture_on_commit_callbacks
):
    publish(ready_version(atelier, PDF_V1), staff, django_capture_on_commit_callbacks)
    path = link_path(email_to(imported.user))
    browser = Client(enforce_csrf_checks=True)  # anonymous, with the CSRF check a browser meets
    page = browser.get(path)
    assert page.status_code == 200
    content = page.content.decode()
    assert "Atelier n° " in content
    assert "Structurer une offre d&#x27;accompagnement personnalisé" in content
    assert "13 avril 2023" in content
    assert "Télécharger le livret (PDF)" in content
    assert "no-store" in page["Cache-Control"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1)
    download = browser.post(path, {"csrfmiddlewaretoken": token})
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == f'attachment; filename="{FILENAME}"'
    assert b"".join(download.streaming_content) == PDF_V1
    assert LienLivret.objects.get().used_at is not None
    again = browser.post(path, {"csrfmiddlewaretoken": token})
    assert again.status_code == 410
    assert "Ce lien a déjà servi" in again.content.decode()
    assert "Activez votre compte avec le lien d'invitation" in again.content.decode()
    assert browser.get(path).status_code == 410


def test_link_get_does_not_spend_it(client, atelier, imported, staff, django_capture_on_commit_callbacks):
    publish(ready_version(atelier, PDF_V1), staff, django_capture_on_commit_callbacks)
    path = link_path(email_to(imported.user))
    for _ in range(3):  # a mail scanner, a preview, the participant
        assert client.get(path).status_code == 200
    assert LienLivret.objects.get().used_at is None
    assert b"".join(client.post(path).streaming_content) == PDF_V1


def test_link_expired_shows_a_clear_page(
    client, atelier, imported, staff, django_capture_on_commit_callbacks
):
    publish(ready_version(atelier, PDF_V1), staff, django_capture_on_commit_callbacks)
    path = link_path(email_to(imported.user))
    LienLivret.objects.update(expires_at=dt.datetime(2023, 5, 13, 12, 0, tzinfo=dt.UTC))
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 410
        assert response["Content-Type"].startswith("text/html")
        assert "Ce lien a expiré le 13 mai 2023." in response.content.decode()
    assert LienLivret.objects.get().used_at is None


def test_link_unknown_token_is_not_found(
    client, atelier, imported, staff, django_capture_on_commit_callbacks
):
    publish(ready_version(atelier, PDF_V1), staff, django_capture_on_commit_callbacks)
    for token in ("a" * 43, "x" * 200):
        path = reverse("ateliers:lien_livret", args=[token])
        for response in (client.get(path), client.post(path)):
            assert response.status_code == 404
            assert "Ce lien n&#x27;est pas valide" in response.content.decode()
    assert LienLivret.objects.get().used_at is None


def test_link_downloads_only_its_own_booklet(
    client, atelier, imported, staff, django_capture_on_commit_callbacks
):
    other = AtelierFactory(tenu=True, title="Organiser les immersions")
    elsewhere = without_password(InscriptionFactory(atelier=other, user=imported.user))
    publish(ready_version(atelier, PDF_V1), staff, django_capture_on_commit_callbacks)
    publish(ready_version(other, PDF_V2), staff, django_capture_on_commit_callbacks)
    paths = {m.subject.split(" — ")[1]: link_path(m) for m in mail.outbox}
    assert LienLivret.objects.filter(inscription=elsewhere).count() == 1
    assert b"".join(client.post(paths[atelier.title]).streaming_content) == PDF_V1
    second = client.post(paths["Organiser les immersions"])
    assert "organiser-les-immersions.pdf" in second["Content-Disposition"]
    assert b"".join(second.streaming_content) == PDF_V2


def test_link_of_a_replaced_version_refused_and_the_new_link_serves_the_new_one(
    client, atelier, imported, staff, django_capture_on_commit_callbacks
):
    publish(ready_version(atelier, PDF_V1), staff, django_capture_on_commit_callbacks)
    old = link_path(email_to(imported.user))
    mail.outbox.clear()
    publish(ready_version(atelier, PDF_V2), staff, django_capture_on_commit_callbacks)
    message = email_to(imported.user)
    assert message.subject.startswith("Nouvelle version du livret de restitution")
    assert "le lien reçu pour l'ancienne version ne sert plus" in message.body
    new = link_path(message)
    assert new != old
    refused = client.post(old)
    assert refused.status_code == 410
    assert "Une nouvelle version du livret a été publiée" in refused.content.decode()
    assert b"".join(client.post(new).streaming_content) == PDF_V2


def test_link_when_the_booklet_is_no_longer_published(
    client, atelier, imported, staff, django_capture_on_commit_callbacks
):
    livret = publish(ready_version(atelier, PDF_V1), staff, django_capture_on_commit_callbacks)
    path = link_path(email_to(imported.user))
    Livret.objects.filter(pk=livret.pk).update(published=False)
    response = client.post(path)
    assert response.status_code == 410
    assert "Ce livret n&#x27;est plus publié" in response.content.decode()
    assert LienLivret.objects.get().used_at is None


def test_link_when_the_booklet_file_is_missing_shows_a_page_and_stays_unspent(
    client, atelier, imported, staff, django_capture_on_commit_callbacks
):
    livret = publish(ready_version(atelier, PDF_V1), staff, django_capture_on_commit_callbacks)
    path = link_path(email_to(imported.user))
    content = livret.file.read()
    livret.file.close()
    livret.file.storage.delete(livret.file.name)
    response = client.post(path)
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert "Le fichier du livret est momentanément introuvable. Votre lien n&#x27;a pas servi" in (
        response.content.decode()
    )
    assert LienLivret.objects.get().used_at is None
    # The file back, the same link serves once.
    livret.file.storage.save(livret.file.name, ContentFile(content))
    assert b"".join(client.post(path).streaming_content) == PDF_V1
    assert LienLivret.objects.get().used_at is not None


def test_publish_gives_a_deactivated_participant_a_link_without_invitation(
    atelier, member, staff, django_capture_on_commit_callbacks
):
    member.user.is_active = False
    member.user.save(update_fields=["is_active"])
    publish(ready_version(atelier, PDF_V1), staff, django_capture_on_commit_callbacks)
    message = email_to(member.user)
    assert LINK.search(message.body)
    assert not INVITATION.search(message.body)
    assert "Activez aussi votre compte" not in message.body
    assert "connect" not in message.body.lower()


def test_publish_invites_a_present_participant_to_their_attendance_certificate(
    atelier, staff, django_capture_on_commit_callbacks
):
    present = without_password(InscriptionFactory(atelier=atelier, presence=Presence.PRESENT))
    publish(ready_version(atelier, PDF_V1), staff, django_capture_on_commit_callbacks)
    assert "votre attestation de participation" in email_to(present.user).body


def test_create_link_stores_only_the_tokens_hash_and_expires_after_the_setting(imported, settings):
    settings.LIVRET_LINK_DAYS = 3
    now = timezone.now()
    issued = liens.create_link(imported, now=now)
    assert len(issued.token) >= 43  # 32 random bytes, URL-safe base64
    lien = LienLivret.objects.get()
    assert lien.token_hash == hashlib.sha256(issued.token.encode()).hexdigest() != issued.token
    assert lien.expires_at == now + dt.timedelta(days=3)
    assert issued.url == "http://testserver" + reverse("ateliers:lien_livret", args=[issued.token])


@pytest.mark.django_db(transaction=True)
def test_consume_twice_at_once_downloads_once(postgresql, atelier, imported, staff):
    livret = ready_version(atelier, PDF_V1)
    versions.publish(livret, by=staff, notify=False)
    token = liens.create_link(imported).token
    barrier, outcomes = threading.Barrier(2), []

    def download():
        try:
            barrier.wait()
            outcomes.append(liens.consume(token)[1].pk)
        except liens.LinkRefusedError as refusal:
            outcomes.append(refusal.reason)
        finally:
            connection.close()

    run_in_threads(download, [(), ()])
    assert sorted(outcomes, key=str) == sorted([livret.pk, liens.Refusal.UTILISE], key=str)


def test_link_email_of_a_new_version_mentions_an_old_link_only_to_who_received_one(
    atelier, imported, staff, django_capture_on_commit_callbacks
):
    publish(ready_version(atelier, PDF_V1), staff, django_capture_on_commit_callbacks)
    newcomer = without_password(InscriptionFactory(atelier=atelier, presence=Presence.ABSENT))
    mail.outbox.clear()
    publish(ready_version(atelier, PDF_V2), staff, django_capture_on_commit_callbacks)
    assert "le lien reçu pour l'ancienne version ne sert plus" in email_to(imported.user).body
    first = email_to(newcomer.user)
    assert "ancienne version" not in first.body
    assert "Le livret de restitution de cet atelier est publié." in first.body
