"""The immersions' lists and forms cost a fixed number of queries whatever the number of rows."""

import pytest

from immersions.enums import ImmersionStatus
from immersions.models import EchangeTalent, Immersion
from tests.accompagnement.factories import OrganisationFactory
from tests.immersions.factories import EchangeFactory, ImmersionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/immersions/", 10),
        ("/immersions/?status=soumise", 10),
        ("/echanges/", 10),
        ("/echanges/services/", 8),
        ("/a-traiter/", 15),
        ("/indicateurs/", 15),
        ("/", 19),
    ],
)
def test_query_count_is_the_same_at_1_and_500_rows(  # noqa: PLR0917 - pytest injects fixtures by name
    client, origin, origin_service, host, origin_lead, django_assert_num_queries, url, queries
):
    def make(count):
        Immersion.objects.bulk_create(
            ImmersionFactory.build(
                origin=origin, origin_service=origin_service, host=host, status=ImmersionStatus.SOUMISE
            )
            for _ in range(count)
        )
        EchangeTalent.objects.bulk_create(
            EchangeFactory.build(origin=origin, origin_service=origin_service, host=host, status="soumise")
            for _ in range(count)
        )

    make(1)
    client.force_login(origin_lead)
    client.get(url)  # warm the session (charter acceptance is remembered in it)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    make(499)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


# Two of them read the animator's permissions (their own, their groups'): the staff role.
@pytest.mark.parametrize(("url", "queries"), [("/immersions/nouvelle/", 10), ("/echanges/nouvelle/", 11)])
def test_service_options_are_named_with_their_ministry_at_a_fixed_query_count(  # noqa: PLR0917 - pytest injects fixtures by name
    client, origin_service, host, staff, django_assert_num_queries, url, queries
):
    direction = OrganisationFactory(parent=host, name="Secrétariat général", acronym="SG")
    OrganisationFactory(parent=direction, name="Bureau des parcours")  # a service of a direction
    client.force_login(staff)
    client.get(url)  # warm the session (charter acceptance is remembered in it)
    with django_assert_num_queries(queries):
        content = client.get(url).content.decode()
    assert "Direction des ressources humaines (DRH) — Ministère d&#x27;origine" in content
    assert "Secrétariat général (SG) — Ministère d&#x27;accueil" in content
    assert "Bureau des parcours — Ministère d&#x27;accueil" in content  # its ministry, not its direction
    for number in range(30):
        OrganisationFactory(parent=direction, name=f"Bureau {number}")
    with django_assert_num_queries(queries):
        client.get(url)
