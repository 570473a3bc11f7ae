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

Where each part lives: `fichier` reads the file (encoding, separator, header line, columns), `lignes`
checks the rows and says what the preview shows of the refused and unresolved ones, `resource` is the
import itself (`InscriptionImportResource`, the admin's « Importer »).
"""

from ateliers.imports.fichier import ParticipantsCSV, UnreadableFileError, column_of, read_csv
from ateliers.imports.resource import InscriptionImportResource

__all__ = ["InscriptionImportResource", "ParticipantsCSV", "UnreadableFileError", "column_of", "read_csv"]
