"""The booklet from the staff's buttons to a participant's download, in a real browser."""

import pytest

from accompagnement.models import Charte
from accompagnement.services import accept_charte
from ateliers.enums import AtelierStatus, InscriptionStatus
from ateliers.models import Inscription, Livret, LivretStatus
from tests.ateliers.livret_factories import make_booklet_atelier

pytestmark = pytest.mark.django_db(transaction=True)


def test_livret_generated_published_spread_then_downloaded(page, login, staff):
    atelier = make_booklet_atelier(participants=6, organisations=2)
    staff.is_superuser = True
    staff.save(update_fields=["is_superuser"])
    participant = Inscription.objects.filter(atelier=atelier, status=InscriptionStatus.INSCRIT).first().user
    charte = Charte.objects.publiees().order_by("-version").first()
    for user in (staff, participant):
        if charte is not None:
            accept_charte(user, charte)

    login(staff)
    page.goto(f"/admin/ateliers/atelierlivret/{atelier.pk}/change/")
    assert page.get_by_text("Aucune version publiée.").is_visible()
    # Tasks run in-process after commit in tests: the version is ready when the page comes back.
    page.get_by_role("button", name="Générer une nouvelle version").click()
    page.wait_for_load_state()
    assert page.get_by_text("La version 1 est en cours de rendu").is_visible()
    assert Livret.objects.get(atelier=atelier).status == LivretStatus.PRET
    page.get_by_role("button", name="Publier la version 1").click()
    page.wait_for_load_state()
    assert page.get_by_text("Version 1 publiée : les participants sont prévenus par courriel.").is_visible()
    page.get_by_role("button", name="Diffuser au réseau").click()
    page.wait_for_load_state()
    assert page.get_by_text("Diffusée à tout le réseau.").is_visible()
    atelier.refresh_from_db()
    assert atelier.status == AtelierStatus.RESTITUTION_PUBLIEE

    page.context.clear_cookies()
    login(participant)
    response = page.request.get(f"/ateliers/{atelier.pk}/livret.pdf")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert "livret-restitution-2023-04-13-" in response.headers["content-disposition"]
    assert response.body()[:4] == b"%PDF"
