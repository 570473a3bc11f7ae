"""The catalogue of schemes: the list with its facets, search, order and pages, a fixed query count, and a
scheme's page."""

import pytest
from django.db import connection
from django.urls import reverse

from tests.accompagnement.conftest import LIST, titles
from tests.accompagnement.factories import DispositifFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_catalogue_lists_all_schemes_to_every_member(client, ministries, catalogue):
    client.force_login(UserFactory())
    response = client.get(LIST)
    assert response.status_code == 200
    assert len(titles(response)) == 3
    assert "Proposer un dispositif" not in response.content.decode()  # a member without a lead role


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "immersion"}, ["Découvre mon poste"]),
        ({"needs": "mobilite"}, ["Accompagnement confidentiel des reconversions", "Découvre mon poste"]),
        (
            {"needs": ["reconversion", "evolution_professionnelle"]},
            ["Accompagnement confidentiel des reconversions", "Tutorat des nouveaux arrivants"],
        ),
        ({"publics": "nouveaux_arrivants"}, ["Tutorat des nouveaux arrivants"]),
        ({"publics": "inaptitude", "needs": "mobilite"}, ["Accompagnement confidentiel des reconversions"]),
        ({"maturity": ["pilote", "deploye"]}, ["Découvre mon poste", "Tutorat des nouveaux arrivants"]),
        ({"organisation": "ma-sg"}, ["Découvre mon poste"]),
        (
            {"organisation": "mb"},
            ["Accompagnement confidentiel des reconversions", "Tutorat des nouveaux arrivants"],
        ),
        ({"q": "tuteur"}, ["Tutorat des nouveaux arrivants"]),
        ({"q": "reconversion"}, ["Accompagnement confidentiel des reconversions"]),
        ({"q": "Découvre"}, ["Découvre mon poste"]),
        ({"q": "immersion"}, ["Découvre mon poste"]),
    ],
)
def test_catalogue_filters(client, ministries, catalogue, params, expected):
    client.force_login(ministries["lead_a"])
    assert sorted(titles(client.get(LIST, params))) == expected


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="stemming needs PostgreSQL's French configuration"
)
def test_catalogue_full_text_search_uses_french_stemming(client, ministries, catalogue):
    client.force_login(ministries["lead_a"])
    # « volontaire » (singular) finds « volontaires », « métiers » finds « métier »: French stems.
    assert titles(client.get(LIST, {"q": "volontaire métiers"})) == ["Découvre mon poste"]


def test_catalogue_facet_counts_ignore_their_own_filter(client, ministries, catalogue):
    client.force_login(ministries["lead_a"])
    response = client.get(LIST, {"kind": "immersion"})
    content = response.content.decode()
    # kind counts are computed without the kind filter: choosing another kind adds results
    assert "Tutorat ou mentorat (1)" in content
    assert "Immersion (1)" in content
    # the other facets count within the current results
    assert "Mobilité (1)" in content
    assert "Reconversion (0)" in content
    assert "Ministère A (1)" in content
    assert "Secrétariat général A — Ministère A (1)" in content
    assert "Ministère B (0)" in content


def test_catalogue_sorted_by_last_update_then_title(client, ministries, catalogue):
    catalogue["tutorat"].save()  # most recently updated
    client.force_login(ministries["lead_a"])
    assert titles(client.get(LIST))[0] == "Tutorat des nouveaux arrivants"
    assert titles(client.get(LIST, {"tri": "updated_at"}))[-1] == "Tutorat des nouveaux arrivants"
    assert titles(client.get(LIST, {"tri": "title"}))[0] == "Accompagnement confidentiel des reconversions"


def test_catalogue_paginates(client, ministries):
    for index in range(25):
        DispositifFactory(organisation=ministries["a_sg"], title=f"Dispositif {index:02}")
    client.force_login(ministries["lead_a"])
    first = client.get(LIST)
    assert len(titles(first)) == 20
    assert 'class="fr-pagination"' in first.content.decode()
    assert len(titles(client.get(LIST, {"page": 2}))) == 5


def test_catalogue_empty_result_explains(client, ministries, catalogue):
    client.force_login(ministries["lead_a"])
    content = client.get(LIST, {"q": "introuvable"}).content.decode()
    assert "Aucun dispositif ne correspond à ces critères" in content


def test_catalogue_invalid_filter_value_is_reported_not_crashing(client, ministries, catalogue):
    client.force_login(ministries["lead_a"])
    response = client.get(LIST, {"kind": "n-importe-quoi"})
    assert response.status_code == 200
    assert response.context["filter"].form.errors


def build_catalogue(size):
    for index in range(size):
        ministry = OrganisationFactory(ministere=True)
        direction = OrganisationFactory(parent=ministry)
        DispositifFactory(organisation=direction, title=f"Dispositif {index}", is_model=index % 2 == 0)


@pytest.mark.parametrize("size", [1, 50])
@pytest.mark.parametrize(
    "params", [{}, {"q": "dispositif", "needs": "mobilite", "kind": "accompagnement_personnalise"}]
)
def test_catalogue_query_count_does_not_grow(client, django_assert_num_queries, size, params):
    build_catalogue(size)
    client.force_login(UserFactory())
    client.get("/")
    # session, user, charter version, managed organisations (proposal button), facet organisations,
    # count, page, 5 facet counts, DSFR site config
    with django_assert_num_queries(13):
        response = client.get(LIST, params)
    assert response.status_code == 200


def test_detail_shows_the_scheme_to_another_ministry(client, ministries, catalogue):
    client.force_login(ministries["lead_b"])
    response = client.get(catalogue["decouvre"].get_absolute_url())
    content = response.content.decode()
    assert response.status_code == 200
    assert "Découvre mon poste" in content
    assert "Catégorie B, Catégorie C" in content
    assert "Modifier le dispositif" not in content
    assert "Adopter ce dispositif" in content  # a model scheme, B has not adopted it


def test_detail_edit_link_for_own_lead_and_staff(client, ministries, catalogue, staff):
    url = catalogue["decouvre"].get_absolute_url()
    client.force_login(ministries["lead_a"])
    content = client.get(url).content.decode()
    assert "Modifier le dispositif" in content
    assert "Adopter ce dispositif" not in content  # it is already theirs
    client.force_login(staff)
    assert "Modifier le dispositif" in client.get(url).content.decode()


def test_detail_unknown_id_is_404(client, lead):
    client.force_login(lead)
    assert client.get(reverse("accompagnement:dispositif_detail", args=[999999])).status_code == 404


def test_catalogue_clear_filters_only_when_a_filter_is_set(client, ministries, catalogue):
    client.force_login(ministries["lead_a"])
    assert "Effacer les filtres" not in client.get(LIST, {"q": "", "tri": "title"}).content.decode()
    assert "Effacer les filtres" in client.get(LIST, {"q": "tuteur"}).content.decode()
