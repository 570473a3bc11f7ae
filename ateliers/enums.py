from django.db import models
from django.utils.translation import gettext_lazy as _


class AtelierStatus(models.TextChoices):
    BROUILLON = "brouillon", _("Brouillon")
    INSCRIPTIONS_OUVERTES = "inscriptions_ouvertes", _("Inscriptions ouvertes")
    INSCRIPTIONS_CLOSES = "inscriptions_closes", _("Inscriptions closes")
    TENU = "tenu", _("Tenu")
    RESTITUTION_PUBLIEE = "restitution_publiee", _("Restitution publiée")
    ANNULE = "annule", _("Annulé")


S = AtelierStatus
# Which status may follow which. Only `ateliers.services` changes an Atelier's status, through this map.
ATELIER_TRANSITIONS = {
    S.BROUILLON: {S.INSCRIPTIONS_OUVERTES, S.ANNULE},
    S.INSCRIPTIONS_OUVERTES: {S.INSCRIPTIONS_CLOSES, S.ANNULE},
    S.INSCRIPTIONS_CLOSES: {S.INSCRIPTIONS_OUVERTES, S.TENU, S.ANNULE},
    S.TENU: {S.RESTITUTION_PUBLIEE},
    S.RESTITUTION_PUBLIEE: set(),
    S.ANNULE: set(),
}
# Moving to these statuses needs a reason.
REASON_REQUIRED = {S.ANNULE}


class SequenceKind(models.TextChoices):
    OUVERTURE = "ouverture", _("Ouverture")
    FEUILLE_DE_ROUTE = "feuille_de_route", _("Feuille de route / tour de table")
    DEBAT = "debat", _("Débat")
    COMMUNICATION = "communication", _("Communication")
    ATELIERS = "ateliers", _("Ateliers en sous-groupes")
    CLOTURE = "cloture", _("Clôture")


class InscriptionStatus(models.TextChoices):
    INSCRIT = "inscrit", _("Inscrit")
    LISTE_ATTENTE = "liste_attente", _("Liste d'attente")
    ANNULE = "annule", _("Annulé")


class Presence(models.TextChoices):
    NON_RENSEIGNE = "non_renseigne", _("Non renseigné")
    PRESENT = "present", _("Présent")
    ABSENT = "absent", _("Absent")


class RappelKind(models.TextChoices):
    J_MOINS_2 = "j-2", _("Rappel deux jours avant")


class Annexe2(models.TextChoices):
    """What the booklet's second annex holds."""

    CHARTE = "charte", _("La charte en vigueur à la date de l'atelier")
    TEXTE = "texte", _("Un texte propre à ce livret")
    AUCUNE = "aucune", _("Pas de seconde annexe")


class RegroupementEtablissements(models.TextChoices):
    """Where the participants of public bodies are listed."""

    RUBRIQUE = "rubrique", _("Sous une rubrique commune")
    TUTELLE = "tutelle", _("Sous leur ministère de tutelle")
    PROPRE = "propre", _("Chacun sous sa propre rubrique")


class FormatNom(models.TextChoices):
    PRENOM_NOM = "prenom_nom", _("Prénom NOM")
    NOM_PRENOM = "nom_prenom", _("NOM Prénom")
