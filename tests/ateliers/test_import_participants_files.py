"""The participants import reads ministries' files as they are sent: encodings, separators, title lines,
header variants, spreadsheets, missing or doubled columns."""

import codecs
import io

import openpyxl
import pytest
import tablib
from django.urls import reverse

from ateliers.imports import UnreadableFileError, column_of, read_csv
from ateliers.models import Inscription
from tests.ateliers.factories import AtelierFactory
from tests.ateliers.participants_import import FIXTURE, confirm_import, make_dataset, run_import, upload_file

pytestmark = pytest.mark.django_db


def test_read_csv_windows_1252_semicolons_real_bytes():
    content = FIXTURE.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")  # really Windows-1252, as French Excel saves « CSV (point-virgule) »
    dataset = read_csv(content)
    assert dataset.headers[0].startswith("Liste des participants")  # the title line, found later
    assert list(dataset[0]) == [
        "Civilité",
        "Prénom",
        "NOM",
        "Ministère",
        "Direction / service",
        "Fonction",
        "Courriel",
        "Accord pour figurer au livret",
    ]
    names = {row[2] for row in dataset}
    assert {"Lœuillet", "Noël", "d'Harcourt"} <= names
    assert "Direction de l’administration pénitentiaire" in {row[4] for row in dataset}
    assert len(dataset) == 41  # the header line and 40 participants


@pytest.mark.parametrize(
    ("encoded", "separator"),
    [
        (lambda text: text.encode("utf-8"), ","),
        (lambda text: codecs.BOM_UTF8 + text.encode("utf-8"), ";"),
        (lambda text: text.encode("cp1252"), ";"),
        (lambda text: text.encode("utf-16"), "\t"),
    ],
)
def test_read_csv_encodings_and_separators(encoded, separator):
    text = separator.join(["Courriel", "Prénom", "Nom"]) + "\r\n"
    text += separator.join(["a.b@culture.gouv.fr", "Françoise", "Lœuillet"]) + "\r\n"
    dataset = read_csv(encoded(text))
    assert dataset.headers == ["Courriel", "Prénom", "Nom"]
    assert list(dataset[0]) == ["a.b@culture.gouv.fr", "Françoise", "Lœuillet"]


def test_read_csv_undecodable_bytes_is_a_clear_error():
    with pytest.raises(UnreadableFileError, match="ni en UTF-8 ni en Windows-1252"):
        read_csv(b"email;nom\r\n\x81\x8d@x.fr;\x90\r\n")


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("Ministère", "ministere"),
        ("MINISTERE OU ORGANISME", "ministere"),
        ("Ministère / organisme", "ministere"),
        ("Direction / service", "direction"),
        ("Direction ou service", "direction"),
        ("Structure", "direction"),
        ("organisation", "direction"),
        ("Courriel", "email"),
        ("Adresse électronique", "email"),
        ("E-mail", "email"),
        ("Prénom", "prenom"),
        ("NOM", "nom"),
        ("Nom de famille", "nom"),
        ("Accord pour figurer au livret", "consentement"),
        ("Accepte de figurer au livret", "consentement"),
        (" N° atelier ", "atelier"),
        ("Fonction", None),
        ("Téléphone", None),
    ],
)
def test_column_of_header_variants(header, column):
    assert column_of(header) == column


def test_import_organisation_and_direction_columns_together_are_refused(staff, network):
    atelier = AtelierFactory()
    result = run_import(
        make_dataset(
            [atelier.pk, "a@b.fr", "A", "B", "Justice", "SG", "SG"],
            headers=["atelier", "email", "prenom", "nom", "ministere", "direction", "organisation"],
        ),
        staff,
        dry_run=True,
    )
    assert "Deux colonnes désignent « direction »" in str(result.base_errors[0].error)


def test_import_xlsx_with_title_line_and_header_variants_through_admin(admin_client, network):
    atelier = AtelierFactory()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Participants — atelier du réseau"])
    sheet.append(
        ["Prénom", "Nom", "Ministère", "Direction / service", "Adresse électronique", "Consentement"]
    )
    sheet.append(
        [
            "Hélène",
            "Vincent",
            "Ministère des Armées",
            "Secrétariat général",
            "h.vincent@intradef.gouv.fr",
            "oui",
        ]
    )
    sheet.append(
        ["Paul", "Henry", "Ministère de la Justice", "Secrétariat général", "p.henry@justice.gouv.fr", None]
    )
    sheet.append([None, None, None, None, None, None])  # spreadsheets end with empty lines
    content = io.BytesIO()
    workbook.save(content)
    response = upload_file(
        admin_client, content.getvalue(), name="participants.xlsx", file_format="1", atelier=atelier
    )
    assert not response.context["result"].has_validation_errors(), response.context["result"].refused
    confirm_import(admin_client, response)
    inscriptions = {
        i.user.get_full_name(): i for i in Inscription.objects.select_related("user", "organisation")
    }
    assert inscriptions["Hélène Vincent"].organisation == network["minarm-sg"]
    assert inscriptions["Paul Henry"].organisation == network["mj-sg"]
    assert inscriptions["Paul Henry"].consent_annuaire is False


def test_import_duplicate_person_and_missing_column_are_reported(staff, network):
    atelier = AtelierFactory()
    row = [atelier.pk, "x@y.fr", "X", "Y", "Justice", "SG", "oui"]
    result = run_import(make_dataset(row, row), staff, dry_run=True)
    assert "double" in str(result.invalid_rows[0].error_dict["email"])
    result = run_import(tablib.Dataset(["x@y.fr"], headers=["email"]), staff, dry_run=True)
    assert result.has_errors()
    assert "Colonnes manquantes : atelier (ou choisissez l'atelier dans le formulaire d'import), " in str(
        result.base_errors[0].error
    )
    assert "ministere / direction" in str(result.base_errors[0].error)


def test_import_page_says_what_is_read_and_offers_the_workshop(admin_client):
    atelier, cancelled = AtelierFactory(), AtelierFactory(annule=True)
    response = admin_client.get(reverse("admin:ateliers_inscription_import"))
    content = response.content.decode()
    assert "Windows-1252" in content
    assert "atelier, email, prenom, nom, ministere, direction, consentement</code>" in content
    choices = [value for value, _label in response.context["form"].fields["atelier"].choices]
    assert atelier.pk in [getattr(value, "value", value) for value in choices]
    assert cancelled.pk not in [getattr(value, "value", value) for value in choices]
