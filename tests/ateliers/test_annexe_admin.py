"""The network's defaults for the participant lists, and the booklets' own, in the admin."""

import pytest
from django.urls import reverse

from ateliers.enums import FormatNom, RegroupementEtablissements
from ateliers.models import ReglageAnnexe, RubriqueAnnexe
from tests.ateliers.annexe_factories import ministere, personnaliser_justice
from tests.ateliers.factories import AtelierFactory

pytestmark = pytest.mark.django_db


def test_admin_reglage_annexe_network_row_is_edited_without_headings(client, staff):
    reglage = ReglageAnnexe.objects.create(atelier=None)
    client.force_login(staff)
    url = reverse("admin:ateliers_reglageannexe_change", args=[reglage.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"] == []
    response = client.post(
        url,
        {
            "format_nom": FormatNom.NOM_PRENOM,
            "regrouper_pfrh": "on",
            "intitule_pfrh": "Plateformes régionales",
            "rang_pfrh": 70,
            "etablissements": RegroupementEtablissements.TUTELLE,
            "intitule_etablissements": "Opérateurs",
            "rang_etablissements": 60,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    reglage.refresh_from_db()
    assert (reglage.format_nom, reglage.etablissements, reglage.rang_pfrh) == (
        FormatNom.NOM_PRENOM,
        RegroupementEtablissements.TUTELLE,
        70,
    )


def test_admin_reglage_annexe_booklet_row_lists_its_headings(client, staff, atelier_liste):
    reglage = personnaliser_justice(atelier_liste)
    client.force_login(staff)
    response = client.get(reverse("admin:ateliers_reglageannexe_change", args=[reglage.pk]))
    assert response.status_code == 200
    assert "Ministère de la Justice" in response.content.decode()
    changelist = client.get(reverse("admin:ateliers_reglageannexe_changelist"))
    assert [str(row) for row in changelist.context["cl"].result_list] == [
        "Réglages du réseau",
        str(atelier_liste),
    ]


@pytest.mark.parametrize("count", [1, 30])
def test_admin_reglage_annexe_changelist_query_count_is_fixed(
    client, staff, django_assert_num_queries, count
):
    ReglageAnnexe.objects.create(atelier=None)
    for _index in range(count):
        reglage = ReglageAnnexe.objects.create(atelier=AtelierFactory())
        RubriqueAnnexe.objects.create(reglage=reglage, organisation=ministere(f"Ministère {_index}-{count}"))
    client.force_login(staff)
    url = reverse("admin:ateliers_reglageannexe_changelist")
    client.get(url)
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200


def test_admin_reglage_annexe_closed_to_leads(client, lead):
    client.force_login(lead)
    assert client.get(reverse("admin:ateliers_reglageannexe_changelist")).status_code == 302
