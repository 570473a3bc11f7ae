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


class DispositifKind(models.TextChoices):
    ACCOMPAGNEMENT_PERSONNALISE = "accompagnement_personnalise", _("Accompagnement personnalisé")
    IMMERSION = "immersion", _("Immersion")
    TUTORAT_MENTORAT = "tutorat_mentorat", _("Tutorat ou mentorat")
    PARCOURS_INTEGRATION = "parcours_integration", _("Parcours d'intégration")
    FORMATION = "formation", _("Formation")
    RESEAU_ENTRAIDE = "reseau_entraide", _("Réseau d'entraide")
    RECONVERSION_PASSERELLE = "reconversion_passerelle", _("Reconversion ou passerelle")
    AUTRE = "autre", _("Autre")


class Besoin(models.TextChoices):
    """The needs a scheme addresses (several per scheme)."""

    MOBILITE = "mobilite", _("Mobilité")
    RECONVERSION = "reconversion", _("Reconversion")
    EVOLUTION_PROFESSIONNELLE = "evolution_professionnelle", _("Évolution professionnelle")


class Public(models.TextChoices):
    """The publics a scheme is open to (several per scheme)."""

    CATEGORIE_A = "categorie_a", _("Catégorie A")
    CATEGORIE_B = "categorie_b", _("Catégorie B")
    CATEGORIE_C = "categorie_c", _("Catégorie C")
    CONTRACTUELS = "contractuels", _("Contractuels")
    MILITAIRES = "militaires", _("Militaires")
    CONJOINTS = "conjoints", _("Conjoints")
    INAPTITUDE = "inaptitude", _("Agents en situation d'inaptitude")
    NOUVEAUX_ARRIVANTS = "nouveaux_arrivants", _("Nouveaux arrivants")


class Maturite(models.TextChoices):
    EN_PROJET = "en_projet", _("En projet")
    PILOTE = "pilote", _("Pilote")
    DEPLOYE = "deploye", _("Déployé")


class DispositifTri(models.TextChoices):
    """Sort orders offered on the catalogue; the value is the ORM ordering."""

    RECENTS = "-updated_at", _("Mis à jour récemment")
    ANCIENS = "updated_at", _("Mis à jour il y a longtemps")
    TITRE = "title", _("Titre (A → Z)")
