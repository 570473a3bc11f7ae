"""Workshop models: the programme, workshops and registrations (atelier.py), the booklet (livret.py), the
participant lists' grouping (annexe.py)."""

from ateliers.models.annexe import ReglageAnnexe, RubriqueAnnexe
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
    Constat,
    ContenuSequence,
    Contribution,
    GroupeTravail,
    LienLivret,
    Livret,
    LivretQuerySet,
    LivretStatus,
    Question,
    Rapporteur,
    ReglagesLivret,
    Reponse,
    Ressource,
)

__all__ = [
    "Atelier",
    "AtelierQuerySet",
    "AtelierTransition",
    # The booklet (livret.py)
    "Attestation",
    "Constat",
    "ContenuSequence",
    "Contribution",
    "GroupeTravail",
    "Inscription",
    "InscriptionQuerySet",
    "Intervenant",
    "LienLivret",
    "Livret",
    "LivretQuerySet",
    "LivretStatus",
    "Programme",
    "Question",
    "Rappel",
    "Rapporteur",
    "ReglageAnnexe",
    "ReglagesLivret",
    "Reponse",
    "Ressource",
    "RubriqueAnnexe",
    "Sequence",
]
