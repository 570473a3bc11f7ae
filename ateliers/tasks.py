"""Celery entry points of the workshops: thin, keyword-only ids, delegating to the services.

The services queue their jobs (`fabrique.core.jobs.Job`) without importing this module: each task is
bound to its job here, and `AteliersConfig.ready()` imports this module in every process."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings

from ateliers.livret.services import attestations, versions
from ateliers.services import inscriptions


@shared_task(name="ateliers.send_due_reminders")
def send_due_reminders():
    """Beat, every hour: the reminder two days before a workshop (recorded, so never sent twice)."""
    return inscriptions.send_due_reminders()


# --- Livret de restitution ---------------------------------------------------------------------------
# Long, idempotent renders: acknowledged only once done (a killed worker's message is redelivered),
# bounded by soft and hard time limits; a version's state lives on its Livret row.
RENDER_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "soft_time_limit": settings.LIVRET_SOFT_TIME_LIMIT,
    "time_limit": settings.LIVRET_TIME_LIMIT,
}


@shared_task(name="ateliers.render_livret", **RENDER_OPTIONS)
def render_livret(*, livret_pk):
    """Render one booklet version; a ready or failed version is left as it is (idempotent)."""
    livret = versions.render_version(livret_pk)
    return livret.status if livret else None


versions.RENDER.bind(render_livret)


@shared_task(name="ateliers.render_attestations", **RENDER_OPTIONS)
def render_attestations(*, atelier_pk):
    """Render the attendance certificates of a workshop's present participants still without one."""
    return attestations.render_attestations(atelier_pk)


versions.RENDER_ATTESTATIONS.bind(render_attestations)


@shared_task(name="ateliers.sweep_stuck_livrets")
def sweep_stuck_livrets(*, older_than_seconds=None):
    """Beat, every five minutes: queue again (or fail) versions whose worker died mid-render."""
    kwargs = {}
    if older_than_seconds is not None:
        kwargs["older_than"] = timedelta(seconds=older_than_seconds)
    result = versions.sweep_stuck(**kwargs)
    return {"requeued": result.requeued, "failed": result.failed}
