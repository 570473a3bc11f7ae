from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccompagnementConfig(AppConfig):
    name = "accompagnement"
    verbose_name = _("Réseau")

    def ready(self):
        from allauth.mfa.signals import authenticator_added  # noqa: PLC0415 - apps are loaded only now

        from accompagnement.second_factor import record_enrolment  # noqa: PLC0415

        authenticator_added.connect(record_enrolment, dispatch_uid="fabrique-second-factor-enrolment")
