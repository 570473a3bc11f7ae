"""Admin of the workshops: atelier.py (programme, workshops, speakers), inscription.py (registrations,
their import, reminders); the booklet's admin lives in ateliers/livret/admin/."""

from ateliers.admin import (
    atelier,  # noqa: F401 - registers the workshops' ModelAdmins
    inscription,  # noqa: F401 - registers the registrations' ModelAdmins
)
from ateliers.livret.admin import (
    annexe,  # noqa: F401 - registers the participant lists' settings
    livret,  # noqa: F401 - registers the booklet's ModelAdmins
)
