"""The booklet's lifecycle: versions, idempotent rendering, publication, spreading, the stuck sweep."""

import datetime as dt
import hashlib
import io
from pathlib import Path

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from ateliers.enums import Annexe2, AtelierStatus, InscriptionStatus, Presence
from ateliers.livret.services import attestations, versions
from ateliers.livret.services import rendu as livret_service
from ateliers.livret.services.rendu import LivretError
from ateliers.models import (
    AtelierTransition,
    Attestation,
    ContenuSequence,
    Inscription,
    Intervenant,
    Livret,
    ReglagesLivret,
)
from ateliers.tasks import render_attestations, render_livret, send_due_reminders, sweep_stuck_livrets
from fabrique.celery import app as celery_app
from fabrique.core.enums import DocumentStatus
from tests.ateliers.factories import InscriptionFactory
from tests.ateliers.livret_factories import give_portrait, make_booklet_atelier

pytestmark = pytest.mark.django_db


@pytest.fixture
def atelier(db):
    return make_booklet_atelier(participants=12, organisations=3)


def read(file):
    with file.open("rb") as handle:
        return handle.read()


def generate(atelier, staff, capture):
    with capture(execute=True):
        livret = versions.request_version(atelier, by=staff)
        assert Livret.objects.get(pk=livret.pk).status == DocumentStatus.EN_ATTENTE  # nothing before commit
    livret.refresh_from_db()
    return livret


def test_livret_request_renders_after_commit(atelier, staff, django_capture_on_commit_callbacks):
    livret = generate(atelier, staff, django_capture_on_commit_callbacks)
    assert livret.status == DocumentStatus.PRET
    assert (livret.version, livret.attempts, livret.requested_by) == (1, 1, staff)
    content = read(livret.file)
    assert content.startswith(b"%PDF")
    assert livret.size == len(content)
    assert livret.sha256 == hashlib.sha256(content).hexdigest()
    assert livret.pages == len(PdfReader(io.BytesIO(content)).pages) >= 8
    assert livret.rendered_at is not None
    assert livret.content_digest == livret_service.content_digest(atelier)
    assert livret.file.name == f"livrets/atelier-{atelier.pk}/livret-atelier-{atelier.pk}-v1.pdf"


def test_livret_request_refused_to_non_staff(atelier, lead):
    with pytest.raises(LivretError):
        versions.request_version(atelier, by=lead)
    assert not Livret.objects.exists()


def test_livret_same_version_rendered_twice_yields_one_file(
    atelier, staff, django_capture_on_commit_callbacks
):
    livret = generate(atelier, staff, django_capture_on_commit_callbacks)
    folder = livret.file.storage.path(f"livrets/atelier-{atelier.pk}")
    sha = livret.sha256
    assert render_livret(livret_pk=livret.pk) == DocumentStatus.PRET  # a redelivered message: nothing to do
    # A worker killed after writing the file but before committing left the row "en cours".
    Livret.objects.filter(pk=livret.pk).update(status=DocumentStatus.EN_COURS)
    assert render_livret(livret_pk=livret.pk) == DocumentStatus.PRET
    livret.refresh_from_db()
    files = sorted(p.name for p in Path(folder).iterdir())
    assert files == [f"livret-atelier-{atelier.pk}-v1.pdf"]
    assert livret.attempts == 2
    assert livret.sha256 == hashlib.sha256(read(livret.file)).hexdigest()
    assert len(sha) == 64


def test_livret_render_of_a_deleted_version_does_nothing(atelier):
    assert render_livret(livret_pk=987654) is None


def test_livret_versions_are_numbered_and_kept(atelier, staff, django_capture_on_commit_callbacks):
    first = generate(atelier, staff, django_capture_on_commit_callbacks)
    second = generate(atelier, staff, django_capture_on_commit_callbacks)
    assert (first.version, second.version) == (1, 2)
    assert first.file.name != second.file.name
    assert first.file.storage.exists(first.file.name)


def test_livret_publish_needs_a_ready_version_and_a_held_workshop(
    atelier, staff, django_capture_on_commit_callbacks
):
    pending = Livret.objects.create(atelier=atelier, version=9)
    with pytest.raises(LivretError, match="prête"):
        versions.publish(pending, by=staff)
    livret = generate(atelier, staff, django_capture_on_commit_callbacks)
    type(atelier).objects.filter(pk=atelier.pk).update(status=AtelierStatus.INSCRIPTIONS_CLOSES)
    with pytest.raises(LivretError, match="Tenu"):
        versions.publish(livret, by=staff)
    type(atelier).objects.filter(pk=atelier.pk).update(status=AtelierStatus.TENU)
    with pytest.raises(LivretError):
        versions.publish(livret, by=InscriptionFactory(atelier=atelier).user)
    assert not Livret.objects.filter(published=True).exists()


def test_livret_publish_moves_the_workshop_tells_participants_and_renders_attestations(
    atelier, staff, django_capture_on_commit_callbacks
):
    waiting = InscriptionFactory(atelier=atelier, status=InscriptionStatus.LISTE_ATTENTE)
    livret = generate(atelier, staff, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        versions.publish(livret, by=staff)
    livret.refresh_from_db()
    atelier.refresh_from_db()
    assert livret.published
    assert livret.published_by == staff
    assert livret.published_at
    assert atelier.status == AtelierStatus.RESTITUTION_PUBLIEE
    transition = AtelierTransition.objects.get(atelier=atelier, to_status=AtelierStatus.RESTITUTION_PUBLIEE)
    assert transition.by == staff
    confirmed = Inscription.objects.filter(atelier=atelier, status=InscriptionStatus.INSCRIT)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(i.user.email for i in confirmed)
    assert waiting.user.email not in {m.to[0] for m in mail.outbox}
    message = mail.outbox[0]
    assert "Le livret de restitution est disponible" in message.subject
    assert reverse("ateliers:livret_pdf", args=[atelier.pk]) in message.body
    present = confirmed.filter(presence=Presence.PRESENT)
    assert Attestation.objects.filter(inscription__atelier=atelier).count() == present.count() > 0
    # Publishing again is a no-op.
    with django_capture_on_commit_callbacks(execute=True):
        versions.publish(livret, by=staff)
    assert len(mail.outbox) == confirmed.count()


def test_livret_content_change_after_publication_means_a_new_version(
    atelier, staff, django_capture_on_commit_callbacks
):
    first = generate(atelier, staff, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        versions.publish(first, by=staff)
        versions.spread(first, by=staff)
    first.refresh_from_db()
    first_bytes = read(first.file)
    contenu = ContenuSequence.objects.filter(sequence__atelier=atelier).first()
    contenu.texte += "<p>Un ajout après la publication.</p>"
    contenu.save()
    assert livret_service.content_digest(atelier) != first.content_digest
    second = generate(atelier, staff, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        versions.publish(second, by=staff)
    first.refresh_from_db()
    second.refresh_from_db()
    assert not first.published
    assert second.published
    assert second.diffuse_reseau  # spreading carries over to the new published version
    assert read(first.file) == first_bytes  # the old version is kept, untouched
    assert "Nouvelle version" in mail.outbox[0].subject
    assert versions.published_version(atelier.pk) == second


@pytest.mark.parametrize("change", ["portrait", "photo", "annexe2", "separateur", "quatrieme"])
def test_livret_portrait_or_back_matter_change_means_a_new_version(atelier, change):
    before = livret_service.content_digest(atelier)
    speaker = Intervenant.objects.filter(sequences__atelier=atelier).first()
    if change == "portrait":
        speaker.portrait = "<p>Quelques lignes.</p>"
        speaker.save()
    elif change == "photo":
        give_portrait(speaker, lines="")
    else:
        ReglagesLivret.objects.create(
            atelier=atelier,
            annexe2=Annexe2.AUCUNE if change == "annexe2" else Annexe2.CHARTE,
            page_annexes=change == "separateur",
            quatrieme_couverture="<p>Merci.</p>" if change == "quatrieme" else "",
        )
    assert livret_service.content_digest(atelier) != before


def test_livret_spread_needs_the_published_version(atelier, staff, django_capture_on_commit_callbacks):
    livret = generate(atelier, staff, django_capture_on_commit_callbacks)
    with pytest.raises(LivretError):
        versions.spread(livret, by=staff)
    with django_capture_on_commit_callbacks(execute=True):
        versions.publish(livret, by=staff)
    livret = versions.spread(livret, by=staff)
    assert livret.diffuse_reseau
    assert livret.diffuse_at


def test_livret_unexpected_error_fails_the_version_with_a_reason(atelier, staff, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("police introuvable")

    monkeypatch.setattr(livret_service, "render_html_to_pdf", broken)
    livret = Livret.objects.create(atelier=atelier, version=1, requested_by=staff)
    assert render_livret(livret_pk=livret.pk) == DocumentStatus.ECHEC
    livret.refresh_from_db()
    assert livret.error == "Erreur inattendue pendant le rendu (RuntimeError) : police introuvable"
    assert not livret.file
    # A failed version is not rendered again: staff generate a new one.
    monkeypatch.undo()
    assert render_livret(livret_pk=livret.pk) == DocumentStatus.ECHEC


def test_livret_render_over_its_soft_time_limit_fails_with_the_reason(atelier, staff, monkeypatch):
    def too_long(*args, **kwargs):
        raise SoftTimeLimitExceeded

    monkeypatch.setattr(versions, "render_document", too_long)
    livret = Livret.objects.create(atelier=atelier, version=1, requested_by=staff)
    assert render_livret(livret_pk=livret.pk) == DocumentStatus.ECHEC
    livret.refresh_from_db()
    assert livret.status == DocumentStatus.ECHEC
    assert livret.error == (
        f"Le rendu a dépassé la limite de temps ({settings.LIVRET_SOFT_TIME_LIMIT} s) : "
        "allégez le contenu puis réessayez."
    )
    assert not livret.file


@pytest.mark.parametrize("task", [render_livret, render_attestations], ids=lambda task: task.name)
def test_livret_render_tasks_survive_a_dead_worker_within_time_limits(task):
    # Acknowledged once done, so a killed worker's message is delivered again; bounded in time.
    assert task.acks_late is True
    assert task.reject_on_worker_lost is True
    assert task.soft_time_limit == settings.LIVRET_SOFT_TIME_LIMIT
    assert task.time_limit == settings.LIVRET_TIME_LIMIT
    assert settings.LIVRET_SOFT_TIME_LIMIT < settings.LIVRET_TIME_LIMIT < settings.LIVRET_STUCK_AFTER_SECONDS


@pytest.mark.parametrize(
    ("entry", "task", "every"),
    [
        ("ateliers-sweep-stuck-livrets", sweep_stuck_livrets, 5 * 60),
        ("ateliers-send-due-reminders", send_due_reminders, 60 * 60),
    ],
)
def test_beat_schedules_the_sweep_and_the_reminders(entry, task, every):
    schedule = celery_app.conf.beat_schedule[entry]
    assert schedule["task"] == task.name
    assert celery_app.tasks[schedule["task"]] is task._get_current_object()  # registered under that name
    assert schedule["schedule"] == every


def test_livret_sweep_requeues_then_fails_stuck_versions(atelier, django_capture_on_commit_callbacks):
    long_ago = timezone.now() - dt.timedelta(hours=1)
    stuck = Livret.objects.create(
        atelier=atelier, version=1, status=DocumentStatus.EN_COURS, started_at=long_ago, attempts=1
    )
    exhausted = Livret.objects.create(
        atelier=atelier, version=2, status=DocumentStatus.EN_COURS, started_at=long_ago, attempts=3
    )
    running = Livret.objects.create(
        atelier=atelier, version=3, status=DocumentStatus.EN_COURS, started_at=timezone.now(), attempts=1
    )
    lost = Livret.objects.create(atelier=atelier, version=4, queued_at=long_ago)
    Livret.objects.filter(pk=lost.pk).update(requested_at=timezone.now() - dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        result = sweep_stuck_livrets(older_than_seconds=600)
    assert result["requeued"] == [stuck.pk]
    assert sorted(result["failed"]) == sorted([exhausted.pk, lost.pk])
    for livret in (stuck, exhausted, running, lost):
        livret.refresh_from_db()
    assert stuck.status == DocumentStatus.PRET
    assert stuck.attempts == 2
    assert exhausted.status == DocumentStatus.ECHEC
    assert "après 3 tentative(s)" in exhausted.error
    assert lost.status == DocumentStatus.ECHEC
    assert running.status == DocumentStatus.EN_COURS  # still within its time: left alone


def test_livret_attestation_for_present_participants_only(atelier):
    present = Inscription.objects.filter(atelier=atelier, presence=Presence.PRESENT).first()
    absent = Inscription.objects.filter(atelier=atelier, presence=Presence.ABSENT).first()
    attestation = attestations.render_attestation(present)
    assert attestations.render_attestation(present).pk == attestation.pk  # idempotent
    reader = PdfReader(io.BytesIO(read(attestation.file)))
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Attestation de participation" in text
    assert present.user.last_name.upper() in text
    assert "Structurer une offre d'accompagnement personnalisé" in text
    assert len(reader.pages) == 1
    with pytest.raises(LivretError):
        attestations.render_attestation(absent)


def test_livret_redelivered_too_often_fails_instead_of_looping(atelier):
    # Each earlier attempt was killed (worker lost, hard time limit) and the message came back.
    livret = Livret.objects.create(atelier=atelier, version=1, status=DocumentStatus.EN_COURS, attempts=3)
    assert render_livret(livret_pk=livret.pk) == DocumentStatus.ECHEC
    livret.refresh_from_db()
    assert livret.error.startswith("Le rendu a été interrompu 3 fois")
    assert livret.attempts == 3
