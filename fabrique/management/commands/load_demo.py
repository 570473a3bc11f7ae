"""Load the demo data of every app (the files in `<app>/demo/`, read by `fabrique.core.demo`), then do what
data alone cannot: give the accounts their password, render and publish the launch workshop's booklet.
Idempotent: safe to run again (rows are updated in place, the booklet is rendered only when it changed).
"""

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accompagnement import roles
from accompagnement.models import Adhesion, Dispositif, Organisation, User
from ateliers.enums import Presence
from ateliers.livret.services import rendu, versions
from ateliers.models import Atelier
from fabrique.core import demo
from immersions.models import Derogation, EchangeTalent, Immersion

DEMO_PASSWORD = "demo-fabrique-2026"  # noqa: S105 - printed to the developer on purpose, demo only
# Staff accounts need a second factor: in the demo their TOTP authenticator shares this published secret
# (add it to an authenticator app, or print the current code with `manage.py code_demo`).
DEMO_TOTP_SECRET = "FABRIQUEDEMODGAFPTOTPPUBLIC23456"  # noqa: S105 - demo only, like the password
STAFF_EMAIL = "admin@dgafp.gouv.fr"
FILES = [
    ("accompagnement", "organisations.yaml"),
    ("accompagnement", "membres.yaml"),
    ("accompagnement", "dispositifs.yaml"),
    ("ateliers", "ateliers.yaml"),
    ("immersions", "immersions.yaml"),
]


def set_passwords(users):
    """Every demo account gets the demo password (an account someone changed keeps theirs)."""
    for user in users:
        if not user.password or not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])


def enrol_staff(users):
    """Every demo staff account has a TOTP authenticator with the demo's published secret."""
    for user in users:
        if (
            user.is_staff
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            TOTP.activate(user, DEMO_TOTP_SECRET)


def publish_booklet(atelier, staff):
    """Fill the launch workshop's booklet (livret.yaml), render a version when its content changed since
    the published one (here, not queued: the demo hands out a real booklet at once), publish it without
    emailing anyone (certificates render on first download) and spread it to the network."""
    demo.load(demo.path("ateliers", "livret.yaml"), atelier=atelier)
    published = versions.published_version(atelier.pk)
    if published is None or published.content_digest != rendu.content_digest(atelier):
        livret = versions.new_version(atelier, by=staff)
        published = versions.publish(versions.render_version(livret.pk), by=staff, notify=False)
    if not published.diffuse_reseau:
        published = versions.spread(published, by=staff)
    return published


class Command(BaseCommand):
    help = "Charge (ou met à jour) les données de démonstration et affiche les comptes de démonstration."

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(
                "Données de démonstration refusées : ces réglages sont ceux de la production "
                "(DEMO_DATA_ALLOWED est faux ; les comptes de démonstration ont un mot de passe public)."
            )
        with transaction.atomic():
            roles.ensure_roles()  # the staff roles' groups, which the demo accounts join
            loaded = demo.load(*(demo.path(app, name) for app, name in FILES))
            set_passwords(loaded["accompagnement.User"])
            enrol_staff(loaded["accompagnement.User"])
            launch = Atelier.objects.get(programme__year=2023, number=1)
            livret = publish_booklet(launch, User.objects.get(email=STAFF_EMAIL))
        self.report(launch, livret)

    def report(self, launch, livret):
        write = self.stdout.write
        write(self.style.SUCCESS("Données de démonstration chargées."))
        write("Comptes de démonstration (adresse, mot de passe, rôle) :")
        for row in demo.read_csv(demo.path("accompagnement", "comptes.csv")):
            role = Adhesion.objects.get(user__email=row["email"]).get_role_display()
            groups = ", ".join(Group.objects.filter(user__email=row["email"]).values_list("name", flat=True))
            staff = f" (administration : {groups})" if row.get("is_staff") else ""
            write(f"  {row['email']:<34} {DEMO_PASSWORD}   {role}{staff}")
        write(
            f"Double authentification des comptes de l'administration : secret TOTP {DEMO_TOTP_SECRET} "
            "(à ajouter dans une application d'authentification), ou le code du moment : "
            "python manage.py code_demo"
        )
        write(
            f"Réseau : {Organisation.objects.count()} organisations, "
            f"{Adhesion.objects.actives().count()} membres actifs, {Dispositif.objects.count()} dispositifs."
        )
        write("Ateliers :")
        present = launch.inscriptions.filter(presence=Presence.PRESENT).count()
        write(
            f"  {launch} (tenu le {launch.starts_at:%d/%m/%Y}) : {launch.inscriptions.count()} inscriptions, "
            f"{present} présents"
        )
        for atelier in Atelier.objects.filter(starts_at__gt=timezone.now()).order_by("starts_at"):
            write(
                f"  {atelier} (le {timezone.localtime(atelier.starts_at):%d/%m/%Y}) : inscriptions ouvertes, "
                f"{atelier.inscriptions.count()} inscrits"
            )
        write(
            f"  Livret de restitution de « {launch.title} » : version {livret.version} publiée et diffusée "
            f"au réseau ({livret.pages} pages) — /ateliers/{launch.pk}/livret.pdf"
        )
        capped = Organisation.objects.get(slug="mef-dgfip")
        write(
            f"Immersions : {Immersion.objects.count()} périodes d'immersion, "
            f"{EchangeTalent.objects.count()} conventions d'échange de talents ; service au plafond : "
            f"{capped} (cliquet {capped.cliquet}) ; {Derogation.objects.count()} fonction(s) critique(s) "
            "avec dérogation."
        )
