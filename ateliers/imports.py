"""Participant lists as ministries send them, imported into a workshop's registrations (django-import-export).

Files: CSV in UTF-8 (with or without BOM) or Windows-1252, separated by « ; », « , » or tabulations, and
XLSX (values are read, never formulas). Columns, recognised whatever their accents, case and usual
variants (« Ministère », « Direction / service », « Structure », « Courriel »…): email, prenom, nom,
ministere (ministry or body), direction (direction or service; `organisation` is accepted too),
consentement (oui / non / x / vrai / 1…; empty or absent = non: consent is never presumed) and atelier (its
number in the admin list), which may be left out when the workshop is chosen in the import form. Other
columns (fonction, téléphone…) are ignored.

The whole file is checked before anything is written, with the organisations, workshops and accounts
loaded once (a fixed number of queries whatever the number of rows); the preview lists each row's errors,
and the rows whose organisation is not settled with their candidates (from the row's ministry only, each
named with its ministry). Nothing is written while one row is wrong (all or nothing, one transaction);
every row goes through the registration service (`register`: same lock, same capacity and waiting list
as on the site). An unknown email creates the account, a member of the row's organisation, invited once
the import commits (not for a past workshop's attendance list). Existing accounts are never modified: a
row only registers them, so a superuser's account stays as its owner left it.
"""

import codecs
import csv
import io
from dataclasses import dataclass, field

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources
from import_export.fields import Field
from import_export.formats.base_formats import CSV

from accompagnement import matching
from accompagnement import services as accompagnement_services
from accompagnement.enums import Role
from accompagnement.matching import SMALL_WORDS, OrganisationDirectory
from accompagnement.models import User, fold
from ateliers.enums import AtelierStatus
from ateliers.models import Atelier, Inscription
from ateliers.services.inscriptions import RegistrationError, register

COLUMNS = ["atelier", "email", "prenom", "nom", "ministere", "direction", "consentement"]
SHOWN = ["email", "prenom", "nom", "ministere", "direction"]  # a refused row's cells, in the preview
YES = frozenset({"oui", "o", "yes", "y", "1", "vrai", "true", "x", "ok", "d'accord", "accord"})
NO = frozenset({"non", "n", "no", "0", "faux", "false", ""})
# Header variants, written as `header_key` writes them (accents, case, punctuation and small words gone).
HEADERS = {
    "atelier": {"atelier", "n atelier", "no atelier", "numero atelier", "id atelier", "identifiant atelier"},
    "email": {
        "email",
        "emails",
        "e mail",
        "mail",
        "mel",
        "courriel",
        "adresse electronique",
        "adresse mail",
        "adresse e mail",
        "adresse email",
        "adresse courriel",
        "adresse mel",
    },
    "prenom": {"prenom", "prenoms", "first name", "prenom usuel"},
    "nom": {"nom", "nom famille", "nom usage", "last name", "nom naissance"},
    "ministere": {
        "ministere",
        "ministeres",
        "min",
        "ministere organisme",
        "ministere rattachement",
        "ministere employeur",
        "organisme",
        "administration",
        "employeur",
    },
    "direction": {
        "direction",
        "directions",
        "direction service",
        "service",
        "services",
        "structure",
        "structures",
        "direction structure",
        "structure service",
        "entite",
        "affectation",
        "service affectation",
        "organisation",
    },
    "consentement": {
        "consentement",
        "consent",
        "accord",
        "accord livret",
        "consentement livret",
        "accepte figurer livret",
        "figurer livret",
        "accord figurer livret",
        "autorisation",
        "autorisation diffusion",
        "accord diffusion",
    },
}
COLUMN_OF_HEADER = {variant: column for column, variants in HEADERS.items() for variant in variants}
HEADER_SEARCH_ROWS = 10  # a title line or two above the headers is common in ministries' files


def header_key(text):
    """« Direction / service », « direction ou service » and « DIRECTION-SERVICE » all give
    « direction service »."""
    words = "".join(c if c.isalnum() else " " for c in fold(str(text or ""))).split()
    return " ".join(word for word in words if word not in SMALL_WORDS)


def column_of(header):
    """The column a header designates, or None for a column the import does not read."""
    return COLUMN_OF_HEADER.get(header_key(header))


class UnreadableFileError(ValueError):
    """The uploaded file cannot be read as a participants list; the message is for staff."""


def decode(data):
    """The text of a CSV file saved by Excel, LibreOffice or a script: UTF-8 with or without BOM, UTF-16
    with BOM (Excel's « texte Unicode »), else Windows-1252 (Excel's « CSV (séparateur : point-virgule) »
    on a French Windows)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise UnreadableFileError(
            _(
                "Ce fichier n'est ni en UTF-8 ni en Windows-1252 : enregistrez-le depuis votre tableur au "
                "format « CSV UTF-8 » ou « Classeur Excel (.xlsx) »."
            )
        ) from error


def delimiter_of(text):
    """« ; » (French Excel), « , » or a tabulation: whichever splits the first lines most (a title line
    above the headers may hold a comma and no separator)."""
    lines = [line for line in text.splitlines()[:HEADER_SEARCH_ROWS] if line.strip()]
    counts = {
        delimiter: max((len(cells) for cells in csv.reader(lines, delimiter=delimiter)), default=0)
        for delimiter in ";,\t"
    }
    return max(counts, key=lambda delimiter: (counts[delimiter], delimiter == ";"))


def read_csv(data):
    """A tablib Dataset of a CSV file's bytes, whatever its encoding and separator; rows of uneven length
    (a title line, a trailing cell) are padded to the widest one."""
    text = data.removeprefix("\ufeff") if isinstance(data, str) else decode(bytes(data))
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter_of(text)))
    except csv.Error as error:
        raise UnreadableFileError(_("Fichier CSV illisible : %(error)s.") % {"error": error}) from error
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        return tablib.Dataset()
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    return tablib.Dataset(*rows[1:], headers=rows[0])


class ParticipantsCSV(CSV):
    """CSV read as bytes and decoded by `read_csv`: django-import-export decodes text formats with one
    encoding (`from_encoding`, UTF-8 by default), so a Windows-1252 file would fail before any check."""

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        return read_csv(in_stream)


def _cell(row, name):
    value = row.get(name)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():  # a spreadsheet's 12 read as 12.0
        value = int(value)
    return " ".join(str(value).split())


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

    @property
    def problem(self):
        return self.match.problem

    @property
    def candidates(self):
        return self.match.candidates

    @property
    def ministry(self):
        return self.match.ministry

    @property
    def can_create_direction(self):
        return self.match.can_create_direction

    @property
    def suggested(self):
        """The name and acronym the « create the direction » form offers (« SG » → Secrétariat général)."""
        return matching.suggested_direction(self.direction)


class InscriptionImportResource(resources.ModelResource):
    """Participants of a workshop, from a ministry's list (see the module's docstring for the columns).

    `import_data(..., atelier=<Atelier or pk>)` names the workshop of the rows without an `atelier` cell.
    After an import, `result.unresolved` lists the rows whose organisation is not settled, grouped by the
    ministry and direction they name.
    """

    atelier = Field(attribute="atelier_label", column_name="atelier")
    email = Field(attribute="email", column_name="email")
    prenom = Field(attribute="prenom", column_name="prenom")
    nom = Field(attribute="nom", column_name="nom")
    ministere = Field(attribute="ministere_label", column_name="ministere")
    direction = Field(attribute="direction_label", column_name="direction")
    consentement = Field(attribute="consentement", column_name="consentement")
    organisation = Field(attribute="organisation_retenue", column_name="organisation retenue", readonly=True)
    resultat = Field(attribute="resultat", column_name="resultat", readonly=True)

    class Meta:
        model = Inscription
        fields = (
            "atelier",
            "email",
            "prenom",
            "nom",
            "ministere",
            "direction",
            "consentement",
            "organisation",
            "resultat",
        )
        import_id_fields = ()
        force_init_instance = True
        use_transactions = True

    @classmethod
    def get_display_name(cls):
        return gettext_lazy("Participants (inscriptions)")

    def get_user_visible_fields(self):
        # The columns read from the file (the import page lists them); the preview adds what they became.
        return [f for f in super().get_user_visible_fields() if not f.readonly]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._checked = {}
        self._unresolved = {}
        self._created = []
        self._new_accounts = {}
        self.directory = None
        self.file_is_valid = False

    def import_data(self, dataset, **kwargs):
        # All or nothing, on the confirmation step too (django-import-export runs it without this flag).
        kwargs["rollback_on_validation_errors"] = True
        kwargs["use_transactions"] = True
        result = super().import_data(dataset, **kwargs)
        result.unresolved = list(self._unresolved.values())
        # The refused rows with their errors and the cells that identify them (django-import-export's own
        # table shows every cell of the file under the resource's headers, and its errors only on hover).
        result.refused = [
            RefusedRow(
                number=row.number,
                errors=[
                    (column if column != NON_FIELD_ERRORS else _("ligne"), " ".join(messages))
                    for column, messages in row.error_dict.items()
                ],
                cells=self._checked[row.number].cells if row.number in self._checked else [],
            )
            for row in result.invalid_rows
        ]
        result.refused_headers = SHOWN
        return result

    # --- the whole file, checked before the first row is imported ---

    def before_import(self, dataset, **kwargs):
        self._checked, self._unresolved, self._created, self._new_accounts = {}, {}, [], {}
        self.prepare(dataset, has_atelier=kwargs.get("atelier") is not None)
        self.check_rows(dataset, atelier=kwargs.get("atelier"))

    @classmethod
    def prepare(cls, dataset, *, has_atelier=False):
        """Find the header line (a title line may sit above it), name the columns the import reads,
        drop empty lines; refuse a file without its required columns."""
        headers = cls._find_header_line(dataset)
        named = {}
        for original, column in zip(dataset.headers or [], headers, strict=False):
            if column is None:
                continue
            if column in named:
                raise ValidationError(
                    _("Deux colonnes désignent « %(column)s » : « %(first)s » et « %(second)s ».")
                    % {"column": column, "first": named[column], "second": original}
                )
            named[column] = original
        missing = [column for column in ["atelier", "email"] if column not in named]
        if has_atelier and "atelier" in missing:
            missing.remove("atelier")
        elif "atelier" in missing:
            missing[0] = _("atelier (ou choisissez l'atelier dans le formulaire d'import)")
        if not ({"ministere", "direction"} & set(named)):
            missing.append("ministere / direction")
        if missing:
            raise ValidationError(
                _("Colonnes manquantes : %(columns)s. Colonnes lues : %(expected)s.")
                % {"columns": ", ".join(missing), "expected": ", ".join(COLUMNS)}
            )
        dataset.headers = [
            column or original for original, column in zip(dataset.headers, headers, strict=False)
        ]
        for index in reversed(range(len(dataset))):
            if all(value is None or not str(value).strip() for value in dataset[index]):
                del dataset[index]

    @staticmethod
    def _find_header_line(dataset):
        """The columns of the header line: the first line, or the first of the next ones holding an email
        column (the lines above it, a title, are dropped)."""
        headers = [column_of(header) for header in dataset.headers or []]
        if "email" in headers:
            return headers
        for index in range(min(HEADER_SEARCH_ROWS, len(dataset))):
            if "email" in {column_of(cell) for cell in dataset[index]}:
                new_headers = list(dataset[index])
                for _line in range(index + 1):
                    del dataset[0]
                dataset.headers = new_headers
                return [column_of(header) for header in new_headers]
        return headers

    def check_rows(self, dataset, *, atelier=None):
        """Check and resolve every row, with the organisations, workshops and accounts loaded once."""
        rows = [dict(zip(dataset.headers, values, strict=False)) for values in dataset]
        self.directory = OrganisationDirectory.load()
        ateliers = self._load_ateliers(rows, atelier)
        users = self._load_users(rows)
        seen = set()
        for number, row in enumerate(rows, 1):
            self._checked[number] = self._check(row, number, ateliers=ateliers, users=users, seen=seen)
        self.file_is_valid = not any(checked.errors for checked in self._checked.values())

    @staticmethod
    def _atelier_number(label):
        number = label.split(".")[0].removeprefix("n°").strip()
        return int(number) if number.isdigit() else None

    def _load_ateliers(self, rows, atelier):
        numbers = {self._atelier_number(_cell(row, "atelier")) for row in rows} - {None}
        if atelier is not None:
            numbers.add(getattr(atelier, "pk", atelier))
        found = {a.pk: a for a in Atelier.objects.filter(pk__in=numbers)}
        found[None] = found.get(getattr(atelier, "pk", atelier)) if atelier is not None else None
        return found

    @staticmethod
    def _load_users(rows):
        emails = {_cell(row, "email").lower() for row in rows} - {""}
        users = User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails)
        return {user.email_lower: user for user in users}

    def _check_atelier(self, row, ateliers):
        label = _cell(row, "atelier")
        if not label:
            if ateliers[None] is None:
                return None, _("Indiquez l'atelier (colonne « atelier » ou choix dans le formulaire).")
            atelier = ateliers[None]
        else:
            number = self._atelier_number(label)
            if number is None:
                return None, _("Indiquez l'identifiant numérique de l'atelier.")
            atelier = ateliers.get(number)
            if atelier is None:
                return None, _("Atelier n° %(id)s introuvable.") % {"id": label}
        if atelier.status == AtelierStatus.ANNULE:
            return None, _("Cet atelier est annulé : aucune inscription possible.")
        return atelier, None

    def _check(self, row, number, *, ateliers, users, seen):
        checked = CheckedRow(cells=[_cell(row, column) for column in SHOWN])
        errors = checked.errors
        checked.atelier, errors["atelier"] = self._check_atelier(row, ateliers)
        email = _cell(row, "email").lower()
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Adresse électronique manquante ou invalide : « %(email)s ».") % {
                "email": email
            }
        else:
            key = (getattr(checked.atelier, "pk", _cell(row, "atelier")), email)
            if key in seen:
                errors["email"] = _("Personne en double dans le fichier : « %(email)s ».") % {"email": email}
            seen.add(key)
            checked.user = users.get(email)
        if (
            checked.user is None
            and not errors.get("email")
            and not (_cell(row, "prenom") and _cell(row, "nom"))
        ):
            errors["nom"] = _("Compte inconnu : le prénom et le nom sont nécessaires pour le créer.")
        ministere, direction = _cell(row, "ministere"), _cell(row, "direction")
        checked.match = self.directory.find(ministere, direction)
        checked.organisation = checked.match.organisation
        if checked.organisation is None:
            errors["direction" if direction else "ministere"] = checked.match.problem
            # « SG », « S.G. » and « secretariat general » under one ministry are one missing direction.
            group = self._unresolved.setdefault(
                (matching.ministry_key(ministere), matching.canonical(direction)),
                UnresolvedOrganisation(ministere=ministere, direction=direction, match=checked.match),
            )
            group.rows.append(number)
        consent = _cell(row, "consentement").casefold()
        if consent not in YES | NO:
            errors["consentement"] = _("Répondez « oui » ou « non » (vide : non) : « %(value)s ».") % {
                "value": _cell(row, "consentement")
            }
        checked.consent = consent in YES
        checked.errors = {column: message for column, message in errors.items() if message}
        return checked

    # --- each row ---

    def import_instance(self, instance, row, **kwargs):
        """Show the row as read and what it resolves to; refuse it with all its errors at once."""
        checked = self._checked[kwargs["row_number"]]
        instance.atelier_label = str(checked.atelier) if checked.atelier else _cell(row, "atelier")
        instance.email = _cell(row, "email").lower()
        instance.prenom, instance.nom = _cell(row, "prenom"), _cell(row, "nom")
        instance.ministere_label, instance.direction_label = _cell(row, "ministere"), _cell(row, "direction")
        instance.consentement = _("oui") if checked.consent else _("non")
        instance.organisation_retenue = checked.organisation.nom_complet if checked.organisation else ""
        instance.resultat = ""
        if checked.errors:
            raise ValidationError(checked.errors)
        instance.checked = checked

    def save_instance(self, instance, is_create, row, **kwargs):
        """Create the account if needed, then register through the service (same lock, same rules).

        While another row of the file is wrong nothing will be kept: the valid rows are then not run
        through the service at all, which keeps a wrong file's preview quick.
        """
        if not self.file_is_valid:
            instance.resultat = _("non importé (le fichier comporte des erreurs)")
            return
        checked = instance.checked
        atelier, user = checked.atelier, checked.user or self._new_accounts.get(instance.email)
        upcoming = atelier.starts_at > timezone.now()
        dry_run = kwargs.get("dry_run", False)
        if user is None:
            # A member of the organisation named on the row (an Adhesion), without a password yet.
            user = accompagnement_services.create_member(
                email=instance.email,
                first_name=instance.prenom,
                last_name=instance.nom,
                organisation=checked.organisation,
                role=Role.REPRESENTANT,
            )
            self._new_accounts[instance.email] = user
            if upcoming:
                self._created.append(user)
        try:
            result = register(
                atelier,
                user,
                by=kwargs["user"],
                organisation=checked.organisation,
                consent_annuaire=checked.consent,
                # Importing the attendance list of a past workshop tells nobody anything; a preview is
                # rolled back, so its messages would never leave anyway.
                notify=upcoming and not dry_run,
            )
        except RegistrationError as error:
            raise ValidationError({"atelier": error.message}) from error
        inscription = result.inscription
        instance.pk = inscription.pk
        instance.user = user
        instance.atelier = atelier
        instance.status = inscription.status
        instance.created = result.created
        instance.resultat = (
            inscription.get_status_display() if result.created else _("déjà inscrit (inchangé)")
        )

    def after_import(self, dataset, result, **kwargs):
        """Queue the new accounts' invitations; they leave only if the import's transaction commits."""
        if kwargs.get("dry_run") or result.has_errors() or result.has_validation_errors():
            return
        for user in self._created:
            accompagnement_services.send_invitation(user, by=kwargs.get("user"))
