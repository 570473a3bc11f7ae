"""Two organisations with their leads, helpers to reach a status through the services, and the data a lead
posts in the declaration forms (imported by name)."""

import pytest

from immersions.enums import ImmersionKind, ImmersionStatus
from immersions.services import immersions as immersion_services
from tests.accompagnement.factories import AdhesionFactory, OrganisationFactory, UserFactory
from tests.immersions.factories import ImmersionFactory, in_days


@pytest.fixture
def origin(db):
    return OrganisationFactory(ministere=True, name="Ministère d'origine", acronym="MO")


@pytest.fixture
def origin_service(origin):
    return OrganisationFactory(parent=origin, name="Direction des ressources humaines", acronym="DRH")


@pytest.fixture
def host(db):
    return OrganisationFactory(ministere=True, name="Ministère d'accueil", acronym="MA")


@pytest.fixture
def parties(origin, origin_service, host):
    """The organisations an immersion or an agreement runs between, as factory keywords."""
    return {"origin": origin, "origin_service": origin_service, "host": host}


@pytest.fixture
def origin_lead(origin_service):
    """A lead attached to a direction of the origin ministry: acts for the whole ministry."""
    return AdhesionFactory(organisation=origin_service, user__email="lead.origine@exemple.gouv.fr").user


@pytest.fixture
def host_lead(host):
    return AdhesionFactory(organisation=host, user__email="lead.accueil@exemple.gouv.fr").user


@pytest.fixture
def outsider_lead(db):
    return AdhesionFactory(organisation=OrganisationFactory(ministere=True)).user


@pytest.fixture
def participant(db):
    """Someone with an account and no lead role (an invited speaker, an agent)."""
    return UserFactory(email="participant@exemple.gouv.fr")


@pytest.fixture
def immersion(parties):
    return ImmersionFactory(**parties)


def walk(immersion, *steps):
    """Move `immersion` along `steps`, each (status, user)."""
    for status, user in steps:
        immersion_services.transition_immersion(immersion, status, by=user)
    return immersion


@pytest.fixture
def accepted_by_origin(immersion, origin_lead):
    return walk(
        immersion,
        (ImmersionStatus.SOUMISE, origin_lead),
        (ImmersionStatus.ACCEPTEE_ORIGINE, origin_lead),
    )


def _posted_parties(origin, origin_service, host):
    """The organisations as the declaration forms post them."""
    return {"origin": origin.pk, "origin_service": origin_service.pk, "host": host.pk}


def form_data(origin, origin_service, host, **overrides):
    """What a lead posts to declare an immersion."""
    data = {
        **_posted_parties(origin, origin_service, host),
        "agent_name": "MARTIN Zoé",
        "agent_email": "zoe.martin@exemple.gouv.fr",
        "agent_grade": "Secrétaire administrative",
        "agent_categorie": "B",
        "manager_name": "",
        "manager_email": "",
        "host_service": "",
        "tutor_name": "DURAND Paul",
        "tutor_email": "paul.durand@exemple.gouv.fr",
        "kind": ImmersionKind.PREPARATION_MOBILITE,
        "objectives": "Découvrir le métier de gestionnaire RH de proximité.",
        "start_date": in_days(10).isoformat(),
        "end_date": in_days(14).isoformat(),
    }
    data.update(overrides)
    return data


def echange_form_data(origin, origin_service, host, **overrides):
    """What a lead posts to prepare an agreement."""
    data = {
        **_posted_parties(origin, origin_service, host),
        "agent_name": "LEROY Anne",
        "agent_email": "anne.leroy@exemple.gouv.fr",
        "agent_grade": "Attachée",
        "agent_categorie": "A",
        "mission": "Mission de six mois.",
        "start_date": in_days(30).isoformat(),
        "end_date": in_days(200).isoformat(),
        "planned_return_date": in_days(201).isoformat(),
    }
    data.update(overrides)
    return data
