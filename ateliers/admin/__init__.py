"""Admin of the workshops: atelier.py (programme, workshops, registrations), livret.py (booklet content)."""

from ateliers.admin import (
    atelier,  # noqa: F401 - registers the ModelAdmins
    livret,  # noqa: F401 - registers the booklet's ModelAdmins
)
