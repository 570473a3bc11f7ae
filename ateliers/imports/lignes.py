"""Checking a participants file's rows before anything is written: each row's workshop, email, names,
organisation (ministry and direction, through `accompagnement.matching`) and consent, with the
organisations, workshops and accounts loaded once (a fixed number of queries whatever the number of
rows); and what the preview shows of the refused and unresolved rows."""

from dataclasses import dataclass, field
from operator import attrgetter

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from accompagnement import matching
from accompagnement.matching import OrganisationDirectory
from accompagnement.models import User
from ateliers.enums import AtelierStatus
from ateliers.imports.fichier import cell
from ateliers.models import Atelier

SHOWN = ["email", "prenom", "nom", "ministere", "direction"]  # a refused row's cells, in the preview
YES = frozenset({"oui", "o", "yes", "y", "1", "vrai", "true", "x", "ok", "d'accord", "accord"})
NO = frozenset({"non", "n", "no", "0", "faux", "false", ""})


@dataclass
class CheckedRow:
    """One row of the file once checked: its errors by column, or what it resolves to."""

    cells: list = field(default_factory=list)
    errors: dict = field(default_factory=dict)
    atelier: Atelier | None = None
    user: User | None = None
    organisation: object = None
    consent: bool = False
    match: object = None


@dataclass
class RefusedRow:
    """A refused row for the preview: its number, its (column, message) errors, the cells in SHOWN."""

    number: int
    errors: list
    cells: list


@dataclass
class UnresolvedOrganisation:
    """Rows naming the same ministry and direction that designate no single organisation, for the preview:
    the problem, the candidates (from the row's ministry only) and whether the direction may be created."""

    ministere: str
    direction: str
    match: object
    rows: list = field(default_factory=list)

    problem = property(attrgetter("match.problem"))
    candidates = property(attrgetter("match.candidates"))
    ministry = property(attrgetter("match.ministry"))
    can_create_direction = property(attrgetter("match.can_create_direction"))

    @property
    def suggested(self):
        """The name and acronym the « create the direction » form offers (« SG » → Secrétariat général)."""
        return matching.suggested_direction(self.direction)


def _atelier_number(label):
    number = label.split(".")[0].removeprefix("n°").strip()
    return int(number) if number.isdigit() else None


class RowChecker:
    """Checks the rows of one file (`check`), with what they name loaded once by the constructor;
    `unresolved` gathers the rows whose organisation is not settled, by the ministry and direction they
    name. `atelier` (an Atelier or its pk) is the workshop of the rows without an `atelier` cell."""

    def __init__(self, rows, *, atelier=None):
        self.directory = OrganisationDirectory.load()
        self.ateliers = self._load_ateliers(rows, atelier)
        self.users = self._load_users(rows)
        self.unresolved = {}
        self.seen = set()

    @staticmethod
    def _load_ateliers(rows, atelier):
        numbers = {_atelier_number(cell(row, "atelier")) for row in rows} - {None}
        if atelier is not None:
            numbers.add(getattr(atelier, "pk", atelier))
        found = {a.pk: a for a in Atelier.objects.filter(pk__in=numbers)}
        found[None] = found.get(getattr(atelier, "pk", atelier)) if atelier is not None else None
        return found

    @staticmethod
    def _load_users(rows):
        emails = {cell(row, "email").lower() for row in rows} - {""}
        users = User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails)
        return {user.email_lower: user for user in users}

    def _check_atelier(self, row):
        label = cell(row, "atelier")
        if not label:
            if self.ateliers[None] is None:
                return None, _("Indiquez l'atelier (colonne « atelier » ou choix dans le formulaire).")
            atelier = self.ateliers[None]
        else:
            number = _atelier_number(label)
            if number is None:
                return None, _("Indiquez l'identifiant numérique de l'atelier.")
            atelier = self.ateliers.get(number)
            if atelier is None:
                return None, _("Atelier n° %(id)s introuvable.") % {"id": label}
        if atelier.status == AtelierStatus.ANNULE:
            return None, _("Cet atelier est annulé : aucune inscription possible.")
        return atelier, None

    def check(self, row, number):
        """Row `number` (from 1) checked: a CheckedRow with its errors by column, or what it resolves to."""
        checked = CheckedRow(cells=[cell(row, column) for column in SHOWN])
        errors = checked.errors
        checked.atelier, errors["atelier"] = self._check_atelier(row)
        email = cell(row, "email").lower()
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Adresse électronique manquante ou invalide : « %(email)s ».") % {
                "email": email
            }
        else:
            key = (getattr(checked.atelier, "pk", cell(row, "atelier")), email)
            if key in self.seen:
                errors["email"] = _("Personne en double dans le fichier : « %(email)s ».") % {"email": email}
            self.seen.add(key)
            checked.user = self.users.get(email)
        if (
            checked.user is None
            and not errors.get("email")
            and not (cell(row, "prenom") and cell(row, "nom"))
        ):
            errors["nom"] = _("Compte inconnu : le prénom et le nom sont nécessaires pour le créer.")
        ministere, direction = cell(row, "ministere"), cell(row, "direction")
        checked.match = self.directory.find(ministere, direction)
        checked.organisation = checked.match.organisation
        if checked.organisation is None:
            errors["direction" if direction else "ministere"] = checked.match.problem
            # « SG », « S.G. » and « secretariat general » under one ministry are one missing direction.
            group = self.unresolved.setdefault(
                (matching.ministry_key(ministere), matching.canonical(direction)),
                UnresolvedOrganisation(ministere=ministere, direction=direction, match=checked.match),
            )
            group.rows.append(number)
        consent = cell(row, "consentement").casefold()
        if consent not in YES | NO:
            errors["consentement"] = _("Répondez « oui » ou « non » (vide : non) : « %(value)s ».") % {
                "value": cell(row, "consentement")
            }
        checked.consent = consent in YES
        checked.errors = {column: message for column, message in errors.items() if message}
        return checked
