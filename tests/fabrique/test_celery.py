"""The Celery configuration the issue asks for: JSON only, late acks, prefetch 1, time limits, beat."""

from django.conf import settings

from fabrique.celery import app


def test_celery_accepts_json_only_with_late_acks_and_prefetch_one():
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_serializer == "json"
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert 0 < app.conf.task_soft_time_limit < app.conf.task_time_limit


def test_visibility_timeout_is_above_the_longest_task():
    app.loader.import_default_modules()
    longest = max(
        [app.conf.task_time_limit] + [task.time_limit for task in app.tasks.values() if task.time_limit]
    )
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > longest


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()
    assert settings.CELERY_BEAT_SCHEDULE
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name


def test_sending_an_email_is_not_acknowledged_late():
    """A redelivered email would reach its recipient twice."""
    app.loader.import_default_modules()
    assert app.tasks["fabrique.send_email"].acks_late is False
