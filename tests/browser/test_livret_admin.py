"""The booklet from the staff's buttons to a participant's download, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from accompagnement.models import Charte
from accompagnement.services import accept_charte
from ateliers.enums import AtelierStatus, InscriptionStatus
from ateliers.livret.services import studio
from ateliers.models import ContenuSequence, Inscription, Livret, Rapporteur
from fabrique.core.enums import DocumentStatus
from tests.accompagnement.factories import UserFactory
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
    expect(page.get_by_text("Aucune version publiée.")).to_be_visible()
    # Tasks run in-process after commit in tests: the version is ready when the page comes back.
    page.get_by_role("button", name="Générer une nouvelle version").click()
    page.wait_for_load_state()
    expect(page.get_by_text("La version 1 est en cours de rendu")).to_be_visible()
    assert Livret.objects.get(atelier=atelier).status == DocumentStatus.PRET
    page.get_by_role("button", name="Publier la version 1").click()
    page.wait_for_load_state()
    expect(
        page.get_by_text("Version 1 publiée : les participants sont prévenus par courriel.")
    ).to_be_visible()
    page.get_by_role("button", name="Diffuser au réseau").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Diffusée à tout le réseau.")).to_be_visible()
    atelier.refresh_from_db()
    assert atelier.status == AtelierStatus.RESTITUTION_PUBLIEE

    page.context.clear_cookies()
    login(participant)
    response = page.request.get(f"/ateliers/{atelier.pk}/livret.pdf")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert "livret-restitution-2023-04-13-" in response.headers["content-disposition"]
    assert response.body()[:4] == b"%PDF"


def test_livret_admin_save_after_a_studio_save_refused_with_the_text_kept(page, login, staff):
    atelier = make_booklet_atelier(participants=1, organisations=1)
    staff.is_superuser = True
    staff.save(update_fields=["is_superuser"])
    charte = Charte.objects.publiees().order_by("-version").first()
    if charte is not None:
        accept_charte(staff, charte)
    rapporteur = UserFactory(first_name="Camille", last_name="Rapporteuse")
    Rapporteur.objects.create(atelier=atelier, user=rapporteur, named_by=staff)
    sequence = atelier.sequences.get(kind="ouverture")
    contenu = ContenuSequence.objects.get(sequence=sequence)

    def write(text):
        contenu.refresh_from_db()
        values = {"texte": text, "points_cles": contenu.points_cles}
        studio.save_block(atelier, "sequence", sequence.pk, values, revision=contenu.revision, by=rapporteur)

    write("<p>Version A</p>")
    login(staff)
    page.goto(f"/admin/ateliers/sequencelivret/{sequence.pk}/change/")
    texte = page.locator(".prose-editor:has(textarea[name='contenu-0-texte']) [contenteditable]")
    expect(texte).to_have_text("Version A")
    write("<p>Version B</p>")  # in the studio, while the admin page is open
    page.get_by_role("button", name="Enregistrer et continuer les modifications").click()
    expect(
        page.get_by_text(re.compile(r"^Ce bloc a été modifié par RAPPORTEUSE Camille à \d{1,2} h \d\d"))
    ).to_be_visible()
    expect(texte).to_have_text("Version A")  # nothing typed is lost
    contenu.refresh_from_db()
    assert contenu.texte == "<p>Version B</p>"
