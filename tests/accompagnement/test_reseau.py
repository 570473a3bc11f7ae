"""The directory (/reseau/) and the organisation pages."""

import pytest
from django.db import connection
from django.urls import reverse

from accompagnement import permissions
from accompagnement.enums import OrganisationKind, Role
from ateliers.enums import InscriptionStatus, Presence
from tests.accompagnement.factories import (
    AdhesionFactory,
    DispositifFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.ateliers.factories import AtelierFactory, InscriptionFactory
from tests.immersions.factories import ImmersionFactory

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


def test_reseau_lists_active_people_with_their_organisation_and_ministry(client, network):
    client.force_login(network["nadia"].user)
    response = client.get(reverse("accompagnement:reseau"))
    content = response.content.decode()
    assert response.status_code == 200
    assert list(response.context["page_obj"]) == [network["nadia"], network["thomas"]]  # by last name
    assert "BENALI Nadia" in content
    assert "Responsable mission parcours" in content
    assert network["nadia"].user.email in content
    assert "Secrétariat général (SG)" in content
    assert "Ministère de la Justice" in content  # the ministry of the direction
    assert network["sg"].get_absolute_url() in content
    assert "Représentant" in content
    assert "2 personnes" in content
    assert "AILLEURS" not in content  # deactivated members leave the directory


def test_reseau_lists_organisations_with_their_counts(client, network):
    client.force_login(network["nadia"].user)
    response = client.get(reverse("accompagnement:reseau"), {"vue": "organisations"})
    rows = {o.name: (o.member_count, o.dispositif_count) for o in response.context["page_obj"]}
    assert rows == {
        "Centre national de la recherche scientifique": (1, 0),
        "Ministère de la Justice": (0, 0),
        "Secrétariat général": (1, 1),
    }
    assert "3 organisations" in response.content.decode()
    response = client.get(reverse("accompagnement:reseau"), {"vue": "organisations", "q": "secr"})
    assert [o.name for o in response.context["page_obj"]] == ["Secrétariat général"]


@pytest.mark.parametrize(
    ("query", "expected", "absent"),
    [
        ("thomas", "LEFÈVRE Thomas", "BENALI Nadia"),  # a person
        ("lefèvre thomas", "LEFÈVRE Thomas", "BENALI Nadia"),  # first and last name, any order
        ("cnrs", "LEFÈVRE Thomas", "BENALI Nadia"),  # an organisation by acronym
        ("secrétariat", "BENALI Nadia", "LEFÈVRE Thomas"),  # a direction
        ("justice", "BENALI Nadia", "LEFÈVRE Thomas"),  # the ministry of a direction
        ("parcours", "BENALI Nadia", "LEFÈVRE Thomas"),  # a function
    ],
)
def test_reseau_search_by_person_function_or_organisation(client, network, query, expected, absent):
    client.force_login(network["nadia"].user)
    content = client.get(reverse("accompagnement:reseau"), {"q": query}).content.decode()
    assert expected in content
    assert absent not in content


@pytest.mark.skipif(connection.vendor != "postgresql", reason="accents and case ignored on PostgreSQL only")
@pytest.mark.parametrize("query", ["lefevre", "LEFÈVRE", "LEFEVRE thomas", "centre NATIONAL"])
def test_reseau_search_ignores_accents_and_case(client, network, query):
    client.force_login(network["nadia"].user)
    response = client.get(reverse("accompagnement:reseau"), {"q": query})
    assert list(response.context["page_obj"]) == [network["thomas"]]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="typos are tolerated on PostgreSQL only")
def test_reseau_search_tolerates_a_typo_and_ranks_the_closest_first(client, network):
    AdhesionFactory(organisation=network["cnrs"], user__first_name="Anne", user__last_name="Benalia")
    client.force_login(network["nadia"].user)
    response = client.get(reverse("accompagnement:reseau"), {"q": "benalli"})
    names = [a.user.last_name for a in response.context["page_obj"]]
    assert names[0] == "Benali"
    assert "Lefèvre" not in names


@pytest.mark.parametrize("query", ["%", "_", "\\", "%_\\%", "a" * 10_000, "' OR 1=1 --", "&|!:*()<->"])
def test_reseau_search_with_operators_or_a_huge_query_answers_normally(client, network, query):
    client.force_login(network["nadia"].user)
    response = client.get(reverse("accompagnement:reseau"), {"q": query})
    assert response.status_code == 200
    assert list(response.context["page_obj"]) == []
    assert len(response.context["filter"].form["q"].value()) <= 100


def test_reseau_filters_by_ministry_with_its_directions_and_by_kind(client, network):
    client.force_login(network["nadia"].user)
    url = reverse("accompagnement:reseau")
    response = client.get(url, {"ministere": network["justice"].slug})
    assert list(response.context["page_obj"]) == [network["nadia"]]
    response = client.get(url, {"type": OrganisationKind.ETABLISSEMENT_PUBLIC})
    assert list(response.context["page_obj"]) == [network["thomas"]]
    response = client.get(url, {"type": OrganisationKind.MINISTERE})  # directions of ministries included
    assert list(response.context["page_obj"]) == [network["nadia"]]
    content = response.content.decode()
    assert f'<option value="{network["justice"].slug}"' in content  # ministries only in the select
    assert f'<option value="{network["sg"].slug}"' not in content
    response = client.get(url, {"ministere": "inconnu"})
    assert response.status_code == 200
    assert response.context["filter"].form.errors


def test_reseau_search_without_result_says_so(client, network):
    client.force_login(network["nadia"].user)
    content = client.get(reverse("accompagnement:reseau"), {"q": "zzz"}).content.decode()
    assert "Aucune organisation ni personne ne correspond" in content
    assert "0 personne" in content


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


def test_can_propose_for_its_leads_and_staff_only(network, staff):
    assert permissions.can_propose_for(network["nadia"].user, network["sg"])
    assert not permissions.can_propose_for(network["thomas"].user, network["sg"])
    assert permissions.can_propose_for(staff, network["sg"])


def test_organisation_page_lists_workshops_its_people_attended(client, network):
    justice, sg = network["justice"], network["sg"]
    attended = AtelierFactory(tenu=True, title="Structurer une offre")
    InscriptionFactory(atelier=attended, organisation=sg, presence=Presence.PRESENT)
    InscriptionFactory(atelier=attended, organisation=justice, presence=Presence.PRESENT)
    InscriptionFactory(atelier=attended, organisation=sg, presence=Presence.ABSENT)
    InscriptionFactory(atelier=attended, organisation=network["cnrs"], presence=Presence.PRESENT)
    unmarked = AtelierFactory(tenu=True, title="Présence non relevée")
    InscriptionFactory(atelier=unmarked, organisation=sg)
    absent = AtelierFactory(tenu=True, title="Tous absents")
    InscriptionFactory(atelier=absent, organisation=sg, presence=Presence.ABSENT)
    InscriptionFactory(atelier=absent, organisation=network["cnrs"], presence=Presence.PRESENT)
    waiting = AtelierFactory(tenu=True, title="Sur liste d'attente")
    InscriptionFactory(atelier=waiting, organisation=sg, status=InscriptionStatus.LISTE_ATTENTE)
    client.force_login(network["thomas"].user)
    response = client.get(reverse("accompagnement:organisation_detail", args=[justice.slug]))
    content = response.content.decode()
    rows = {atelier.title: atelier.attendee_count for atelier in response.context["ateliers_suivis"]}
    assert rows == {"Structurer une offre": 2, "Présence non relevée": 1}
    assert attended.get_absolute_url() in content
    assert "2 participants" in content
    assert "Aucune participation à un atelier" not in content
    # A direction's page counts its own people only.
    response = client.get(reverse("accompagnement:organisation_detail", args=[sg.slug]))
    assert {a.title: a.attendee_count for a in response.context["ateliers_suivis"]} == {
        "Structurer une offre": 1,
        "Présence non relevée": 1,
    }


def test_organisation_page_lists_immersions_hiding_confidential_ones_from_the_host(client, network):
    justice, sg, cnrs = network["justice"], network["sg"], network["cnrs"]
    shared = ImmersionFactory(origin=justice, origin_service=sg, host=cnrs, agent_name="PARTAGÉE Anne")
    secret = ImmersionFactory(origin=justice, host=cnrs, confidential=True, agent_name="SECRÈTE Inès")
    ImmersionFactory(agent_name="AILLEURS Marc")  # between two other ministries
    url = reverse("accompagnement:organisation_detail", args=[cnrs.slug])
    client.force_login(network["thomas"].user)  # a lead of the host, another ministry than the origin
    response = client.get(url)
    content = response.content.decode()
    assert list(response.context["immersions"]) == [shared]
    assert reverse("immersions:immersion_detail", args=[shared.pk]) in content
    assert "PARTAGÉE Anne" in content
    assert "SECRÈTE" not in content
    listed = reverse("immersions:immersion_list") + f"?host={cnrs.pk}"
    assert listed in content
    assert "PARTAGÉE Anne" in client.get(listed).content.decode()  # the list page filters on it
    client.force_login(network["nadia"].user)  # the origin's lead sees both, from the direction's page too
    response = client.get(reverse("accompagnement:organisation_detail", args=[sg.slug]))
    assert list(response.context["immersions"]) == [shared]
    response = client.get(reverse("accompagnement:organisation_detail", args=[justice.slug]))
    assert set(response.context["immersions"]) == {shared, secret}


def test_organisation_page_shows_the_ten_latest_immersions(client, network, staff):
    for index in range(12):
        ImmersionFactory(origin=network["cnrs"], agent_name=f"AGENT{index:02d} Test")
    client.force_login(staff)
    response = client.get(reverse("accompagnement:organisation_detail", args=[network["cnrs"].slug]))
    assert len(response.context["immersions"]) == 10


def test_organisation_page_unknown_slug_is_404(client, lead):
    client.force_login(lead)
    assert client.get(reverse("accompagnement:organisation_detail", args=["inconnue"])).status_code == 404


def build_directory(size):
    """`size` members, one a direction, in ministries of ten directions."""
    ministry = None
    for index in range(size):
        if index % 10 == 0:
            ministry = OrganisationFactory(ministere=True)
        direction = OrganisationFactory(parent=ministry)
        AdhesionFactory(organisation=direction, function="Chargée de mission parcours professionnels")
        DispositifFactory(organisation=direction, title=f"Dispositif {index}")
    return ministry


@pytest.mark.parametrize("size", [1, 300])
@pytest.mark.parametrize(
    "params",
    [{}, {"q": "mission"}, {"vue": "organisations"}, {"vue": "organisations", "q": "minist"}],
)
def test_reseau_query_count_and_page_weight_do_not_grow(client, django_assert_num_queries, size, params):
    build_directory(size)
    user = UserFactory()
    client.force_login(user)
    client.get("/")  # the session is warm: the charter check is remembered
    # session, user, charter version, count, page of rows, ministries of the filter, DSFR site config
    with django_assert_num_queries(7):
        response = client.get(reverse("accompagnement:reseau"), params)
    assert response.status_code == 200
    assert len(response.context["page_obj"]) == min(size, 50) or params.get("vue")
    assert len(response.content) < 80_000


def test_reseau_paginates_by_fifty_keeping_the_filters(client, django_assert_num_queries):
    ministry = build_directory(60)
    client.force_login(UserFactory())
    client.get("/")
    url = reverse("accompagnement:reseau")
    response = client.get(url, {"q": "mission", "page": 2})
    assert len(response.context["page_obj"]) == 10
    assert "q=mission" in response.content.decode()  # the pagination links keep the search
    # and a ministry chosen: one more query, to check it exists
    with django_assert_num_queries(8):
        response = client.get(url, {"ministere": ministry.slug})
    assert response.context["page_obj"].paginator.count == 10


@pytest.mark.parametrize("size", [1, 50])
def test_organisation_page_query_count_does_not_grow(client, django_assert_num_queries, size):
    ministry = OrganisationFactory(ministere=True)
    for index in range(size):
        direction = OrganisationFactory(parent=ministry)
        AdhesionFactory(organisation=ministry)
        DispositifFactory(organisation=direction, title=f"Dispositif {index}")
        InscriptionFactory(
            atelier=AtelierFactory(tenu=True), organisation=direction, presence=Presence.PRESENT
        )
        ImmersionFactory(origin=ministry, origin_service=direction)
    user = AdhesionFactory(organisation=ministry).user
    client.force_login(user)
    client.get("/")
    # session, user, charter version, organisation, members, directions, schemes, managed organisations,
    # workshops attended with their counts, lead scope (adhesions, organisations), immersions,
    # DSFR site config
    with django_assert_num_queries(13):
        response = client.get(reverse("accompagnement:organisation_detail", args=[ministry.slug]))
    assert response.status_code == 200
    assert len(response.context["ateliers_suivis"]) == size
    assert len(response.context["immersions"]) == min(size, 10)
