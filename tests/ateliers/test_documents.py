"""What leaves the site as a file: CSV/XLSX exports, the sign-in sheet PDF, calendar files."""

import csv
import io
import subprocess

import icalendar
import openpyxl
import pytest
from django.urls import reverse

from ateliers import calendar
from ateliers.enums import InscriptionStatus
from tests.accompagnement.factories import OrganisationFactory
from tests.ateliers.factories import AtelierFactory, InscriptionFactory, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def atelier_with_people():
    atelier = AtelierFactory(title="Structurer l'offre")
    ministry = OrganisationFactory(ministere=True, name="Ministère de la Justice")
    sg = OrganisationFactory(name="Secrétariat général", parent=ministry)
    louvre = OrganisationFactory(name="Musée du Louvre", acronym="Louvre")
    InscriptionFactory(atelier=atelier, organisation=sg, user=member_of(sg, user__last_name="Benali"))
    InscriptionFactory(atelier=atelier, organisation=louvre, user=member_of(louvre, user__last_name="Muller"))
    InscriptionFactory(
        atelier=atelier,
        organisation=louvre,
        status=InscriptionStatus.LISTE_ATTENTE,
        user=member_of(louvre, user__last_name="Attente"),
    )
    return atelier


def test_export_csv_lists_every_registration(client, staff, atelier_with_people):
    client.force_login(staff)
    response = client.get(reverse("ateliers:export", args=[atelier_with_people.pk, "csv"]))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("Atelier,Nom,Prénom,Adresse électronique,Ministère ou organisme")
    assert len(lines) == 4
    assert "BENALI" in text
    assert "Ministère de la Justice" in text
    assert "Liste d'attente" in text


def test_export_xlsx_opens_in_a_spreadsheet(client, staff, atelier_with_people, django_assert_num_queries):
    client.force_login(staff)
    client.get("/")
    with django_assert_num_queries(11):  # 2 of them: the animator's permissions (the staff role)
        response = client.get(reverse("ateliers:export", args=[atelier_with_people.pk, "xlsx"]))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Atelier", "Nom", "Prénom")
    assert {row[1] for row in rows[1:]} == {"BENALI", "MULLER", "ATTENTE"}


@pytest.fixture
def atelier_with_formulae():
    """Names as they may arrive from a ministry's spreadsheet: each would run as a formula in Excel."""
    atelier = AtelierFactory(title="Structurer l'offre")
    service = OrganisationFactory(name="+Service piégé")
    InscriptionFactory(
        atelier=atelier,
        organisation=service,
        user=member_of(
            service, user__last_name='=HYPERLINK("https://example.org","x")', user__first_name="@SUM(A1)"
        ),
    )
    InscriptionFactory(
        atelier=atelier, user=member_of(service, user__last_name="-2+3", user__first_name="\tTab")
    )
    return atelier


def test_export_csv_neutralises_formulae(client, staff, atelier_with_formulae):
    client.force_login(staff)
    response = client.get(reverse("ateliers:export", args=[atelier_with_formulae.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]
    cells = [cell for row in rows for cell in row]
    assert '\'=HYPERLINK("HTTPS://EXAMPLE.ORG","X")' in cells
    assert {"'@SUM(A1)", "'+Service piégé", "'-2+3", "'\tTab"} <= set(cells)
    assert not [cell for cell in cells if cell[:1] in {"=", "+", "-", "@", "\t", "\r"}]


def test_export_xlsx_has_no_formula_cell(client, staff, atelier_with_formulae):
    client.force_login(staff)
    response = client.get(reverse("ateliers:export", args=[atelier_with_formulae.pk, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert not [cell.value for cell in cells if cell.data_type == "f"]
    assert "'@SUM(A1)" in {cell.value for cell in cells}


def test_export_unknown_format_refused(client, staff, atelier_with_people):
    client.force_login(staff)
    assert client.get(reverse("ateliers:export", args=[atelier_with_people.pk, "json"])).status_code == 404


def test_emargement_pdf_grouped_by_organisation(client, staff, atelier_with_people, tmp_path):
    client.force_login(staff)
    response = client.get(reverse("ateliers:emargement_pdf", args=[atelier_with_people.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    path = tmp_path / "emargement.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "Feuille d'émargement" in text or "Feuille d’émargement" in text
    assert text.index("Ministère de la Justice") < text.index("BENALI")
    assert text.index("Musée du Louvre") < text.index("MULLER")
    assert "ATTENTE" not in text  # only confirmed people sign


def test_atelier_ics_is_a_valid_calendar(client, lead):
    atelier = AtelierFactory(title="Immersions", place="Paris")
    client.force_login(lead)
    response = client.get(reverse("ateliers:atelier_ics", args=[atelier.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    assert "Immersions" in str(event["summary"])
    assert event.decoded("dtstart") == atelier.starts_at.replace(microsecond=0)
    assert str(event["location"]) == "Paris"


def test_programme_feed_lists_the_years_visible_workshops(client, lead):
    first = AtelierFactory(title="Premier")
    AtelierFactory(programme=first.programme, title="Second", annule=True)
    AtelierFactory(programme=first.programme, title="Brouillon caché", brouillon=True)
    AtelierFactory(programme__year=2019, title="Autre année")
    client.force_login(lead)
    response = client.get(reverse("ateliers:programme_ics"), {"annee": first.programme.year})
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(e["summary"]).split("— ", 2)[-1]: str(e["status"]) for e in calendar.walk("VEVENT")}
    assert set(events) == {"Premier", "Second"}
    assert events["Second"] == "CANCELLED"


def test_programme_feed_by_personal_token_without_session(client, lead):
    AtelierFactory(title="Premier")
    AtelierFactory(title="Brouillon caché", brouillon=True)
    client.force_login(lead)
    page = client.get(reverse("ateliers:programme")).content.decode()
    assert f"?jeton={calendar.feed_token(lead)}" in page
    client.logout()
    token = calendar.feed_token(lead)
    response = client.get(reverse("ateliers:programme_ics"), {"jeton": token})
    assert response.status_code == 200
    summaries = [str(e["summary"]) for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")]
    assert len(summaries) == 1
    assert "Premier" in summaries[0]


def test_programme_feed_refuses_forged_token(client, lead):
    response = client.get(reverse("ateliers:programme_ics"), {"jeton": calendar.feed_token(lead) + "x"})
    assert response.status_code == 302
    assert "/compte/login/" in response.url
    lead.is_active = False
    lead.save()
    response = client.get(reverse("ateliers:programme_ics"), {"jeton": calendar.feed_token(lead)})
    assert response.status_code == 302


def test_programme_feed_token_of_staff_shows_no_draft(client, staff):
    AtelierFactory(title="Premier")
    AtelierFactory(title="Brouillon caché", brouillon=True)
    response = client.get(reverse("ateliers:programme_ics"), {"jeton": calendar.feed_token(staff)})
    summaries = [str(e["summary"]) for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")]
    assert len(summaries) == 1
    assert "Premier" in summaries[0]


def test_programme_feed_token_revoked_when_address_renewed(client, lead):
    old_token = calendar.feed_token(lead)
    client.force_login(lead)
    response = client.post(reverse("ateliers:renew_feed"))
    assert response.status_code == 302
    lead.refresh_from_db()
    new_token = calendar.feed_token(lead)
    assert new_token != old_token
    assert f"?jeton={new_token}" in client.get(reverse("ateliers:programme")).content.decode()
    client.logout()
    assert client.get(reverse("ateliers:programme_ics"), {"jeton": old_token}).status_code == 302
    assert client.get(reverse("ateliers:programme_ics"), {"jeton": new_token}).status_code == 200


def test_programme_feed_token_revoked_by_new_password(client, lead):
    token = calendar.feed_token(lead)
    lead.set_password("un-autre-mot-de-passe-42")
    lead.save()
    assert client.get(reverse("ateliers:programme_ics"), {"jeton": token}).status_code == 302


def test_programme_feed_renewal_needs_post(client, lead):
    client.force_login(lead)
    assert client.get(reverse("ateliers:renew_feed")).status_code == 405


@pytest.mark.parametrize("annee", ["²", "abc", "-1", "99999999999999999999", "1e3", "٣"])
def test_programme_feed_ignores_a_year_that_is_not_one(client, lead, annee):
    AtelierFactory(title="Premier")
    client.force_login(lead)
    response = client.get(reverse("ateliers:programme_ics"), {"annee": annee})
    assert response.status_code == 200
    assert len(icalendar.Calendar.from_ical(response.content).walk("VEVENT")) == 1
