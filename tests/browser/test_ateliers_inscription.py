"""A lead registers, registers a colleague, then cancels, in a real browser."""

import pytest

from ateliers.enums import InscriptionStatus
from ateliers.models import Inscription
from tests.ateliers.factories import AtelierFactory, member_of
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_lead_registers_then_a_colleague_then_cancels(page, login, lead, organisation):
    atelier = AtelierFactory(title="Organiser les immersions")
    colleague = member_of(organisation, user__first_name="Julie", user__last_name="Martin")
    login(lead)
    page.goto("/ateliers/")
    page.get_by_role("link", name="Organiser les immersions").click()
    page.get_by_role("button", name="M'inscrire").click()
    assert page.get_by_text("inscription confirmée").is_visible()
    assert_accessible(page)

    page.get_by_label("Collègue à inscrire").select_option(
        label=f"{colleague.display_name} — {colleague.email}"
    )
    page.get_by_role("button", name="Inscrire ce collègue").click()
    assert page.get_by_text("Julie Martin : inscription confirmée").is_visible()

    page.get_by_role("button", name="Annuler mon inscription").click()
    assert page.get_by_text("Votre inscription est annulée.").is_visible()
    assert page.get_by_role("button", name="M'inscrire").is_visible()

    statuses = dict(Inscription.objects.filter(atelier=atelier).values_list("user__email", "status"))
    assert statuses == {lead.email: InscriptionStatus.ANNULE, colleague.email: InscriptionStatus.INSCRIT}
