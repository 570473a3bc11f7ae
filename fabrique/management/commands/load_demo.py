"""Load the demo data of every app, in dependency order. Idempotent: safe to run again."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accompagnement import demo as accompagnement_demo
from ateliers import demo as ateliers_demo
from ateliers import livret_demo
from immersions import demo as immersions_demo


class Command(BaseCommand):
    help = "Charge (ou met à jour) les données de démonstration et affiche les comptes de démonstration."

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(
                "Données de démonstration refusées : ces réglages sont ceux de la production "
                "(DEMO_DATA_ALLOWED est faux ; les comptes de démonstration ont un mot de passe public)."
            )
        with transaction.atomic():
            accounts = accompagnement_demo.seed()
            ateliers = ateliers_demo.seed()
            ateliers += livret_demo.seed()  # after the workshops: it fills the launch workshop's booklet
            immersions = immersions_demo.seed()
        self.stdout.write(self.style.SUCCESS("Données de démonstration chargées."))
        self.stdout.write("Comptes de démonstration (adresse, mot de passe, rôle) :")
        for line in accounts:
            self.stdout.write(f"  {line}")
        self.stdout.write(accompagnement_demo.summary())
        self.stdout.write("Ateliers :")
        for line in ateliers:
            self.stdout.write(f"  {line}")
        self.stdout.write(immersions)
