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
