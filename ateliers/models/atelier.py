from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from accompagnement.models import Organisation
from ateliers.enums import AtelierStatus, InscriptionStatus, Presence, RelanceKind, SequenceKind
from fabrique.core.models import Positioned, Timestamped, TransitionLog, account_field
from fabrique.core.richtext import SanitisedHTMLField


class Programme(models.Model):
    """The yearly programme of workshops, built around priority themes."""

    year = models.PositiveSmallIntegerField(_("année"), unique=True)
    title = models.CharField(_("intitulé"), max_length=255)
    themes = models.TextField(_("thèmes prioritaires"), blank=True, help_text=_("Un thème par ligne."))

    class Meta:
        verbose_name = _("programme annuel")
        verbose_name_plural = _("programmes annuels")
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year} — {self.title}"

    @property
    def theme_list(self):
        return [line.strip() for line in self.themes.splitlines() if line.strip()]


class AtelierQuerySet(models.QuerySet):
    def publies(self):
        """Workshops members may see: everything but drafts."""
        return self.exclude(status=AtelierStatus.BROUILLON)

    def a_venir(self):
        return (
            self.filter(ends_at__gte=timezone.now())
            .exclude(status=AtelierStatus.ANNULE)
            .order_by("starts_at")
        )

    def passes(self):
        return self.filter(ends_at__lt=timezone.now()).order_by("-starts_at")

    def with_counts(self):
        return self.annotate(
            confirmed_count=Count("inscriptions", filter=Q(inscriptions__status=InscriptionStatus.INSCRIT)),
            waiting_count=Count(
                "inscriptions", filter=Q(inscriptions__status=InscriptionStatus.LISTE_ATTENTE)
            ),
        )


class Atelier(Timestamped):
    """A workshop of the Fabrique's cycle (40 to 50 participants)."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="ateliers"
    )
    number = models.PositiveSmallIntegerField(_("numéro dans le cycle"))
    title = models.CharField(_("titre"), max_length=255)
    theme = models.CharField(_("thème"), max_length=255, blank=True)
    description = models.TextField(_("présentation"), blank=True)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    place = models.CharField(_("lieu"), max_length=255, blank=True)
    video_link = models.URLField(_("lien de visioconférence"), blank=True)
    capacity = models.PositiveSmallIntegerField(_("nombre de places"), default=50)
    registration_opens_at = models.DateTimeField(_("ouverture des inscriptions"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("clôture des inscriptions"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=32, choices=AtelierStatus.choices, default=AtelierStatus.BROUILLON
    )
    cancellation_reason = models.TextField(_("motif d'annulation"), blank=True)

    objects = AtelierQuerySet.as_manager()

    class Meta:
        verbose_name = _("atelier")
        verbose_name_plural = _("ateliers")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"], name="atelier_unique_number_per_programme"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="atelier_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="atelier_capacity_positive"),
            models.CheckConstraint(
                condition=Q(registration_closes_at__isnull=True)
                | Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__gt=models.F("registration_opens_at")),
                name="atelier_registration_closes_after_opening",
            ),
        ]

    def __str__(self):
        return f"Atelier n° {self.number} — {self.title}"

    def get_absolute_url(self):
        return reverse("ateliers:atelier_detail", args=[self.pk])


class AtelierTransition(TransitionLog):
    """One change of an Atelier's status. The detail page's timeline reads it."""

    statuses = AtelierStatus
    atelier = models.ForeignKey(Atelier, on_delete=models.CASCADE, related_name="transitions")


def intervenant_photo_upload_to(intervenant, filename):
    return f"intervenants/photo-{get_random_string(12).lower()}{Path(filename).suffix.lower()}"


class Intervenant(models.Model):
    """A speaker: a member of the network or an outside guest (another administration, a private company)."""

    first_name = models.CharField(_("prénom"), max_length=150)
    last_name = models.CharField(_("nom"), max_length=150)
    role = models.CharField(_("fonction"), max_length=255, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intervenants",
    )
    organisation_label = models.CharField(
        _("organisation (si hors réseau)"),
        max_length=255,
        blank=True,
        help_text=_("Pour un intervenant extérieur."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("compte"), on_delete=models.SET_NULL, null=True, blank=True
    )
    # The booklet's portrait of the speaker: a photo (checked by ateliers.livret.validators) and a few lines.
    photo = models.ImageField(_("photo"), upload_to=intervenant_photo_upload_to, blank=True, max_length=255)
    portrait = SanitisedHTMLField(
        _("portrait"), blank=True, help_text=_("Quelques lignes de présentation, reprises dans le livret.")
    )
    revision = models.PositiveIntegerField(_("révision"), default=0, editable=False)

    class Meta:
        verbose_name = _("intervenant")
        verbose_name_plural = _("intervenants")
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def organisation_name(self):
        return self.organisation_label or (str(self.organisation) if self.organisation_id else "")


class Sequence(Positioned):
    """One part of a workshop's running order (ouverture, feuille de route, débat...)."""

    atelier = models.ForeignKey(Atelier, on_delete=models.CASCADE, related_name="sequences")
    kind = models.CharField(_("type"), max_length=32, choices=SequenceKind.choices)
    title = models.CharField(_("titre"), max_length=255)
    starts_at = models.TimeField(_("heure"), null=True, blank=True)
    description = models.TextField(_("présentation"), blank=True)
    intervenants = models.ManyToManyField(
        Intervenant, verbose_name=_("intervenants"), blank=True, related_name="sequences"
    )

    class Meta:
        verbose_name = _("séquence")
        verbose_name_plural = _("séquences")
        ordering = ["atelier", "order", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.title}"


class InscriptionQuerySet(models.QuerySet):
    def confirmees(self):
        return self.filter(status=InscriptionStatus.INSCRIT)

    def en_attente(self):
        return self.filter(status=InscriptionStatus.LISTE_ATTENTE).order_by("created_at", "pk")

    def actives(self):
        return self.exclude(status=InscriptionStatus.ANNULE)


class Inscription(Timestamped):
    """A person's registration to a workshop; one row per (atelier, person), re-used if they come back."""

    atelier = models.ForeignKey(
        Atelier, verbose_name=_("atelier"), on_delete=models.CASCADE, related_name="inscriptions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participant"),
        on_delete=models.PROTECT,
        related_name="inscriptions",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation à l'inscription"),
        on_delete=models.PROTECT,
        related_name="inscriptions",
    )
    status = models.CharField(
        _("statut"), max_length=32, choices=InscriptionStatus.choices, default=InscriptionStatus.INSCRIT
    )
    presence = models.CharField(
        _("présence"), max_length=32, choices=Presence.choices, default=Presence.NON_RENSEIGNE
    )
    # Consent is an explicit act: nobody appears in a participant list unless they (or the list staff
    # received) said yes.
    consent_annuaire = models.BooleanField(
        _("accepte de figurer dans la liste des participants du livret"), default=False
    )
    registered_by = account_field(_("inscrit par"))
    # Set by hand when a registration comes back (its place in the waiting list is then its new date).
    created_at = models.DateTimeField(_("inscrit le"), default=timezone.now)

    objects = InscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["atelier", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["atelier", "user"], name="inscription_unique_per_atelier")
        ]
        indexes = [models.Index(fields=["atelier", "status", "created_at"])]

    def __str__(self):
        return f"{self.user} — {self.atelier} ({self.get_status_display()})"


class InscriptionTransition(TransitionLog):
    """One change of a registration's status (registered, waiting list, cancelled): who, when, why."""

    statuses = InscriptionStatus
    inscription = models.ForeignKey(Inscription, on_delete=models.CASCADE, related_name="transitions")


class Relance(models.Model):
    """A reminder sent for one registration; unique per (registration, kind) so it is never sent twice."""

    inscription = models.ForeignKey(Inscription, on_delete=models.CASCADE, related_name="relances")
    kind = models.CharField(
        _("type"), max_length=16, choices=RelanceKind.choices, default=RelanceKind.J_MOINS_2
    )
    sent_at = models.DateTimeField(_("envoyé le"), default=timezone.now)

    class Meta:
        verbose_name = _("rappel envoyé")
        verbose_name_plural = _("rappels envoyés")
        constraints = [
            models.UniqueConstraint(fields=["inscription", "kind"], name="relance_unique_per_inscription")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.inscription_id}"
