"""The Celery app: configuration from Django settings (CELERY_*), tasks discovered in each app."""

import os

from celery import Celery

# Workers and beat run only in production; the embedded default (dev) runs tasks in-process.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fabrique.settings.base")

app = Celery("fabrique")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
