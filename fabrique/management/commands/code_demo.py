"""Print the second-factor code of the demo's staff accounts (their TOTP secret is published, like their
password): what an authenticator app holding the demo secret shows now. Refused outside the demo."""

import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from fabrique.management.commands.load_demo import DEMO_TOTP_SECRET

PERIOD = 30


class Command(BaseCommand):
    help = "Affiche le code de double authentification des comptes de démonstration de l'administration."

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Réservé à la démonstration (DEMO_DATA_ALLOWED est faux).")
        now = int(time.time())
        code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, now // PERIOD))
        self.stdout.write(f"{code}  (valable encore {PERIOD - now % PERIOD} s)")
