from django.apps import AppConfig


class FabriqueConfig(AppConfig):
    name = "fabrique"
    verbose_name = "Fabrique"
