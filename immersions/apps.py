from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImmersionsConfig(AppConfig):
    name = "immersions"
    verbose_name = _("Immersions et échanges de talents")

    def ready(self):
        # Register the tasks in every process (web too): services enqueue them by name, since the tasks
        # module imports the services and not the other way round.
        from immersions import tasks  # noqa: F401, PLC0415
