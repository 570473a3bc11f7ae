from django.db import models
from django.utils.translation import gettext_lazy as _

from fabrique.core.enums import DocumentStatus
from fabrique.core.workflow import TransitionError


class AtelierStatus(models.TextChoices):
    BROUILLON = "brouillon", _("Brouillon")
    INSCRIPTIONS_OUVERTES = "inscriptions_ouvertes", _("Inscriptions ouvertes")
    INSCRIPTIONS_CLOSES = "inscriptions_closes", _("Inscriptions closes")
    TENU = "tenu", _("Tenu")
    RESTITUTION_PUBLIEE = "restitution_publiee", _("Restitution publiée")
    ANNULE = "annule", _("Annulé")


class Acteur(models.TextChoices):
    """Who makes a step of the workshops' workflows (`fabrique.core.workflow`)."""

    ANIMATION = "animation", _("équipe d'animation")
    PARTICIPANT = "participant", _("la personne inscrite")
    COLLEGUE = "collegue", _("un collègue de son organisation")
    SYSTEME = "systeme", _("automatique")


S = AtelierStatus
_ANIMATION = frozenset({Acteur.ANIMATION})
# (from, to) -> who may make that step. Only `fabrique.core.workflow` changes a status, through this map.
ATELIER_STEPS = {
    (S.BROUILLON, S.INSCRIPTIONS_OUVERTES): _ANIMATION,
    (S.BROUILLON, S.ANNULE): _ANIMATION,
    (S.INSCRIPTIONS_OUVERTES, S.INSCRIPTIONS_CLOSES): _ANIMATION,
    (S.INSCRIPTIONS_OUVERTES, S.ANNULE): _ANIMATION,
    (S.INSCRIPTIONS_CLOSES, S.INSCRIPTIONS_OUVERTES): _ANIMATION,
    (S.INSCRIPTIONS_CLOSES, S.TENU): _ANIMATION,
    (S.INSCRIPTIONS_CLOSES, S.ANNULE): _ANIMATION,
    (S.TENU, S.RESTITUTION_PUBLIEE): _ANIMATION,
}
ATELIER_WORKFLOW = {
    "steps": ATELIER_STEPS,
    "reason_required": {S.ANNULE},  # the reason is told to everyone registered
    "forbidden_error": TransitionError,
    "messages": {
        "reason": _("Indiquez le motif : il est communiqué aux inscrits."),
        "impossible": _("Un atelier « %(from)s » ne peut pas passer à « %(to)s »."),
        "forbidden": _("Seule l'équipe d'animation peut changer le statut d'un atelier."),
    },
}


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


R = InscriptionStatus
_PERSON = frozenset({Acteur.PARTICIPANT, Acteur.COLLEGUE, Acteur.ANIMATION})
INSCRIPTION_STEPS = {
    # Coming back after a cancellation: confirmed while seats remain, else the waiting list.
    (R.ANNULE, R.INSCRIT): _PERSON,
    (R.ANNULE, R.LISTE_ATTENTE): _PERSON,
    (R.INSCRIT, R.ANNULE): _PERSON,
    (R.LISTE_ATTENTE, R.ANNULE): _PERSON,
    # A freed seat goes to the first in line (automatic), or staff promote someone by hand.
    (R.LISTE_ATTENTE, R.INSCRIT): frozenset({Acteur.ANIMATION, Acteur.SYSTEME}),
}
INSCRIPTION_WORKFLOW = {
    "steps": INSCRIPTION_STEPS,
    "messages": {"forbidden": _("Vous ne pouvez pas annuler cette inscription.")},
}


D = DocumentStatus
_WORKER = frozenset({Acteur.SYSTEME})
# A booklet version's render, step by step: only the worker and its sweeper move it.
LIVRET_STEPS = {
    (D.EN_ATTENTE, D.EN_COURS): _WORKER,
    (D.EN_COURS, D.PRET): _WORKER,
    (D.EN_COURS, D.ECHEC): _WORKER,
    # A worker died mid-render: queued again while attempts remain, else failed with the reason.
    (D.EN_COURS, D.EN_ATTENTE): _WORKER,
    (D.EN_ATTENTE, D.ECHEC): _WORKER,
    # A worker presumed dead that finishes after all: its file is good, the version is ready.
    (D.EN_ATTENTE, D.PRET): _WORKER,
    (D.ECHEC, D.PRET): _WORKER,
}


class Presence(models.TextChoices):
    NON_RENSEIGNE = "non_renseigne", _("Non renseigné")
    PRESENT = "present", _("Présent")
    ABSENT = "absent", _("Absent")


class RelanceKind(models.TextChoices):
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
