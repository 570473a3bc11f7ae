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

__all__ = [
    "Atelier",
    "AtelierQuerySet",
    "AtelierTransition",
    "Inscription",
    "InscriptionQuerySet",
    "Intervenant",
    "Programme",
    "Rappel",
    "Sequence",
]
