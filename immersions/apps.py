from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImmersionsConfig(AppConfig):
    name = "immersions"
    verbose_name = _("Immersions et échanges de talents")

    def ready(self):
        # Binds the Celery tasks to the services' jobs in every process (web too): services queue jobs,
        # the tasks module imports the services, never the other way round.
        from immersions import tasks  # noqa: F401, PLC0415
