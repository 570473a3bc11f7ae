"""Finding organisations from what people type (accompagnement.matching), and adding a missing direction."""

import pytest
from django.core.exceptions import ValidationError

from accompagnement import matching
from accompagnement.enums import OrganisationKind
from accompagnement.matching import OrganisationDirectory, canonical, create_direction, ministry_key
from tests.accompagnement.factories import OrganisationFactory

K = OrganisationKind


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Secrétariat général", "sg"),
        ("SECRETARIAT GENERAL", "sg"),
        ("secrétariat  général", "sg"),
        ("SG", "sg"),
        ("S.G.", "sg"),
        ("Direction des ressources humaines", "drh"),
        ("Direction des RH", "drh"),
        ("D.R.H.", "drh"),
        ("Direction générale des ressources humaines", "dgrh"),
        ("DG RH", "dgrh"),
        ("Direction générale des finances publiques", "dg finance publique"),
        ("Plateforme régionale d'appui interministériel à la GRH", "pfrh"),
        ("Plateforme RH Hauts-de-France", "pfrh haut france"),
        ("PFRH Hauts-de-France", "pfrh haut france"),
        ("Direction de l’administration pénitentiaire", "direction administration penitentiaire"),
        ("Min. des Armées", "ministere armee"),
        ("", ""),
    ],
)
def test_canonical_ignores_accents_case_punctuation_and_abbreviations(typed, key):
    assert canonical(typed) == key


@pytest.mark.parametrize(
    "typed",
    [
        "Ministère des Armées",
        "Min. des armées",
        "MINISTERE DES ARMEES",
        "Armées",
        "armee",
        "Ministères des Armées",
    ],
)
def test_ministry_key_drops_the_ministere_prefix(typed):
    assert ministry_key(typed) == "armee"


@pytest.fixture
def tree(db):
    armees = OrganisationFactory(
        kind=K.MINISTERE, name="Ministère des Armées", acronym="MINARM", slug="minarm"
    )
    justice = OrganisationFactory(
        kind=K.MINISTERE, name="Ministère de la Justice", acronym="MJ", slug="mj", libelle_court="Justice"
    )
    interieur = OrganisationFactory(
        kind=K.MINISTERE, name="Ministère de l'Intérieur et des Outre-mer", acronym="MIOM", slug="miom"
    )
    culture = OrganisationFactory(kind=K.MINISTERE, name="Ministère de la Culture", acronym="MC", slug="mc")
    return {
        "armees": armees,
        "justice": justice,
        "interieur": interieur,
        "culture": culture,
        "armees_sg": OrganisationFactory(
            name="Secrétariat général", acronym="SG", slug="minarm-sg", parent=armees
        ),
        "armees_drh": OrganisationFactory(
            name="Direction des ressources humaines du ministère des Armées",
            acronym="DRH-MD",
            slug="minarm-drh-md",
            parent=armees,
        ),
        "justice_sg": OrganisationFactory(
            name="Secrétariat général", acronym="SG", slug="mj-sg", parent=justice
        ),
        "justice_bureau": OrganisationFactory(
            name="Bureau des parcours", slug="mj-bp", parent=OrganisationFactory(name="DAP", parent=justice)
        ),
        "louvre": OrganisationFactory(
            kind=K.ETABLISSEMENT_PUBLIC,
            name="Musée du Louvre",
            acronym="Louvre",
            slug="louvre",
            tutelle=culture,
        ),
        "pfrh_hdf": OrganisationFactory(kind=K.PFRH, name="Plateforme RH Hauts-de-France", slug="pfrh-hdf"),
        "pfrh_na": OrganisationFactory(kind=K.PFRH, name="Plateforme RH Nouvelle-Aquitaine", slug="pfrh-na"),
        "inactive": OrganisationFactory(name="Ancienne direction", parent=justice, active=False),
    }


def test_directory_loads_every_organisation_in_one_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        directory = OrganisationDirectory.load()
        matches = [directory.find("Armées", "SG"), directory.find("", "SG"), directory.find("Justice", "xyz")]
        names = [c.nom_complet for match in matches for c in match.candidates]
    assert matches[0].organisation == tree["armees_sg"]
    assert "Secrétariat général (SG) — Ministère des Armées" in names


def test_ministry_column_settles_secretariat_general(tree):
    directory = OrganisationDirectory.load()
    assert directory.find("Ministère des Armées", "Secrétariat général").organisation == tree["armees_sg"]
    assert directory.find("Justice", "secretariat general").organisation == tree["justice_sg"]
    assert directory.find("MJ", "S.G.").organisation == tree["justice_sg"]
    assert directory.find("Min. Intérieur", "").organisation == tree["interieur"]  # the only « Intérieur… »


def test_without_ministry_an_ambiguous_direction_lists_every_candidate_with_its_ministry(tree):
    match = OrganisationDirectory.load().find("", "Secrétariat général")
    assert match.organisation is None
    assert "plusieurs ministères" in match.problem
    assert [c.nom_complet for c in match.candidates] == [
        "Secrétariat général (SG) — Ministère de la Justice",
        "Secrétariat général (SG) — Ministère des Armées",
    ]
    assert not match.can_create_direction


def test_unknown_direction_candidates_come_from_the_ministry_tree_only(tree):
    match = OrganisationDirectory.load().find("Armées", "Secrétariat général de la Justice")
    assert match.organisation is None
    assert match.ministry == tree["armees"]
    assert match.candidates == (tree["armees_sg"],)  # alike, and of the Armées: never the Justice's
    assert match.can_create_direction
    assert "Ministère des Armées" in match.problem


def test_direction_named_after_its_ministry_and_services_and_tutelle(tree):
    directory = OrganisationDirectory.load()
    assert directory.find("Armées", "DRH").organisation == tree["armees_drh"]
    assert directory.find("Justice", "Bureau des parcours").organisation == tree["justice_bureau"]
    assert directory.find("Ministère de la Culture", "Louvre").organisation == tree["louvre"]
    assert directory.find("Armées", "Louvre").organisation is None  # not under the Armées' tutelle


def test_identifiers_pfrh_and_name_with_acronym(tree):
    directory = OrganisationDirectory.load()
    assert directory.find("", "minarm-sg").organisation == tree["armees_sg"]
    assert directory.find("PFRH", "Hauts-de-France").organisation == tree["pfrh_hdf"]
    assert directory.find("PFRH Nouvelle-Aquitaine", "").organisation == tree["pfrh_na"]
    assert directory.find("Armées", "Secrétariat général (SG)").organisation == tree["armees_sg"]
    match = directory.find("PFRH", "")
    assert set(match.candidates) == {tree["pfrh_hdf"], tree["pfrh_na"]}


def test_unknown_ministry_and_inactive_organisations(tree):
    directory = OrganisationDirectory.load()
    match = directory.find("Ministère des Sports", "SG")
    assert match.organisation is None
    assert "Ministère ou organisme inconnu" in match.problem
    assert all(candidate.parent_id is None for candidate in match.candidates)
    assert not match.can_create_direction
    assert directory.find("Justice", "Ancienne direction").organisation is None


def test_create_direction_under_a_ministry_with_a_free_slug(tree):
    direction = create_direction(tree["armees"], name="  Service du commissariat  des armées ", acronym="SCA")
    assert (direction.kind, direction.parent, direction.name, direction.slug) == (
        K.DIRECTION,
        tree["armees"],
        "Service du commissariat des armées",
        "minarm-sca",
    )
    OrganisationFactory(slug="minarm-cm")
    assert create_direction(tree["armees"], name="Cellule mobilité", acronym="CM").slug == "minarm-cm-2"
    assert OrganisationDirectory.load().find("Armées", "SCA").organisation == direction


def test_create_direction_refuses_a_duplicate_a_non_root_parent_and_no_name(tree):
    with pytest.raises(ValidationError, match="existe déjà sous « Ministère de la Justice » \\(désactivée"):
        create_direction(tree["justice"], name="ancienne direction")
    with pytest.raises(ValidationError, match="n'est pas un ministère"):
        create_direction(tree["justice_sg"], name="Bureau")
    with pytest.raises(ValidationError, match="Indiquez le nom"):
        create_direction(tree["justice"], name="   ")


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("SG", ("Secrétariat général", "SG")),
        ("S.G.", ("Secrétariat général", "SG")),
        ("secretariat  GENERAL", ("Secrétariat général", "SG")),
        ("drh", ("Direction des ressources humaines", "DRH")),
        ("SCA", ("SCA", "SCA")),
        ("Service du commissariat des armées", ("Service du commissariat des armées", "")),
    ],
)
def test_suggested_direction_writes_the_usual_acronyms_in_full(typed, suggested):
    assert matching.suggested_direction(typed) == suggested
