"""Reading a participants file: its encoding and separator (CSV), its header line and the columns the
import reads, whatever their accents, case and usual variants."""

import codecs
import csv
import io

import tablib
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export.formats.base_formats import CSV

from accompagnement.matching import SMALL_WORDS
from accompagnement.models import fold

COLUMNS = ["atelier", "email", "prenom", "nom", "ministere", "direction", "consentement"]
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


def cell(row, name):
    """A row's cell as text, spaces folded ("" when absent; a spreadsheet's 12.0 read as 12)."""
    value = row.get(name)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


# --- CSV: encoding and separator -----------------------------------------------------------------


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
    rows = [row for row in rows if any(value.strip() for value in row)]
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


# --- The header line and the columns ---------------------------------------------------------------


def prepare(dataset, *, has_atelier=False):
    """Find the header line (a title line may sit above it), name the columns the import reads, drop
    empty lines; refuse a file without its required columns."""
    headers = _find_header_line(dataset)
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
    dataset.headers = [column or original for original, column in zip(dataset.headers, headers, strict=False)]
    for index in reversed(range(len(dataset))):
        if all(value is None or not str(value).strip() for value in dataset[index]):
            del dataset[index]


def _find_header_line(dataset):
    """The columns of the header line: the first line, or the first of the next ones holding an email
    column (the lines above it, a title, are dropped)."""
    headers = [column_of(header) for header in dataset.headers or []]
    if "email" in headers:
        return headers
    for index in range(min(HEADER_SEARCH_ROWS, len(dataset))):
        if "email" in {column_of(value) for value in dataset[index]}:
            new_headers = list(dataset[index])
            for _line in range(index + 1):
                del dataset[0]
            dataset.headers = new_headers
            return [column_of(header) for header in new_headers]
    return headers
