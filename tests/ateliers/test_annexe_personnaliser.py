"""The booklet's « Annexe » page: staff customise the headings for one booklet and go back to the network's,
rapporteurs read them, others do not reach them."""

import contextlib
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from ateliers.enums import FormatNom
from ateliers.livret.services import annexe as annexe_services
from ateliers.models import Rapporteur, ReglageAnnexe, RubriqueAnnexe
from tests.accompagnement.factories import UserFactory
from tests.ateliers.annexe_factories import annexe_url, intitules, ministere
from tests.ateliers.factories import InscriptionFactory
from tests.concurrency import run_in_threads
from tests.second_factor import SecondFactorClient

pytestmark = pytest.mark.django_db


def test_livret_annexe_staff_customises_edits_and_returns_to_the_network(client, staff, atelier_liste):
    client.force_login(staff)
    url = annexe_url(atelier_liste)
    content = client.get(url).content.decode()
    assert "Ce livret suit les réglages du réseau." in content
    assert "Personnaliser pour ce livret" in content

    response = client.post(url, {"action": "personnaliser"})
    assert response.status_code == 302
    reglage = ReglageAnnexe.objects.get(atelier=atelier_liste)
    # One heading per ministry or body present, copied from the network (labels and ranks).
    assert sorted((r.organisation.name, r.intitule, r.rang) for r in reglage.rubriques.all()) == [
        ("France Travail", "France Travail", None),
        ("Ministère de la Justice", "Justice", 4),
        ("Ministère des Armées", "Armées", 5),
        ("Ministère du Travail", "Travail", 9),
        ("PFRH Bretagne", "PFRH Bretagne", None),
        ("PFRH Occitanie", "PFRH Occitanie", None),
    ]
    response = client.get(url)
    forms = {f.organisation.name: f for f in response.context["forms_rubriques"]}
    armees = forms["Ministère des Armées"]
    data = {"action": "enregistrer", **_form_data(response.context["form"])}
    for f in forms.values():
        data[f["intitule"].html_name] = f["intitule"].value()
        data[f["rang"].html_name] = "" if f["rang"].value() is None else f["rang"].value()
    data[armees["intitule"].html_name] = "Ministère des Armées"
    data[armees["rang"].html_name] = "1"
    data["format_nom"] = FormatNom.NOM_PRENOM
    data["regrouper_pfrh"] = ""
    response = client.post(url, data)
    assert response.status_code == 302
    rubriques = client.get(url).context["rubriques"]
    assert intitules(rubriques)[:3] == ["Ministère des Armées", "Justice", "Travail"]
    assert "PFRH Bretagne" in intitules(rubriques)
    assert rubriques[0].personnes[0].nom_affiche == "d'ARTAGNAN Marie"

    confirm = client.get(url, {"revenir": "1"}).content.decode()
    assert "Revenir aux réglages du réseau ?" in confirm
    assert ReglageAnnexe.objects.filter(atelier=atelier_liste).exists()  # asking deletes nothing
    assert client.post(url, {"action": "revenir"}).status_code == 302
    assert not ReglageAnnexe.objects.filter(atelier=atelier_liste).exists()
    assert not RubriqueAnnexe.objects.filter(reglage__atelier=atelier_liste).exists()
    assert intitules(client.get(url).context["rubriques"])[0] == "Justice"


def _form_data(form):
    data = {}
    for field in form:
        value = field.value()
        if isinstance(value, bool):
            if value:
                data[field.html_name] = "on"
        elif value is not None:
            data[field.html_name] = value
    return data


def test_livret_annexe_refuses_a_bad_rank_and_saves_nothing(client, staff, atelier_liste):
    client.force_login(staff)
    url = annexe_url(atelier_liste)
    client.post(url, {"action": "personnaliser"})
    response = client.get(url)
    data = {"action": "enregistrer", **_form_data(response.context["form"])}
    first = response.context["forms_rubriques"][0]
    data[first["intitule"].html_name] = "Nouveau"
    data[first["rang"].html_name] = "-3"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Les rubriques n'ont pas été enregistrées" in response.content.decode()
    assert not RubriqueAnnexe.objects.filter(intitule="Nouveau").exists()


def test_livret_annexe_personnaliser_again_adds_organisations_registered_since(staff, atelier_liste):
    reglage = annexe_services.personnaliser(atelier_liste, by=staff)
    RubriqueAnnexe.objects.filter(reglage=reglage, organisation__name="Ministère des Armées").update(
        intitule="Défense"
    )
    culture = ministere("Ministère de la Culture")
    InscriptionFactory(atelier=atelier_liste, organisation=culture)
    assert annexe_services.personnaliser(atelier_liste, by=staff) == reglage
    assert reglage.rubriques.count() == 7
    assert reglage.rubriques.get(organisation__name="Ministère des Armées").intitule == "Défense"
    assert reglage.rubriques.get(organisation=culture).rang == 13


@pytest.mark.django_db(transaction=True)
def test_livret_annexe_personnaliser_double_click_creates_one_setting(
    postgresql, staff, atelier_liste, monkeypatch
):
    # Both clicks meet inside `personnaliser` if nothing orders them; with the lock, the second waits
    # for the first to commit and the meeting times out.
    barrier = threading.Barrier(2, timeout=2)
    listed = annexe_services.racines_presentes

    def meet_then_list(atelier):
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()
        return listed(atelier)

    monkeypatch.setattr(annexe_services, "racines_presentes", meet_then_list)
    clients = [SecondFactorClient(), SecondFactorClient()]
    for client in clients:
        client.force_login(staff)
    statuses, errors = [], []

    def click(client):
        try:
            statuses.append(client.post(annexe_url(atelier_liste), {"action": "personnaliser"}).status_code)
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    run_in_threads(click, [(client,) for client in clients])
    assert errors == []
    assert statuses == [302, 302]
    reglage = ReglageAnnexe.objects.get(atelier=atelier_liste)
    assert reglage.rubriques.count() == 6


def test_livret_annexe_services_refuse_non_staff(lead, atelier_liste):
    with pytest.raises(PermissionDenied):
        annexe_services.personnaliser(atelier_liste, by=lead)
    with pytest.raises(PermissionDenied):
        annexe_services.revenir_au_reseau(atelier_liste, by=lead)


def test_livret_annexe_read_only_for_rapporteurs_404_for_others(client, staff, lead, atelier_liste):
    url = annexe_url(atelier_liste)
    rapporteur = UserFactory()
    Rapporteur.objects.create(atelier=atelier_liste, user=rapporteur, named_by=staff)
    client.force_login(rapporteur)
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Personnaliser pour ce livret" not in content
    assert "Justice" in content
    assert client.post(url, {"action": "personnaliser"}).status_code == 404
    assert not ReglageAnnexe.objects.filter(atelier=atelier_liste).exists()
    client.force_login(lead)
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "personnaliser"}).status_code == 404
