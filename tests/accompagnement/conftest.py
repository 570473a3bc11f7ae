"""What the network's tests share: two ministries with a direction and a lead each, and a catalogue of three
schemes among them; the catalogue's addresses and titles (imported by name, as tests.browser.conftest's
helpers are)."""

import pytest
from django.urls import reverse

from accompagnement.enums import Besoin, DispositifKind, Maturite, Public, Role
from tests.accompagnement.factories import AdhesionFactory, DispositifFactory, OrganisationFactory

LIST = reverse("accompagnement:dispositif_list")
CREATE = reverse("accompagnement:dispositif_create")


def titles(response):
    """The titles of the schemes on a catalogue page, in order."""
    return [d.title for d in response.context["page_obj"]]


@pytest.fixture
def ministries(db):
    """Two ministries A and B with a direction each, a lead in each direction."""
    a = OrganisationFactory(ministere=True, name="Ministère A", acronym="MA", slug="ma")
    a_sg = OrganisationFactory(name="Secrétariat général A", acronym="SG", slug="ma-sg", parent=a)
    b = OrganisationFactory(ministere=True, name="Ministère B", acronym="MB", slug="mb")
    b_drh = OrganisationFactory(name="DRH B", acronym="DRH", slug="mb-drh", parent=b)
    return {
        "a": a,
        "a_sg": a_sg,
        "b": b,
        "b_drh": b_drh,
        "lead_a": AdhesionFactory(organisation=a_sg).user,
        "lead_b": AdhesionFactory(organisation=b_drh, role=Role.REPRESENTANT).user,
    }


@pytest.fixture
def catalogue(ministries):
    return {
        "decouvre": DispositifFactory(
            organisation=ministries["a_sg"],
            title="Découvre mon poste",
            summary="Un vivier de volontaires présente son métier lors d'une journée d'immersion.",
            kind=DispositifKind.IMMERSION,
            needs=[Besoin.MOBILITE],
            publics=[Public.CATEGORIE_B, Public.CATEGORIE_C],
            maturity=Maturite.DEPLOYE,
            is_model=True,
        ),
        "tutorat": DispositifFactory(
            organisation=ministries["b_drh"],
            title="Tutorat des nouveaux arrivants",
            summary="Un tuteur accompagne chaque agent pendant sa première année.",
            kind=DispositifKind.TUTORAT_MENTORAT,
            needs=[Besoin.EVOLUTION_PROFESSIONNELLE],
            publics=[Public.NOUVEAUX_ARRIVANTS],
            maturity=Maturite.PILOTE,
        ),
        "reconversion": DispositifFactory(
            organisation=ministries["b"],
            title="Accompagnement confidentiel des reconversions",
            summary="Un conseiller hors hiérarchie pour explorer une reconversion.",
            kind=DispositifKind.ACCOMPAGNEMENT_PERSONNALISE,
            needs=[Besoin.RECONVERSION, Besoin.MOBILITE],
            publics=[Public.CATEGORIE_A, Public.INAPTITUDE],
            maturity=Maturite.EN_PROJET,
        ),
    }
