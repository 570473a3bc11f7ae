"""The directory (/reseau/) and the organisation pages."""

import pytest
from django.urls import reverse

from accompagnement.enums import OrganisationKind, Role
from tests.accompagnement.factories import (
    AdhesionFactory,
    DispositifFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(db):
    justice = OrganisationFactory(ministere=True, name="Ministère de la Justice", acronym="MJ")
    sg = OrganisationFactory(name="Secrétariat général", acronym="SG", parent=justice)
    cnrs = OrganisationFactory(
        kind=OrganisationKind.ETABLISSEMENT_PUBLIC,
        name="Centre national de la recherche scientifique",
        acronym="CNRS",
    )
    nadia = AdhesionFactory(
        organisation=sg,
        user__first_name="Nadia",
        user__last_name="Benali",
        function="Responsable mission parcours",
    )
    thomas = AdhesionFactory(
        organisation=cnrs, role=Role.REPRESENTANT, user__first_name="Thomas", user__last_name="Lefèvre"
    )
    gone = AdhesionFactory(organisation=cnrs, user__first_name="Parti", user__last_name="Ailleurs")
    gone.user.is_active = False
    gone.user.save()
    DispositifFactory(organisation=sg, title="Découvre mon poste")
    return {"justice": justice, "sg": sg, "cnrs": cnrs, "nadia": nadia, "thomas": thomas, "gone": gone}


def test_reseau_groups_organisations_by_kind_and_ministry_with_leads(client, network):
    client.force_login(network["nadia"].user)
    response = client.get(reverse("accompagnement:reseau"))
    content = response.content.decode()
    assert response.status_code == 200
    groups = response.context["groups"]
    assert [g["kind"] for g in groups] == [OrganisationKind.MINISTERE, OrganisationKind.ETABLISSEMENT_PUBLIC]
    ministry = groups[0]["entries"][0]
    assert ministry["organisation"] == network["justice"]
    assert ministry["children"] == [network["sg"]]
    assert "BENALI Nadia" in content
    assert "Responsable mission parcours" in content
    assert network["nadia"].user.email in content
    assert "Représentant" in content
    assert "1 dispositif au catalogue" in content
    assert "AILLEURS" not in content  # deactivated members leave the directory


@pytest.mark.parametrize(
    ("query", "expected", "absent"),
    [
        ("lefevre", "LEFÈVRE Thomas", "BENALI Nadia"),  # a person, accents ignored
        ("cnrs", "LEFÈVRE Thomas", "BENALI Nadia"),  # an organisation by acronym
        ("secrétariat", "BENALI Nadia", "LEFÈVRE Thomas"),  # a direction, shown under its ministry
        ("parcours", "BENALI Nadia", "LEFÈVRE Thomas"),  # a function
    ],
)
def test_reseau_search_by_person_or_organisation(client, network, query, expected, absent):
    client.force_login(network["nadia"].user)
    content = client.get(reverse("accompagnement:reseau"), {"q": query}).content.decode()
    assert expected in content
    assert absent not in content


def test_reseau_search_without_result_says_so(client, network):
    client.force_login(network["nadia"].user)
    content = client.get(reverse("accompagnement:reseau"), {"q": "zzz"}).content.decode()
    assert "Aucune organisation ni personne ne correspond" in content


def test_reseau_hides_inactive_organisations_from_members(client, network):
    network["cnrs"].active = False
    network["cnrs"].save()
    client.force_login(network["nadia"].user)
    assert "LEFÈVRE" not in client.get(reverse("accompagnement:reseau")).content.decode()
    assert (
        client.get(reverse("accompagnement:organisation_detail", args=[network["cnrs"].slug])).status_code
        == 404
    )


def test_reseau_requires_login(client, network):
    response = client.get(reverse("accompagnement:reseau"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_organisation_page_lists_leads_schemes_and_later_sections(client, network):
    client.force_login(network["thomas"].user)
    response = client.get(reverse("accompagnement:organisation_detail", args=[network["justice"].slug]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Secrétariat général" in content
    assert "Découvre mon poste" in content  # the schemes of its directions too
    assert "Ateliers suivis" in content
    assert "Aucune participation à un atelier" in content
    assert "Aucune immersion n'est encore enregistrée" in content


def test_organisation_page_offers_to_propose_only_to_its_leads(client, network):
    url = reverse("accompagnement:organisation_detail", args=[network["sg"].slug])
    client.force_login(network["nadia"].user)
    assert "Proposer un dispositif" in client.get(url).content.decode()
    client.force_login(network["thomas"].user)
    assert "Proposer un dispositif" not in client.get(url).content.decode()


def test_organisation_page_unknown_slug_is_404(client, lead):
    client.force_login(lead)
    assert client.get(reverse("accompagnement:organisation_detail", args=["inconnue"])).status_code == 404


def build_directory(size):
    for index in range(size):
        ministry = OrganisationFactory(ministere=True)
        direction = OrganisationFactory(parent=ministry)
        AdhesionFactory(organisation=direction)
        DispositifFactory(organisation=direction, title=f"Dispositif {index}")


@pytest.mark.parametrize("size", [1, 50])
def test_reseau_query_count_does_not_grow(client, django_assert_num_queries, size):
    build_directory(size)
    user = UserFactory()
    client.force_login(user)
    client.get("/")  # the session is warm: the charter check is remembered
    # session, user, charter version, organisations with counts, members, DSFR site config
    with django_assert_num_queries(6):
        response = client.get(reverse("accompagnement:reseau"))
    assert response.status_code == 200
    assert len(response.context["groups"][0]["entries"]) == size


@pytest.mark.parametrize("size", [1, 50])
def test_organisation_page_query_count_does_not_grow(client, django_assert_num_queries, size):
    ministry = OrganisationFactory(ministere=True)
    for index in range(size):
        direction = OrganisationFactory(parent=ministry)
        AdhesionFactory(organisation=ministry)
        DispositifFactory(organisation=direction, title=f"Dispositif {index}")
    user = UserFactory()
    client.force_login(user)
    client.get("/")
    # session, user, charter version, organisation, members, directions, schemes, managed organisations,
    # DSFR site config
    with django_assert_num_queries(9):
        response = client.get(reverse("accompagnement:organisation_detail", args=[ministry.slug]))
    assert response.status_code == 200
