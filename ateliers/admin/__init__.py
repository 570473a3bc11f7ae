"""Admin of the workshops: atelier.py (programme, workshops, registrations), livret.py (booklet content),
annexe.py (how participant lists are grouped)."""

from ateliers.admin import (
    annexe,  # noqa: F401 - registers the participant lists' settings
    atelier,  # noqa: F401 - registers the ModelAdmins
    livret,  # noqa: F401 - registers the booklet's ModelAdmins
)
