"""Choices of the immersions app and the allowed transitions of its two workflows.

Each workflow step is owned by one or more sides (`Side`); the transitions maps are derived from the
steps, so the map and the owners can never disagree.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Categorie(models.TextChoices):
    A = "A", _("Catégorie A")
    B = "B", _("Catégorie B")
    C = "C", _("Catégorie C")


class ImmersionKind(models.TextChoices):
    DECOUVERTE_METIER = "decouverte_metier", _("Découverte d'un métier")
    PREPARATION_MOBILITE = "preparation_mobilite", _("Préparation d'une mobilité")
    PROJET_RECONVERSION = "projet_reconversion", _("Projet de reconversion")
    IMMERSION_APPRENANTE = "immersion_apprenante", _("Immersion apprenante d'une tête de réseau")
    PARCOURS_INTEGRATION = "parcours_integration", _("Parcours d'intégration")


class Side(models.TextChoices):
    """Who owns a step: the agent's side, the host's side, DGAFP staff, the scheduler, the agent."""

    ORIGINE = "origine", _("origine")
    ACCUEIL = "accueil", _("accueil")
    STAFF = "staff", _("équipe DGAFP")
    SYSTEME = "systeme", _("automatique")
    AGENT = "agent", _("agent")


class ImmersionStatus(models.TextChoices):
    BROUILLON = "brouillon", _("Brouillon")
    SOUMISE = "soumise", _("Soumise")
    ACCEPTEE_ORIGINE = "acceptee_origine", _("Acceptée par l'origine")
    ACCEPTEE_ACCUEIL = "acceptee_accueil", _("Acceptée par l'accueil")
    EN_COURS = "en_cours", _("En cours")
    TERMINEE = "terminee", _("Terminée")
    BILAN_FAIT = "bilan_fait", _("Bilan fait")
    REFUSEE = "refusee", _("Refusée")
    ANNULEE = "annulee", _("Annulée")


IS = ImmersionStatus
_CANCELLERS = frozenset({Side.ORIGINE, Side.ACCUEIL, Side.STAFF})

# (from, to) -> the sides allowed to make that step.
IMMERSION_STEPS = {
    (IS.BROUILLON, IS.SOUMISE): frozenset({Side.ORIGINE}),
    (IS.BROUILLON, IS.ANNULEE): frozenset({Side.ORIGINE}),
    (IS.SOUMISE, IS.ACCEPTEE_ORIGINE): frozenset({Side.ORIGINE}),
    (IS.SOUMISE, IS.REFUSEE): frozenset({Side.ORIGINE}),
    (IS.SOUMISE, IS.ANNULEE): _CANCELLERS,
    (IS.ACCEPTEE_ORIGINE, IS.ACCEPTEE_ACCUEIL): frozenset({Side.ACCUEIL}),
    (IS.ACCEPTEE_ORIGINE, IS.REFUSEE): frozenset({Side.ACCUEIL}),
    (IS.ACCEPTEE_ORIGINE, IS.ANNULEE): _CANCELLERS,
    (IS.ACCEPTEE_ACCUEIL, IS.EN_COURS): frozenset({Side.STAFF, Side.SYSTEME}),
    (IS.ACCEPTEE_ACCUEIL, IS.ANNULEE): _CANCELLERS,
    (IS.EN_COURS, IS.TERMINEE): frozenset({Side.STAFF, Side.SYSTEME}),
    (IS.EN_COURS, IS.ANNULEE): _CANCELLERS,
    (IS.TERMINEE, IS.BILAN_FAIT): frozenset({Side.ORIGINE, Side.ACCUEIL}),
}


class EchangeStatus(models.TextChoices):
    BROUILLON = "brouillon", _("Brouillon")
    SOUMISE = "soumise", _("Soumise")
    VALIDEE_ORIGINE = "validee_origine", _("Validée par l'origine")
    VALIDEE_ACCUEIL = "validee_accueil", _("Validée par l'accueil")
    SIGNEE = "signee", _("Signée")
    EN_COURS = "en_cours", _("En cours")
    RETOUR_PREPARE = "retour_prepare", _("Retour préparé")
    TERMINEE = "terminee", _("Terminée")
    REFUSEE = "refusee", _("Refusée")
    ANNULEE = "annulee", _("Annulée")


ES = EchangeStatus

ECHANGE_STEPS = {
    (ES.BROUILLON, ES.SOUMISE): frozenset({Side.ORIGINE}),
    (ES.BROUILLON, ES.ANNULEE): frozenset({Side.ORIGINE}),
    (ES.SOUMISE, ES.VALIDEE_ORIGINE): frozenset({Side.ORIGINE}),
    (ES.SOUMISE, ES.REFUSEE): frozenset({Side.ORIGINE}),
    (ES.SOUMISE, ES.ANNULEE): _CANCELLERS,
    (ES.VALIDEE_ORIGINE, ES.VALIDEE_ACCUEIL): frozenset({Side.ACCUEIL}),
    (ES.VALIDEE_ORIGINE, ES.REFUSEE): frozenset({Side.ACCUEIL}),
    (ES.VALIDEE_ORIGINE, ES.ANNULEE): _CANCELLERS,
    # Signed once the agent, the origin and the host have each recorded their agreement.
    (ES.VALIDEE_ACCUEIL, ES.SIGNEE): frozenset({Side.SYSTEME}),
    (ES.VALIDEE_ACCUEIL, ES.ANNULEE): _CANCELLERS,
    (ES.SIGNEE, ES.EN_COURS): frozenset({Side.STAFF, Side.SYSTEME}),
    (ES.SIGNEE, ES.ANNULEE): _CANCELLERS,
    (ES.EN_COURS, ES.RETOUR_PREPARE): frozenset({Side.ORIGINE}),
    (ES.EN_COURS, ES.ANNULEE): _CANCELLERS,
    (ES.RETOUR_PREPARE, ES.TERMINEE): frozenset({Side.STAFF, Side.SYSTEME}),
}


# Statuses that need a reason when entered.
REASON_REQUIRED = frozenset({"refusee", "annulee"})

IMMERSION_WORKFLOW = {
    "steps": IMMERSION_STEPS,
    "draft": IS.BROUILLON,
    "reason_required": REASON_REQUIRED,
    "stamp_field": "status_changed_at",
    "messages": {
        "changed": _("L'immersion a changé de statut entre-temps (« %(status)s ») : rechargez la page."),
        "not_draft": _(
            "L'immersion n'est plus un brouillon (statut « %(status)s ») : vos modifications n'ont pas "
            "été enregistrées."
        ),
    },
}
ECHANGE_WORKFLOW = {
    **IMMERSION_WORKFLOW,
    "steps": ECHANGE_STEPS,
    "draft": ES.BROUILLON,
    "messages": {
        "changed": _("La convention a changé de statut entre-temps (« %(status)s ») : rechargez la page."),
        "not_draft": _(
            "La convention n'est plus un brouillon (statut « %(status)s ») : vos modifications n'ont "
            "pas été enregistrées."
        ),
    },
}

# An agent counts against the service's cap from the origin's validation until the agreement ends.
ECHANGE_AWAY_STATUSES = frozenset(
    {ES.VALIDEE_ORIGINE, ES.VALIDEE_ACCUEIL, ES.SIGNEE, ES.EN_COURS, ES.RETOUR_PREPARE}
)


class Deroulement(models.TextChoices):
    TOTAL = "total", _("Entièrement")
    PARTIEL = "partiel", _("En partie")
    AUCUN = "aucun", _("Pas du tout")


class BilanOutcome(models.TextChoices):
    CONFIRME = "confirme", _("Projet confirmé")
    A_RETRAVAILLER = "a_retravailler", _("À retravailler")
    ABANDONNE = "abandonne", _("Abandonné")


class Party(models.TextChoices):
    """The three parties whose agreement makes a Talent Exchange agreement signed."""

    AGENT = "agent", _("l'agent")
    ORIGINE = "origine", _("la structure d'origine")
    ACCUEIL = "accueil", _("la structure d'accueil")


class DocumentKind(models.TextChoices):
    CONVENTION = "convention", _("Convention d'échange de talents")
    SYNTHESE = "synthese", _("Synthèse de l'immersion")


class RelanceKind(models.TextChoices):
    ATTENTE_ORIGINE = "attente_origine", _("Décision de l'origine attendue")
    ATTENTE_ACCUEIL = "attente_accueil", _("Décision de l'accueil attendue")
    ACCORDS_ATTENDUS = "accords_attendus", _("Accords des parties attendus")
    BILAN_DU = "bilan_du", _("Bilan à faire")
    RETOUR_A_PREPARER = "retour_a_preparer", _("Retour à préparer")


class LinkPurpose(models.TextChoices):
    TUTEUR_ACCUEIL = "tuteur_accueil", _("Décision du tuteur pour l'accueil")
    AGENT_ACCORD = "agent_accord", _("Accord de l'agent sur la convention")
