"""The Celery app: configuration from Django settings (CELERY_*), tasks discovered in each app."""

import os

from celery import Celery

# Workers and beat run only in production; the embedded default (dev) runs tasks in-process.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fabrique.settings.base")

app = Celery("fabrique")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The ground floor is not an installed app of its own: name it so its tasks (emails) are found too.
app.autodiscover_tasks(["fabrique.core"])
