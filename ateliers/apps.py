from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AteliersConfig(AppConfig):
    name = "ateliers"
    verbose_name = _("Ateliers")

    def ready(self):
        # Binds the Celery tasks to the services' jobs in every process (web too): services queue jobs,
        # the tasks module imports the services, never the other way round.
        from ateliers import tasks  # noqa: F401, PLC0415
