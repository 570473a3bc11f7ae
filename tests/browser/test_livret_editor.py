"""The booklet's front-end editor in a browser, with the axe-core accessibility check."""

import pytest

from accompagnement.models import Charte
from accompagnement.services import accept_charte
from ateliers.models import ContenuSequence, Rapporteur
from tests.accompagnement.factories import UserFactory
from tests.ateliers.livret_factories import make_booklet_atelier
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_livret_editor_rapporteur_writes_with_errors_shown(page, login, staff):
    atelier = make_booklet_atelier(participants=3, organisations=1)
    rapporteur = UserFactory()
    Rapporteur.objects.create(atelier=atelier, user=rapporteur, named_by=staff)
    charte = Charte.objects.publiees().order_by("-version").first()
    if charte is not None:
        accept_charte(rapporteur, charte)
    sequence = atelier.sequences.get(kind="ouverture")

    login(rapporteur)
    page.goto(f"/ateliers/{atelier.pk}/livret/")
    assert_accessible(page)
    page.get_by_role("link", name=f"Rédiger — {sequence.title}").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Compte rendu").fill("<ul><li>trop" * 8 + "</li></ul>" * 8)
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    assert page.get_by_text("Les listes sont imbriquées trop profondément").is_visible()
    assert_accessible(page)
    page.get_by_label("Compte rendu").fill("<p>La directrice a ouvert l'atelier.</p>")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(f"**/ateliers/{atelier.pk}/livret/")
    assert page.get_by_text("est enregistré").is_visible()
    assert ContenuSequence.objects.get(sequence=sequence).texte == "<p>La directrice a ouvert l'atelier.</p>"
