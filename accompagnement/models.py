from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from accompagnement.enums import OrganisationKind, Role


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


class User(AbstractUser):
    """A person with an account: a network lead, a representative, a participant or DGAFP staff."""

    username = None
    email = models.EmailField(_("adresse électronique"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = AccountManager()

    class Meta:
        verbose_name = _("compte")
        verbose_name_plural = _("comptes")
        ordering = ["last_name", "first_name"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

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

    @property
    def short_name(self):
        return self.acronym or self.name


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
