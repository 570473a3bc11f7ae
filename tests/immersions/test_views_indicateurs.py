"""The indicators page and its CSV export: the figures, blank or zero where nothing is measured, cells that
never start a formula."""

import csv
import io

import pytest

from immersions.enums import ImmersionStatus
from tests.accompagnement.factories import OrganisationFactory
from tests.immersions.factories import ImmersionFactory, in_days

pytestmark = pytest.mark.django_db
S = ImmersionStatus


def _csv_rows(client):
    content = client.get("/indicateurs/export.csv").content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content), delimiter=";"))


def test_indicators_figures_and_csv(client, origin, host, staff, outsider_lead, origin_lead, host_lead):  # noqa: PLR0917 - pytest injects fixtures by name
    ImmersionFactory(
        origin=origin, host=host, status=S.BILAN_FAIT, start_date=in_days(-30), end_date=in_days(-21)
    )
    ImmersionFactory(
        origin=origin, host=host, status=S.TERMINEE, start_date=in_days(-10), end_date=in_days(-9)
    )
    client.force_login(staff)
    content = client.get("/indicateurs/").content.decode()
    assert "<svg" in content
    assert "<table>" in content
    assert "50 %" in content  # one of the two finished immersions has its bilan
    assert "6.0" in content or "6,0" in content  # (10 + 2) / 2 days
    rows = list(
        csv.reader(
            io.StringIO(client.get("/indicateurs/export.csv").content.decode("utf-8-sig")), delimiter=";"
        )
    )
    assert ["immersions", "total", "2"] in rows
    assert ["par ministère", origin.name, "2"] in rows
    assert ["par statut", "Bilan fait", "1"] in rows
    assert ["par type", "Découverte d'un métier", "2"] in rows
    # A lead counts only their organisation's immersions; a confidential one is not the host's to count.
    ImmersionFactory(origin=origin, host=host, confidential=True)
    for user, total in ((outsider_lead, "0"), (origin_lead, "3"), (host_lead, "2"), (staff, "3")):
        client.force_login(user)
        assert ["immersions", "total", total] in _csv_rows(client), user


def test_indicators_csv_writes_zero_percent_when_no_finished_immersion_has_a_bilan(
    client, origin, host, staff
):
    ImmersionFactory(
        origin=origin, host=host, status=S.TERMINEE, start_date=in_days(-10), end_date=in_days(-9)
    )
    client.force_login(staff)
    rows = _csv_rows(client)
    assert ["immersions", "part avec bilan (%)", "0"] in rows
    assert ["immersions", "durée moyenne (jours)", "2.0"] in rows


def test_indicators_csv_leaves_the_figures_blank_without_immersions(client, staff):
    client.force_login(staff)
    rows = _csv_rows(client)
    assert ["immersions", "part avec bilan (%)", ""] in rows
    assert ["immersions", "durée moyenne (jours)", ""] in rows


def test_indicators_csv_cells_never_start_a_formula(client, host, staff):
    ministry = OrganisationFactory(ministere=True, name='=HYPERLINK("https://pirate.example","clic")')
    OrganisationFactory(parent=ministry, name="-1+1 service", cliquet=2)
    ImmersionFactory(origin=ministry, host=host)
    client.force_login(staff)
    rows = list(
        csv.reader(
            io.StringIO(client.get("/indicateurs/export.csv").content.decode("utf-8-sig")), delimiter=";"
        )
    )
    cells = [cell for row in rows for cell in row]
    assert ["par ministère", "'" + ministry.name, "1"] in rows
    assert any(cell.startswith("'-1+1 service") for cell in cells)
    assert not [cell for cell in cells if cell[:1] in {"=", "+", "-", "@", "\t", "\r"}]
