"""The booklet through real Celery workers and Redis: a worker killed mid-render, hostile content in a row.

The kill test runs real worker PROCESSES (`celery -A fabrique worker`) against the test database, so it
needs PostgreSQL (the in-memory SQLite test database is not shared between processes) and Redis.
"""

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from pypdf import PdfReader

from ateliers.livret.services import versions
from ateliers.models import ContenuSequence, Intervenant, Livret
from fabrique.celery import app
from fabrique.core.enums import DocumentStatus
from tests.ateliers.livret_factories import give_portrait, images_drawn, make_booklet_atelier

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

CELERY = Path(sys.executable).with_name("celery")
VISIBILITY_TIMEOUT = 3


def database_url():
    """The test database's URL, for worker processes (the test requests the `postgresql` fixture)."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(name, queue, redis_url, media_root, log_dir):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fabrique.settings.test",
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "CELERY_QUEUE": queue,
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "TEST_MEDIA_ROOT": str(media_root),
    }
    log = (log_dir / f"{name}.log").open("w")
    process = subprocess.Popen(
        [
            str(CELERY),
            "-A",
            "fabrique",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--hostname",
            f"{name}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
        ],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    return process


def wait_for(predicate, timeout, message):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    pytest.fail(message)


@pytest.fixture
def queue(redis_url, settings):
    """Tasks sent by this test go, through Redis, to the queue its worker processes consume."""
    name = f"livret-test-{os.getpid()}-{time.monotonic_ns()}"
    previous = {
        "task_always_eager": app.conf.task_always_eager,
        "task_default_queue": app.conf.task_default_queue,
    }
    app.conf.update(task_always_eager=False, task_default_queue=name)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    yield name
    app.conf.update(**previous)


def status_of(livret):
    return Livret.objects.filter(pk=livret.pk).values_list("status", flat=True).get()


@pytest.mark.usefixtures("postgresql")
def test_livret_worker_killed_mid_render_still_ends_ready_with_one_file(
    queue, redis_url, staff, settings, tmp_path
):
    # A booklet big enough for the render to take a few seconds.
    atelier = make_booklet_atelier(participants=400, organisations=40, paragraphs=12)
    first = start_worker("livret-a", queue, redis_url, settings.MEDIA_ROOT, tmp_path)
    second = None
    try:
        livret = versions.request_version(atelier, by=staff)  # the staff action, enqueued on commit
        wait_for(lambda: status_of(livret) == DocumentStatus.EN_COURS, 90, "the first worker never started")
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        assert first.returncode == -signal.SIGKILL
        livret.refresh_from_db()
        assert livret.status == DocumentStatus.EN_COURS  # killed mid-render: nothing saved
        assert not livret.file
        # Redis hands the unacknowledged message back after the visibility timeout to the next worker.
        time.sleep(VISIBILITY_TIMEOUT + 1)
        second = start_worker("livret-b", queue, redis_url, settings.MEDIA_ROOT, tmp_path)
        wait_for(lambda: status_of(livret) == DocumentStatus.PRET, 120, "the second worker did not finish")
        livret.refresh_from_db()
        assert livret.attempts == 2
        folder = Path(settings.MEDIA_ROOT) / f"livrets/atelier-{atelier.pk}"
        assert [p.name for p in folder.iterdir()] == [f"livret-atelier-{atelier.pk}-v1.pdf"]
        with livret.file.open("rb") as handle:
            content = handle.read()
        assert content.startswith(b"%PDF")
        assert len(content) == livret.size
        # The sweep finds nothing left to do; running the same version again changes nothing.
        assert versions.sweep_stuck(older_than=versions.STUCK_AFTER).requeued == []
        app.tasks["ateliers.render_livret"].delay(livret_pk=livret.pk)
        # The solo worker takes messages in order: once a version asked for afterwards is ready, the
        # duplicate has been handled.
        later = versions.request_version(atelier, by=staff)
        wait_for(lambda: status_of(later) == DocumentStatus.PRET, 120, "the second worker stopped working")
        livret.refresh_from_db()
        assert livret.attempts == 2
        assert livret.status == DocumentStatus.PRET
        assert sorted(p.name for p in folder.iterdir()) == [
            f"livret-atelier-{atelier.pk}-v1.pdf",
            f"livret-atelier-{atelier.pk}-v2.pdf",
        ]
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(20)


def test_livret_worker_keeps_working_after_hostile_content(celery_worker, staff):
    atelier = make_booklet_atelier(participants=5, organisations=2)
    contenu = ContenuSequence.objects.filter(sequence__atelier=atelier).first()
    rendered = []
    for texte in (
        '<img src="file:///etc/passwd"><a rel="attachment" href="file:///etc/passwd">x</a>',
        "<ul><li>niveau" * 200 + "</li></ul>" * 200,
        "<p>" + "texte " * 175_000 + "</p>",
        "<p>Un compte rendu ordinaire.</p>",
    ):
        ContenuSequence.objects.filter(pk=contenu.pk).update(texte=texte)
        livret = versions.request_version(atelier, by=staff)
        wait_for(
            lambda livret=livret: status_of(livret) in {DocumentStatus.PRET, DocumentStatus.ECHEC},
            60,
            "the worker stopped working",
        )
        rendered.append(Livret.objects.get(pk=livret.pk))
    assert [v.status for v in rendered] == [
        DocumentStatus.PRET,
        DocumentStatus.ECHEC,
        DocumentStatus.ECHEC,
        DocumentStatus.PRET,
    ]
    assert "listes imbriquées" in rendered[1].error
    assert "trop volumineux" in rendered[2].error


@pytest.mark.usefixtures("postgresql")
def test_livret_worker_embeds_the_speakers_photos(celery_worker, staff):
    atelier = make_booklet_atelier(participants=3, organisations=1)
    give_portrait(Intervenant.objects.filter(sequences__atelier=atelier).first())
    livret = versions.request_version(atelier, by=staff)
    wait_for(lambda: status_of(livret) == DocumentStatus.PRET, 60, "the worker did not render the booklet")
    livret.refresh_from_db()
    with livret.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    assert len(images_drawn(reader)) == 1  # read through the storage by the worker, drawn once
