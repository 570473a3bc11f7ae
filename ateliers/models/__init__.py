"""Workshop models: the programme, workshops and registrations (atelier.py); the booklet's models live in
ateliers/livret/ (models.py, annexe_models.py) and are gathered here for Django."""

from ateliers.livret.annexe_models import ReglageAnnexe, RubriqueAnnexe
from ateliers.livret.models import (
    Attestation,
    Constat,
    ContenuSequence,
    Contribution,
    GroupeTravail,
    LienLivret,
    Livret,
    LivretQuerySet,
    LivretTransition,
    Question,
    Rapporteur,
    ReglagesLivret,
    Reponse,
    Ressource,
)
from ateliers.models.atelier import (
    Atelier,
    AtelierQuerySet,
    AtelierTransition,
    Inscription,
    InscriptionQuerySet,
    InscriptionTransition,
    Intervenant,
    Programme,
    Relance,
    Sequence,
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
    "InscriptionTransition",
    "Intervenant",
    "LienLivret",
    "Livret",
    "LivretQuerySet",
    "LivretTransition",
    "Programme",
    "Question",
    "Rapporteur",
    "ReglageAnnexe",
    "ReglagesLivret",
    "Relance",
    "Reponse",
    "Ressource",
    "RubriqueAnnexe",
    "Sequence",
]
