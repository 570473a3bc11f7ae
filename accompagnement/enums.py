from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    MINISTERE = "ministere", _("Ministère")
    DIRECTION = "direction", _("Direction ou service")
    ETABLISSEMENT_PUBLIC = "etablissement_public", _("Établissement public")
    PFRH = "pfrh", _("Plateforme régionale (PFRH)")
    ADMINISTRATION_ETRANGERE = "administration_etrangere", _("Administration étrangère")
    PARTENAIRE_PRIVE = "partenaire_prive", _("Partenaire privé")


class Role(models.TextChoices):
    TETE_DE_RESEAU = "tete_de_reseau", _("Tête de réseau")
    REPRESENTANT = "representant", _("Représentant")
    ANIMATEUR_DGAFP = "animateur_dgafp", _("Animateur DGAFP")
