import pytest

from accompagnement.enums import Besoin, DispositifKind, Public
from accompagnement.models import Adhesion, Dispositif, User
from fabrique.core import demo

pytestmark = pytest.mark.django_db

NETWORK = ("organisations.yaml", "membres.yaml", "dispositifs.yaml")


def load_network():
    return demo.load(*(demo.path("accompagnement", name) for name in NETWORK))


def test_demo_seeds_about_45_members_and_30_schemes_idempotently():
    load_network()
    counts = (User.objects.count(), Adhesion.objects.count(), Dispositif.objects.count())
    load_network()
    assert (User.objects.count(), Adhesion.objects.count(), Dispositif.objects.count()) == counts
    assert 40 <= Adhesion.objects.actives().count() <= 50
    assert 28 <= Dispositif.objects.count() <= 35


def test_demo_schemes_are_valid_and_cover_the_catalogue():
    load_network()
    titles = set(Dispositif.objects.values_list("title", flat=True))
    for expected in [
        "Découvre mon poste",
        "Parcours d'intégration des jeunes cadres civils avec immersions",
        "Accompagnement vers l'emploi de Défense Mobilité",
        "Accompagnement confidentiel des projets de reconversion",
        "Talent Exchange : mises à disposition croisées entre administrations",
        "Tutorat dans les directions départementales",
    ]:
        assert expected in titles
    for dispositif in Dispositif.objects.all():
        assert set(dispositif.needs) <= set(Besoin.values)
        assert set(dispositif.publics) <= set(Public.values)
        assert dispositif.created_by is not None, dispositif.title
    assert set(Dispositif.objects.values_list("kind", flat=True)) >= set(DispositifKind.values) - {"autre"}
    assert Dispositif.objects.filter(model_of__title="Découvre mon poste").count() == 2


def test_demo_members_accepted_the_charter_but_not_the_demo_accounts():
    load_network()
    member = User.objects.get(email="dgfip.accompagnement@dgfip.finances.gouv.fr")
    assert member.acceptations_charte.exists()
    # the four demo accounts show the charter on their first login
    assert not User.objects.get(email="tete.reseau@justice.gouv.fr").acceptations_charte.exists()
