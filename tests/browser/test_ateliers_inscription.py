"""A lead registers, registers a colleague, then cancels, in a real browser."""

import pytest
from playwright.sync_api import expect

from ateliers.enums import InscriptionStatus
from ateliers.livret.services.annexe import format_nom
from ateliers.models import Inscription
from tests.ateliers.factories import AtelierFactory, member_of
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

OWN_CONSENT = "J'accepte de figurer dans la liste des participants du livret"
COLLEAGUE_CONSENT = "Ce collègue accepte de figurer dans la liste des participants du livret"


def test_lead_registers_then_a_colleague_then_cancels(page, login, lead, organisation):
    atelier = AtelierFactory(title="Organiser les immersions")
    colleague = member_of(organisation, user__first_name="Julie", user__last_name="Martin")
    login(lead)
    page.goto("/ateliers/")
    page.get_by_role("link", name="Organiser les immersions").click()
    # Consent to appear in the booklet is an act: both boxes start unchecked.
    expect(page.get_by_label(OWN_CONSENT)).not_to_be_checked()
    expect(page.get_by_label(COLLEAGUE_CONSENT)).not_to_be_checked()
    page.locator("label", has_text=OWN_CONSENT).click()  # the DSFR draws the label over its box
    expect(page.get_by_label(OWN_CONSENT)).to_be_checked()
    page.get_by_role("button", name="M'inscrire").click()
    expect(page.get_by_text("inscription confirmée")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Collègue à inscrire").select_option(
        label=f"{format_nom(colleague.first_name, colleague.last_name)} — {colleague.email}"
    )
    expect(page.get_by_label(COLLEAGUE_CONSENT)).not_to_be_checked()
    page.get_by_role("button", name="Inscrire ce collègue").click()
    expect(page.get_by_text("Julie Martin : inscription confirmée")).to_be_visible()

    page.get_by_role("button", name="Annuler mon inscription").click()
    expect(page.get_by_text("Votre inscription est annulée.")).to_be_visible()
    expect(page.get_by_role("button", name="M'inscrire")).to_be_visible()

    rows = Inscription.objects.filter(atelier=atelier).values_list(
        "user__email", "status", "consent_annuaire"
    )
    assert {email: (status, consent) for email, status, consent in rows} == {
        lead.email: (InscriptionStatus.ANNULE, True),
        colleague.email: (InscriptionStatus.INSCRIT, False),
    }
