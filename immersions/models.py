"""Immersion periods, Talent Exchange agreements, their logs, documents, reminders and signed links.

Thin models: fields, constraints, querysets and one-line helpers. State changes live in `services/`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from accompagnement.models import Organisation
from fabrique.core.models import GeneratedDocument, Timestamped, TransitionLog, account_field
from immersions.enums import (
    ECHANGE_AWAY_STATUSES,
    BilanOutcome,
    Categorie,
    Deroulement,
    DocumentKind,
    EchangeStatus,
    ImmersionKind,
    ImmersionStatus,
    LinkPurpose,
    RelanceKind,
)


class Mobilite(Timestamped):
    """What an immersion and a Talent Exchange agreement share: an agent (not necessarily a user: their
    identity lives on the row), a host, a period, a status moved by `fabrique.core.workflow`, who declared
    it, and the declaration form's one-time token (a double click finds the row the first one saved)."""

    agent_name = models.CharField(_("nom et prénom de l'agent"), max_length=200)
    agent_email = models.EmailField(_("adresse électronique de l'agent"))
    agent_grade = models.CharField(_("grade ou corps"), max_length=200)
    agent_categorie = models.CharField(_("catégorie"), max_length=1, choices=Categorie.choices)
    origin = models.ForeignKey(
        Organisation, verbose_name=_("organisation d'origine"), on_delete=models.PROTECT, related_name="+"
    )
    host = models.ForeignKey(
        Organisation, verbose_name=_("organisation d'accueil"), on_delete=models.PROTECT, related_name="+"
    )
    host_service = models.ForeignKey(
        Organisation,
        verbose_name=_("service d'accueil"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    start_date = models.DateField(_("date de début"))
    end_date = models.DateField(_("date de fin"))
    status_changed_at = models.DateTimeField(_("statut modifié le"), auto_now_add=True)
    created_by = account_field(_("déclarée par"))
    creation_token = models.UUIDField(
        _("jeton de création"), null=True, blank=True, unique=True, editable=False
    )

    REFERENCE_PREFIX = ""

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.reference} — {self.agent_name}"

    @property
    def reference(self):
        return f"{self.REFERENCE_PREFIX}-{self.pk:05d}" if self.pk else f"{self.REFERENCE_PREFIX}-nouvelle"

    @property
    def duration_days(self):
        return (self.end_date - self.start_date).days + 1


class ImmersionQuerySet(models.QuerySet):
    def with_relations(self):
        return self.select_related("origin", "origin_service", "host", "host_service")


class Immersion(Mobilite):
    """A short placement of an agent in another service, ministry or body."""

    REFERENCE_PREFIX = "IMM"

    origin_service = models.ForeignKey(
        Organisation,
        verbose_name=_("service d'origine"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    manager_name = models.CharField(_("responsable hiérarchique"), max_length=200, blank=True)
    manager_email = models.EmailField(_("adresse du responsable hiérarchique"), blank=True)
    tutor_name = models.CharField(_("tuteur ou tutrice à l'accueil"), max_length=200)
    tutor_email = models.EmailField(_("adresse du tuteur ou de la tutrice"))
    kind = models.CharField(_("type d'immersion"), max_length=32, choices=ImmersionKind.choices)
    objectives = models.TextField(_("objectifs"))
    confidential = models.BooleanField(
        _("confidentielle"),
        default=False,
        help_text=_(
            "Visible seulement des parties (agent, responsable, tuteur), de la tête de réseau d'origine "
            "et de l'équipe DGAFP."
        ),
    )
    status = models.CharField(
        _("statut"), max_length=32, choices=ImmersionStatus.choices, default=ImmersionStatus.BROUILLON
    )

    objects = ImmersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("période d'immersion")
        verbose_name_plural = _("périodes d'immersion")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="immersion_dates")
        ]
        indexes = [models.Index(fields=["status", "start_date"])]


class Bilan(models.Model):
    """The assessment after an immersion."""

    immersion = models.OneToOneField(Immersion, on_delete=models.CASCADE, related_name="bilan")
    deroulement = models.CharField(_("l'immersion a eu lieu"), max_length=16, choices=Deroulement.choices)
    apprentissages = models.TextField(_("ce que l'agent a appris"))
    retour_accueil = models.TextField(_("retour de la structure d'accueil"), blank=True)
    suite = models.CharField(_("suite du projet"), max_length=32, choices=BilanOutcome.choices)
    prochaines_etapes = models.TextField(_("prochaines étapes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)

    class Meta:
        verbose_name = _("bilan d'immersion")
        verbose_name_plural = _("bilans d'immersion")

    def __str__(self):
        return f"Bilan {self.immersion.reference}"


class ImmersionTransition(TransitionLog):
    statuses = ImmersionStatus
    immersion = models.ForeignKey(Immersion, on_delete=models.CASCADE, related_name="transitions")


class FonctionCritique(models.Model):
    """A post of a service that cannot be left vacant (the service's inventory)."""

    service = models.ForeignKey(
        Organisation,
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        related_name="fonctions_critiques",
    )
    title = models.CharField(_("intitulé"), max_length=255)
    description = models.TextField(_("pourquoi elle est critique"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("fonction critique")
        verbose_name_plural = _("fonctions critiques")
        ordering = ["service__name", "title"]
        constraints = [
            models.UniqueConstraint(fields=["service", "title"], name="fonction_critique_unique_per_service")
        ]

    def __str__(self):
        return f"{self.title} ({self.service.short_name})"


class EchangeQuerySet(models.QuerySet):
    def with_relations(self):
        return self.select_related("origin", "origin_service", "host", "host_service", "fonction_critique")

    def overlapping(self, start, end):
        return self.filter(start_date__lte=end, end_date__gte=start)


def away_today(today, **options):
    """An Organisation annotation: its agents away on a Talent Exchange agreement on `today` (what the
    service's cap counts)."""
    return Count(
        "echanges_depart",
        filter=Q(
            echanges_depart__status__in=ECHANGE_AWAY_STATUSES,
            echanges_depart__start_date__lte=today,
            echanges_depart__end_date__gte=today,
        ),
        **options,
    )


class EchangeTalent(Mobilite):
    """A Talent Exchange agreement: an agent works for a while at a host organisation."""

    REFERENCE_PREFIX = "ECH"

    origin_service = models.ForeignKey(
        Organisation,
        verbose_name=_("service d'origine"),
        on_delete=models.PROTECT,
        related_name="echanges_depart",
        help_text=_("Le service dont le cliquet (départs simultanés) s'applique."),
    )
    mission = models.TextField(_("mission"))
    fonction_critique = models.ForeignKey(
        FonctionCritique,
        verbose_name=_("fonction critique occupée"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="echanges",
        help_text=_("Si l'agent occupe une fonction critique, son départ exige une dérogation de l'origine."),
    )
    # Financial clauses: salary and social rights stay with the origin (fixed by the scheme).
    host_pays_travel = models.BooleanField(_("frais de déplacement à la charge de l'accueil"), default=True)
    host_pays_equipment = models.BooleanField(_("équipement à la charge de l'accueil"), default=True)
    host_pays_training = models.BooleanField(_("formations à la charge de l'accueil"), default=True)
    running_costs_details = models.TextField(_("précisions sur les frais de fonctionnement"), blank=True)
    reinvoicing_amount = models.DecimalField(
        _("montant refacturé à l'accueil (euros)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    # The return, prepared from the start.
    planned_return_date = models.DateField(_("date de retour prévue"))
    return_interview_date = models.DateField(_("date de l'entretien de retour"), null=True, blank=True)
    return_position = models.CharField(_("poste au retour"), max_length=255, blank=True)
    # The three parties' agreement.
    agent_agreed_at = models.DateTimeField(_("accord de l'agent le"), null=True, blank=True)
    agent_agreed_label = models.CharField(_("accord de l'agent par"), max_length=255, blank=True)
    origin_agreed_at = models.DateTimeField(_("accord de l'origine le"), null=True, blank=True)
    origin_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    host_agreed_at = models.DateTimeField(_("accord de l'accueil le"), null=True, blank=True)
    host_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    previous = models.ForeignKey(
        "self",
        verbose_name=_("convention renouvelée"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewals",
    )
    status = models.CharField(
        _("statut"), max_length=32, choices=EchangeStatus.choices, default=EchangeStatus.BROUILLON
    )

    objects = EchangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("convention d'échange de talents")
        verbose_name_plural = _("conventions d'échange de talents")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="echange_dates"),
            models.CheckConstraint(
                condition=Q(reinvoicing_amount__isnull=True) | Q(reinvoicing_amount__gte=0),
                name="echange_reinvoicing_positive",
            ),
        ]
        indexes = [models.Index(fields=["origin_service", "status", "start_date", "end_date"])]


class Derogation(models.Model):
    """The origin's derogation letting an agent holding a critical function leave."""

    echange = models.OneToOneField(EchangeTalent, on_delete=models.CASCADE, related_name="derogation")
    fonction = models.ForeignKey(
        FonctionCritique, on_delete=models.PROTECT, related_name="derogations", verbose_name=_("fonction")
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("accordée par"), on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("accordée le"), auto_now_add=True)
    reason = models.TextField(_("motif"))

    class Meta:
        verbose_name = _("dérogation")
        verbose_name_plural = _("dérogations")

    def __str__(self):
        return f"Dérogation {self.echange.reference}"


class EchangeTransition(TransitionLog):
    statuses = EchangeStatus
    echange = models.ForeignKey(EchangeTalent, on_delete=models.CASCADE, related_name="transitions")


class AboutMobilite(models.Model):
    """A row about one immersion or one agreement, never both (a generated document, a reminder sent)."""

    immersion = models.ForeignKey(
        Immersion, on_delete=models.CASCADE, null=True, blank=True, related_name="%(class)ss"
    )
    echange = models.ForeignKey(
        EchangeTalent, on_delete=models.CASCADE, null=True, blank=True, related_name="%(class)ss"
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=(Q(immersion__isnull=False) & Q(echange__isnull=True))
                | (Q(immersion__isnull=True) & Q(echange__isnull=False)),
                name="%(class)s_one_owner",
            )
        ]


def document_path(instance, filename):
    return f"immersions/documents/{instance.kind}/{filename}"


class Document(AboutMobilite, GeneratedDocument):
    """One rendered PDF (agreement or immersion summary); downloaded through a permission-checked view."""

    kind = models.CharField(_("type"), max_length=16, choices=DocumentKind.choices)
    file = models.FileField(_("fichier"), upload_to=document_path, blank=True, max_length=255)

    class Meta(AboutMobilite.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"


class Relance(AboutMobilite):
    """A reminder sent once for one event: the unique constraints make a second sending impossible."""

    kind = models.CharField(_("type"), max_length=32, choices=RelanceKind.choices)
    recipients = models.TextField(_("destinataires"), blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), auto_now_add=True)

    class Meta(AboutMobilite.Meta):
        verbose_name = _("relance")
        verbose_name_plural = _("relances")
        ordering = ["-sent_at"]
        constraints = [
            *AboutMobilite.Meta.constraints,
            models.UniqueConstraint(
                fields=["immersion", "kind"],
                condition=Q(immersion__isnull=False),
                name="relance_once_per_immersion_kind",
            ),
            models.UniqueConstraint(
                fields=["echange", "kind"],
                condition=Q(echange__isnull=False),
                name="relance_once_per_echange_kind",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.sent_at:%d/%m/%Y})"


class UsedLink(models.Model):
    """A signed link already used: a second use is refused."""

    nonce = models.CharField(_("jeton"), max_length=64, unique=True)
    purpose = models.CharField(_("usage"), max_length=32, choices=LinkPurpose.choices)
    object_id = models.PositiveBigIntegerField(_("objet"))
    used_at = models.DateTimeField(_("utilisé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("lien utilisé")
        verbose_name_plural = _("liens utilisés")

    def __str__(self):
        return f"{self.purpose} {self.object_id}"
