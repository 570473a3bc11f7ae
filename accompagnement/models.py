import unicodedata

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accompagnement.enums import Besoin, DispositifKind, Maturite, OrganisationKind, Public, Role
from fabrique.core.models import account_field


class AccountManager(UserManager):
    """Accounts are identified by their email; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("Une adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


def fold(text):
    """Lower-case, accents removed: « Lefèvre » matches « lefevre » and sorts among the L (search, order)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class User(AbstractUser):
    """A person with an account: a network lead, a representative, a participant or DGAFP staff."""

    username = None
    email = models.EmailField(_("adresse électronique"), unique=True)
    # Part of the personal calendar feed address (ateliers.calendar.feed_token): setting a new value, like a
    # new password, makes every address handed out before stop working.
    calendar_key = models.CharField(_("clé du calendrier"), max_length=64, blank=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = AccountManager()

    class Meta:
        verbose_name = _("compte")
        verbose_name_plural = _("comptes")
        ordering = ["last_name", "first_name"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]
        # The staff roles' own rights (accompagnement.roles): site pages of the DGAFP team, staff accounts.
        permissions = [
            ("animer_reseau", _("Animer le réseau (pages et actions de l'équipe DGAFP)")),
            ("gerer_comptes_personnel", _("Gérer les comptes de l'équipe, les mots de passe et les droits")),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def display_name(self):
        """The booklet's form: SURNAME First name."""
        return f"{self.last_name.upper()} {self.first_name}".strip() or self.email


class OrganisationQuerySet(models.QuerySet):
    def actives(self):
        return self.filter(active=True)

    def racines(self):
        return self.filter(parent__isnull=True)


class Organisation(models.Model):
    """A ministry, one of its directions or services, a public body, a PFRH, a foreign administration..."""

    kind = models.CharField(_("type"), max_length=32, choices=OrganisationKind.choices)
    name = models.CharField(_("nom"), max_length=255)
    acronym = models.CharField(_("sigle"), max_length=40, blank=True)
    slug = models.SlugField(_("identifiant d'adresse"), max_length=80, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("organisation de rattachement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    active = models.BooleanField(_("active"), default=True)
    tutelle = models.ForeignKey(
        "self",
        verbose_name=_("ministère de tutelle"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sous_tutelle",
        limit_choices_to={"kind": OrganisationKind.MINISTERE},
        help_text=_("Pour un établissement public : le ministère qui en assure la tutelle."),
    )
    libelle_court = models.CharField(
        _("intitulé court"),
        max_length=120,
        blank=True,
        help_text=_(
            "Intitulé de la rubrique de ce ministère ou organisme dans les listes de participants "
            "(par exemple « Armées ») ; vide : son nom."
        ),
    )
    rang_protocolaire = models.PositiveSmallIntegerField(
        _("rang protocolaire"),
        null=True,
        blank=True,
        help_text=_(
            "Place de sa rubrique dans les listes de participants (1 en premier) ; vide : après les "
            "rubriques classées, par ordre alphabétique."
        ),
    )
    cliquet = models.PositiveIntegerField(
        _("cliquet (départs simultanés au plus)"),
        null=True,
        blank=True,
        help_text=_("Nombre maximal d'agents de ce service absents en même temps (échanges de talents)."),
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="organisation_unique_name_per_parent"),
            models.UniqueConstraint(
                fields=["name"], condition=models.Q(parent__isnull=True), name="organisation_unique_root_name"
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")), name="organisation_not_its_own_parent"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self):
        return reverse("accompagnement:organisation_detail", args=[self.slug])

    def clean(self):
        """The tree is ministry or body > direction > service: only a direction or service has a parent,
        and no organisation may sit under itself or one of its own directions."""
        if self.parent_id is None:
            return
        if self.kind != OrganisationKind.DIRECTION:
            raise ValidationError(
                {"parent": _("Seule une direction ou un service se rattache à une autre organisation.")}
            )
        ancestor, seen = self.parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if self.pk is not None and ancestor.pk == self.pk:
                raise ValidationError(
                    {
                        "parent": _(
                            "Une organisation ne peut pas être rattachée à elle-même ni à ses services."
                        )
                    }
                )
            seen.add(ancestor.pk)
            ancestor = ancestor.parent

    @property
    def racine(self):
        """The ministry or body at the top (itself when it has no parent): select_related the parents."""
        organisation, seen = self, {self.pk}
        while organisation.parent_id and organisation.parent_id not in seen:  # a cycle stops the walk
            seen.add(organisation.parent_id)
            organisation = organisation.parent
        return organisation

    @property
    def short_name(self):
        return self.acronym or self.name

    @property
    def nom_complet(self):
        """« Secrétariat général — Ministère des Armées »: the name with the ministry or body at the top
        (itself alone for a ministry or body). Select the parents (`parent__parent`) to read it freely."""
        root = self.racine
        return str(self) if root.pk == self.pk else f"{self} — {root.name}"


def roots_of(organisations):
    """{organisation pk: the ministry or body at its top} for `organisations` (instances or pks).

    One query whatever the depth: every organisation's pk and parent are read at once and the tree is
    walked in memory (Organisation.racine walks it one query per level). A cycle stops the walk.
    """
    wanted = {getattr(organisation, "pk", organisation) for organisation in organisations}
    wanted.discard(None)
    if not wanted:
        return {}
    by_pk = {
        organisation.pk: organisation
        for organisation in Organisation.objects.only("pk", "parent_id", "name", "kind", "acronym", "slug")
    }
    roots = {}
    for pk in wanted:
        organisation, seen = by_pk.get(pk), {pk}
        if organisation is None:
            continue
        while organisation.parent_id in by_pk and organisation.parent_id not in seen:
            seen.add(organisation.parent_id)
            organisation = by_pk[organisation.parent_id]
        roots[pk] = organisation
    return roots


class AdhesionQuerySet(models.QuerySet):
    def actives(self):
        return self.filter(active=True, user__is_active=True)

    def leads(self):
        return self.filter(role__in=[Role.TETE_DE_RESEAU, Role.REPRESENTANT])


class Adhesion(models.Model):
    """A person's membership of an organisation of the network, with their role in it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("membre"), on_delete=models.CASCADE, related_name="adhesions"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="adhesions"
    )
    role = models.CharField(_("rôle"), max_length=32, choices=Role.choices, default=Role.TETE_DE_RESEAU)
    function = models.CharField(_("fonction"), max_length=255, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    objects = AdhesionQuerySet.as_manager()

    class Meta:
        verbose_name = _("adhésion")
        verbose_name_plural = _("adhésions")
        ordering = ["organisation__name", "user__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="adhesion_unique_per_organisation")
        ]

    def __str__(self):
        return f"{self.user} — {self.organisation.short_name} ({self.get_role_display()})"


class CharteQuerySet(models.QuerySet):
    def publiees(self):
        return self.filter(published_at__lte=timezone.now())

    def current(self):
        """The charter in force: the highest published version, or None before the first one."""
        return self.publiees().order_by("-version").first()


class Charte(models.Model):
    """One version of the network's charter. Members accept the version in force before using the site."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(_("titre"), max_length=255)
    text = models.TextField(
        _("texte"), help_text=_("Texte brut : une ligne vide sépare deux paragraphes, « - » ouvre un point.")
    )
    published_at = models.DateTimeField(
        _("en vigueur depuis"),
        null=True,
        blank=True,
        help_text=_("Vide : brouillon. Dès cette date, chaque membre doit accepter cette version."),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    objects = CharteQuerySet.as_manager()

    class Meta:
        verbose_name = _("version de la charte")
        verbose_name_plural = _("versions de la charte")
        ordering = ["-version"]

    def __str__(self):
        return f"{self.title} — v{self.version}"


class AcceptationCharte(models.Model):
    """A member's acceptance of one charter version: who, which version, when."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("membre"),
        on_delete=models.CASCADE,
        related_name="acceptations_charte",
    )
    charte = models.ForeignKey(
        Charte, verbose_name=_("charte"), on_delete=models.PROTECT, related_name="acceptations"
    )
    accepted_at = models.DateTimeField(_("acceptée le"), default=timezone.now)

    class Meta:
        verbose_name = _("acceptation de la charte")
        verbose_name_plural = _("acceptations de la charte")
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "charte"], name="acceptation_charte_unique_per_version")
        ]

    def __str__(self):
        return f"{self.user} — v{self.charte.version}"


class DispositifQuerySet(models.QuerySet):
    def modeles(self):
        return self.filter(is_model=True)

    def with_related(self):
        return self.select_related("organisation__parent__parent")


class Dispositif(models.Model):
    """An accompaniment scheme of an organisation of the network: the catalogue's entry."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="dispositifs"
    )
    title = models.CharField(_("titre"), max_length=200)
    kind = models.CharField(_("type de dispositif"), max_length=32, choices=DispositifKind.choices)
    # Lists of Besoin / Public values. A JSON list rather than PostgreSQL arrays: the embedded SQLite
    # default must filter them too (see accompagnement.filters).
    needs = models.JSONField(_("besoins traités"), default=list, blank=True)
    publics = models.JSONField(_("publics"), default=list, blank=True)
    summary = models.TextField(_("résumé"), max_length=600)
    description = models.TextField(_("description"), blank=True)
    access = models.TextField(_("comment y accéder"), blank=True)
    contact = models.CharField(_("contact"), max_length=255, blank=True)
    maturity = models.CharField(
        _("maturité"), max_length=16, choices=Maturite.choices, default=Maturite.EN_PROJET
    )
    links = models.JSONField(_("liens"), default=list, blank=True)
    is_model = models.BooleanField(
        _("dispositif modèle"),
        default=False,
        help_text=_("Un dispositif modèle peut être adopté par une autre organisation, qui l'adapte."),
    )
    model_of = models.ForeignKey(
        "self",
        verbose_name=_("adopté du modèle"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adoptions",
    )
    created_by = account_field(_("créé par"))
    updated_by = account_field(_("modifié par"))
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True, db_index=True)

    objects = DispositifQuerySet.as_manager()

    class Meta:
        verbose_name = _("dispositif")
        verbose_name_plural = _("dispositifs")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "model_of"], name="dispositif_adopted_once_per_organisation"
            ),
            models.CheckConstraint(
                condition=~models.Q(model_of=models.F("pk")), name="dispositif_not_its_own_model"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("accompagnement:dispositif_detail", args=[self.pk])

    @property
    def needs_labels(self):
        return [Besoin(value).label for value in self.needs if value in Besoin.values]

    @property
    def publics_labels(self):
        return [Public(value).label for value in self.publics if value in Public.values]
