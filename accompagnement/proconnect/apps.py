from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProConnectConfig(AppConfig):
    """allauth finds the provider in this app's `provider` module and its URLs in `urls`."""

    name = "accompagnement.proconnect"
    label = "proconnect"
    verbose_name = _("ProConnect")
