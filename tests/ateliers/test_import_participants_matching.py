"""Rows matched to organisations: the ministry column, accents, case and abbreviations, the consent column,
and a fixed number of queries whatever the size of the file."""

import pytest

from ateliers.imports import InscriptionImportResource
from ateliers.models import Inscription
from tests.ateliers.factories import AtelierFactory, member_of
from tests.ateliers.participants_import import HEADERS, make_dataset, run_import

pytestmark = pytest.mark.django_db


def test_import_without_ministry_lists_every_secretariat_general_named_with_its_ministry(staff, network):
    atelier = AtelierFactory()
    result = run_import(
        make_dataset([atelier.pk, "x@y.fr", "X", "Y", "", "Secrétariat général", "oui"]), staff
    )
    error = str(result.invalid_rows[0].error_dict["direction"])
    assert "existe dans plusieurs ministères" in error
    assert "colonne « ministère »" in error
    [group] = result.unresolved
    assert len(group.candidates) == 7  # one per ministry that has one
    assert "Secrétariat général (SG) — Ministère des Armées" in {c.nom_complet for c in group.candidates}
    assert not group.can_create_direction  # no ministry named: under which one?


def test_import_direction_of_another_ministry_is_never_hinted(staff, network):
    atelier = AtelierFactory()
    result = run_import(make_dataset([atelier.pk, "x@y.fr", "X", "Y", "Armées", "DGFiP", "oui"]), staff)
    [group] = result.unresolved
    assert all(candidate.racine == network["minarm"] for candidate in group.candidates)
    assert "Finances" not in str(result.invalid_rows[0].error_dict)
    assert group.ministry == network["minarm"]


@pytest.mark.parametrize(
    ("ministere", "direction", "slug"),
    [
        ("Ministère des Armées", "SECRETARIAT GENERAL", "minarm-sg"),
        ("min. des armees", "s.g.", "minarm-sg"),
        ("MINARM", "minarm-sg", "minarm-sg"),
        ("", "minarm-sg", "minarm-sg"),
        ("Justice", "Direction de l'Administration Pénitentiaire", "mj-dap"),
        ("Ministère de la Transition écologique", "Direction des RH", "mte-drh"),
        ("Éducation nationale", "DG RH", "menj-dgrh"),
        ("Économie et Finances", "DGFIP", "mef-dgfip"),
        ("PFRH", "Hauts-de-France", "pfrh-hdf"),
        ("Plateforme régionale d'appui interministériel à la GRH", "Pays de la Loire", "pfrh-pdl"),
        ("Ministère de la Culture", "", "mc"),
    ],
)
def test_import_accents_case_and_abbreviations(staff, network, ministere, direction, slug):
    atelier = AtelierFactory()
    result = run_import(make_dataset([atelier.pk, "x@y.fr", "X", "Y", ministere, direction, "oui"]), staff)
    assert not result.has_validation_errors(), result.refused
    assert Inscription.objects.get().organisation.slug == slug


@pytest.mark.parametrize(
    ("cell", "consent"),
    [("oui", True), ("OUI", True), ("x", True), ("Vrai", True), ("1", True), ("non", False), ("", False)],
)
def test_import_consent_column(staff, network, cell, consent):
    atelier = AtelierFactory()
    run_import(make_dataset([atelier.pk, "x@y.fr", "X", "Y", "Justice", "SG", cell]), staff)
    assert Inscription.objects.get().consent_annuaire is consent


def test_import_without_consent_column_presumes_no_consent(staff, network):
    atelier = AtelierFactory()
    result = run_import(
        make_dataset([atelier.pk, "x@y.fr", "X", "Y", "Justice", "SG"], headers=HEADERS[:-1]), staff
    )
    assert not result.has_validation_errors()
    assert Inscription.objects.get().consent_annuaire is False


def test_import_unclear_consent_is_a_row_error(staff, network):
    atelier = AtelierFactory()
    result = run_import(make_dataset([atelier.pk, "x@y.fr", "X", "Y", "Justice", "SG", "peut-être"]), staff)
    assert "« peut-être »" in str(result.invalid_rows[0].error_dict["consentement"])
    assert not Inscription.objects.exists()


def test_import_resolution_of_10000_rows_takes_a_fixed_number_of_queries(
    staff, network, django_assert_num_queries
):
    atelier = AtelierFactory()
    known = [member_of(network["mj-sg"]) for _ in range(3)]
    pairs = [
        ("Ministère des Armées", "Secrétariat général"),
        ("Justice", "SG"),
        ("Min. Intérieur", "S.G."),
        ("MEF", "DGFiP"),
        ("PFRH", "Hauts-de-France"),
        ("Ministère de la Culture", "Musée du Louvre"),
    ]
    rows = [
        [atelier.pk, f"agent{n}@ministere.gouv.fr", "Prénom", f"Nom{n}", *pairs[n % len(pairs)], "oui"]
        for n in range(10_000)
    ]
    rows[:3] = [[atelier.pk, user.email, "", "", "Justice", "SG", "non"] for user in known]
    dataset = make_dataset(*rows)
    resource = InscriptionImportResource()
    # The organisations, the workshops and the accounts, each loaded once.
    with django_assert_num_queries(3):
        resource.prepare(dataset)
        resource.check_rows(dataset)
    assert resource.file_is_valid
    checked = resource._checked
    assert len(checked) == 10_000
    assert checked[1].user == known[0]
    assert checked[4].organisation == network["mef-dgfip"]
    assert checked[5].organisation == network["pfrh-hdf"]
    assert checked[6].organisation == network["louvre"]
    assert checked[7].organisation == network["minarm-sg"]
    assert checked[8].organisation == network["mj-sg"]
    assert checked[9].organisation == network["miom-sg"]


def test_import_wrong_file_preview_does_not_register_the_valid_rows(
    staff, network, django_assert_num_queries
):
    atelier = AtelierFactory()
    rows = [
        [atelier.pk, f"agent{n}@justice.gouv.fr", "P", f"N{n}", "Justice", "SG", "oui"] for n in range(50)
    ]
    rows.append([atelier.pk, "z@y.fr", "Z", "Y", "Justice", "Direction inconnue", "oui"])
    # The 3 loads and savepoints only: the import's, its first and last steps' and one around each of the
    # 51 rows (opened and closed, 109 statements). No registration is attempted while the file cannot be
    # imported.
    with django_assert_num_queries(112):
        result = run_import(make_dataset(*rows), staff, dry_run=True)
    assert [row.number for row in result.invalid_rows] == [51]
    assert "non importé" in result.valid_rows()[0].diff[-1]


def test_import_variants_of_a_missing_direction_are_one_row_to_create_named_in_full(staff, network):
    """« SG », « S.G. » and « secretariat general » under a ministry that has none: one missing direction,
    offered as « Secrétariat général » (SG), never as the abbreviation typed on the first row."""
    atelier = AtelierFactory()
    rows = [
        [atelier.pk, f"p{i}@culture.gouv.fr", "P", f"N{i}", "Culture", label, "oui"]
        for i, label in enumerate(["SG", "S.G.", "secretariat  GENERAL"])
    ]
    network["mc-sg"].delete()  # the Culture ministry has no secrétariat général in the base any more
    result = run_import(make_dataset(*rows), staff)
    [group] = result.unresolved
    assert group.rows == [1, 2, 3]
    assert group.can_create_direction
    assert group.suggested == ("Secrétariat général", "SG")
