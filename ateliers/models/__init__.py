"""Workshop models: the programme, workshops and registrations (atelier.py), the booklet (livret.py)."""

from ateliers.models.atelier import (
    Atelier,
    AtelierQuerySet,
    AtelierTransition,
    Inscription,
    InscriptionQuerySet,
    Intervenant,
    Programme,
    Rappel,
    Sequence,
)
from ateliers.models.livret import (
    Attestation,
    Citation,
    Constat,
    ContenuSequence,
    Contribution,
    GroupeTravail,
    Livret,
    LivretQuerySet,
    LivretStatus,
    QuestionReponse,
    Rapporteur,
    Ressource,
)

__all__ = [
    "Atelier",
    "AtelierQuerySet",
    "AtelierTransition",
    # The booklet (livret.py)
    "Attestation",
    "Citation",
    "Constat",
    "ContenuSequence",
    "Contribution",
    "GroupeTravail",
    "Inscription",
    "InscriptionQuerySet",
    "Intervenant",
    "Livret",
    "LivretQuerySet",
    "LivretStatus",
    "Programme",
    "QuestionReponse",
    "Rappel",
    "Rapporteur",
    "Ressource",
    "Sequence",
]
