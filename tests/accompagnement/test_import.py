"""Members imported from spreadsheets: all or nothing, errors per row, invitations after the commit."""

import csv
import io

import pytest
import tablib
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from accompagnement.enums import Role
from accompagnement.models import Adhesion, User
from accompagnement.resources import MemberResource
from tests.accompagnement.factories import AdhesionFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADERS = ["email", "prenom", "nom", "organisation", "role", "fonction"]


@pytest.fixture
def justice(db):
    return OrganisationFactory(ministere=True, name="Ministère de la Justice", acronym="MJ", slug="mj")


@pytest.fixture
def culture(db):
    return OrganisationFactory(ministere=True, name="Ministère de la Culture", acronym="MC", slug="mc")


def dataset(*rows):
    return tablib.Dataset(*rows, headers=HEADERS)


def good_rows():
    return [
        ("lea.durand@justice.gouv.fr", "Léa", "Durand", "mj", "tete_de_reseau", "Cheffe de bureau"),
        ("Marc.Petit@Culture.gouv.fr", "Marc", "Petit", "Ministère de la Culture", "Représentant", ""),
    ]


def test_import_valid_rows_creates_members_and_invites_after_commit(
    justice, culture, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = MemberResource().import_data(dataset(*good_rows()), dry_run=False, user=staff)
        assert mail.outbox == []
    assert not result.has_errors()
    assert not result.has_validation_errors()
    lea = User.objects.get(email="lea.durand@justice.gouv.fr")
    marc = User.objects.get(email="marc.petit@culture.gouv.fr")
    assert not lea.has_usable_password()
    assert lea.adhesions.get().organisation == justice
    assert marc.adhesions.get().role == Role.REPRESENTANT
    assert sorted(m.to[0] for m in mail.outbox) == [
        "lea.durand@justice.gouv.fr",
        "marc.petit@culture.gouv.fr",
    ]
    assert all("/invitation/" in m.body for m in mail.outbox)


def test_import_dry_run_writes_nothing_and_sends_nothing(
    justice, culture, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = MemberResource().import_data(dataset(*good_rows()), dry_run=True)
    assert [row.import_type for row in result.rows] == ["new", "new"]
    assert not User.objects.filter(email="lea.durand@justice.gouv.fr").exists()
    assert mail.outbox == []


def test_import_mixed_rows_imports_nothing_and_lists_every_bad_row(
    justice, culture, lead, django_capture_on_commit_callbacks
):
    rows = [
        *good_rows(),
        ("agent@nulle-part.gouv.fr", "Anne", "Martin", "ministere-inconnu", "", ""),
        ("pas-une-adresse", "Paul", "Bernard", "mj", "", ""),
        ("lea.durand@justice.gouv.fr", "Léa", "Durand", "mj", "", ""),
        ("sans.nom@justice.gouv.fr", "Sans", "", "mj", "", ""),
        ("role@justice.gouv.fr", "Rose", "Lambert", "mj", "chef suprême", ""),
    ]
    users_before = User.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        result = MemberResource().import_data(dataset(*rows), dry_run=False)
    assert User.objects.count() == users_before
    assert not Adhesion.objects.filter(user__email="lea.durand@justice.gouv.fr").exists()
    assert mail.outbox == []
    errors = {row.number: row.error_dict for row in result.invalid_rows}
    assert sorted(errors) == [3, 4, 5, 6, 7]
    assert "Organisation inconnue" in errors[3]["organisation"][0]
    assert "Adresse électronique invalide" in errors[4]["email"][0]
    assert "Adresse en double dans le fichier" in errors[5]["email"][0]
    assert errors[6]["nom"] == ["Nom manquant."]
    assert "Rôle inconnu" in errors[7]["role"][0]


def test_import_existing_member_is_updated_without_new_invitation(
    justice, lead, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = MemberResource().import_data(
            dataset((lead.email.upper(), "Prénom", "Nouveau", "mj", "representant", "Conseiller")),
            dry_run=False,
        )
    assert not result.has_validation_errors()
    lead.refresh_from_db()
    assert lead.last_name == "Nouveau"
    assert lead.adhesions.get(organisation=justice).role == Role.REPRESENTANT
    assert lead.has_usable_password()
    assert mail.outbox == []


def test_import_missing_columns_is_an_error(justice):
    data = tablib.Dataset(("a@b.fr", "A"), headers=["email", "prenom"])
    result = MemberResource().import_data(data, dry_run=True)
    assert result.has_errors()
    assert "Colonnes manquantes" in str(result.base_errors[0].error)


def test_export_has_the_import_columns_and_round_trips(justice, django_capture_on_commit_callbacks):
    adhesion = AdhesionFactory(organisation=justice, function="Cheffe de mission")
    exported = MemberResource().export(queryset=User.objects.filter(pk=adhesion.user_id))
    assert exported.headers == HEADERS
    assert exported[0][0] == adhesion.user.email
    assert exported[0][3:] == ("mj", "tete_de_reseau", "Cheffe de mission")
    result = MemberResource().import_data(exported, dry_run=False)
    assert not result.has_validation_errors()
    assert [row.import_type for row in result.rows] == ["update"]


def upload(client, content, filename, file_format):
    """Step one of the admin import: upload and preview (dry run)."""
    file = io.BytesIO(content)
    file.name = filename
    return client.post(
        reverse("admin:accompagnement_user_import"),
        {"resource": "0", "format": file_format, "import_file": file},
    )


def csv_bytes(rows):
    return dataset(*rows).export("csv").encode()


def test_admin_import_csv_preview_then_confirm(
    client, staff, justice, culture, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    assert client.get(reverse("admin:accompagnement_user_import")).status_code == 200
    response = upload(client, csv_bytes(good_rows()), "membres.csv", "0")
    assert response.status_code == 200
    assert "confirm_form" in response.context
    assert not User.objects.filter(email="lea.durand@justice.gouv.fr").exists()
    confirm = response.context["confirm_form"].initial
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:accompagnement_user_process_import"), confirm)
    assert response.status_code == 302
    assert User.objects.filter(email="lea.durand@justice.gouv.fr").exists()
    assert len(mail.outbox) == 2


def test_admin_import_with_bad_rows_shows_errors_and_no_confirmation(client, staff, justice, culture):
    client.force_login(staff)
    rows = [*good_rows(), ("faux", "X", "", "inconnue", "", "")]
    response = upload(client, csv_bytes(rows), "membres.csv", "0")
    content = response.content.decode()
    assert response.status_code == 200
    assert "confirm_form" not in response.context
    assert "Adresse électronique invalide" in content
    assert "Organisation inconnue" in content
    assert "Nom manquant." in content
    assert not User.objects.filter(email="lea.durand@justice.gouv.fr").exists()


def test_admin_import_xlsx(client, staff, justice, culture):
    client.force_login(staff)
    response = upload(client, dataset(*good_rows()).export("xlsx"), "membres.xlsx", "1")
    assert "confirm_form" in response.context, response.context.get("result")


def test_admin_export_xlsx(client, staff, justice):
    AdhesionFactory(organisation=justice)
    client.force_login(staff)
    response = client.post(
        reverse("admin:accompagnement_user_export"),
        {"resource": "0", "format": "1", **{f"memberresource_{column}": "on" for column in HEADERS}},
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == HEADERS


def test_admin_export_neutralises_formulae(client, staff, justice):
    AdhesionFactory(
        organisation=justice,
        user__first_name='=HYPERLINK("https://example.org","x")',
        user__last_name="+Durand",
        function="@SUM(A1)",
    )
    client.force_login(staff)
    for fmt in ["0", "1"]:  # CSV, XLSX
        response = client.post(
            reverse("admin:accompagnement_user_export"),
            {"resource": "0", "format": fmt, **{f"memberresource_{column}": "on" for column in HEADERS}},
        )
        assert response.status_code == 200
        if fmt == "0":
            cells = [
                cell for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for cell in row
            ]
        else:
            sheet = load_workbook(io.BytesIO(response.content)).active
            assert not [cell.value for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
            cells = [cell.value for row in sheet.iter_rows() for cell in row]
        assert {'\'=HYPERLINK("https://example.org","x")', "'+Durand", "'@SUM(A1)"} <= set(cells)


def test_admin_import_closed_to_members(client, lead):
    client.force_login(lead)
    assert client.get(reverse("admin:accompagnement_user_import")).status_code == 302


def test_import_ignores_empty_lines(justice, culture):
    result = MemberResource().import_data(dataset(*good_rows(), ("", None, "", "", "", "")), dry_run=True)
    assert not result.has_validation_errors()
    assert result.totals["new"] == 2


@pytest.fixture
def superuser(justice):
    return AdhesionFactory(
        organisation=justice,
        user__email="admin@dgafp.gouv.fr",
        user__last_name="Racine",
        user__is_staff=True,
        user__is_superuser=True,
    ).user


def test_import_refuses_a_superusers_row_to_a_staff_member(justice, culture, staff, superuser):
    rows = [*good_rows(), ("ADMIN@dgafp.gouv.fr", "Pris", "Parlimport", "mc", "representant", "")]
    result = MemberResource().import_data(dataset(*rows), dry_run=False, user=staff)
    errors = {row.number: row.error_dict for row in result.invalid_rows}
    assert list(errors) == [3]
    assert "Compte protégé" in errors[3]["email"][0]
    superuser.refresh_from_db()
    assert superuser.last_name == "Racine"
    assert not superuser.adhesions.filter(organisation=culture).exists()
    assert not User.objects.filter(email="lea.durand@justice.gouv.fr").exists()  # all or nothing


def test_import_lets_a_superuser_update_a_superuser(justice, superuser):
    other = UserFactory(is_staff=True, is_superuser=True)
    row = (superuser.email, "Prénom", "Nouveau", "mj", "representant", "")
    result = MemberResource().import_data(dataset(row), dry_run=False, user=other)
    assert not result.has_validation_errors()
    superuser.refresh_from_db()
    assert superuser.last_name == "Nouveau"


def test_admin_import_shows_protected_account_to_staff(client, staff, justice, superuser):
    client.force_login(staff)
    response = upload(
        client, csv_bytes([(superuser.email, "Pris", "Parlimport", "mj", "", "")]), "m.csv", "0"
    )
    assert "confirm_form" not in response.context
    assert "Compte protégé" in response.content.decode()
    superuser.refresh_from_db()
    assert superuser.last_name == "Racine"
