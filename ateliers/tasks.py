"""Celery entry points of the workshops: thin, keyword-only ids, delegating to the services."""

from celery import shared_task

from ateliers.services import inscriptions


@shared_task(name="ateliers.send_due_reminders")
def send_due_reminders():
    """Beat, every hour: the reminder two days before a workshop (recorded, so never sent twice)."""
    return inscriptions.send_due_reminders()
