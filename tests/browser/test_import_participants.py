"""A ministry's participants list imported by staff in a real browser: « Secrétariat général » settled by the
ministry column, the missing directions created from the preview, then everyone registered."""

import pytest
from playwright.sync_api import expect

from accompagnement.models import Charte, Organisation
from accompagnement.services import accept_charte
from ateliers.models import Inscription
from tests.ateliers.conftest import network  # noqa: F401 - the network fixture
from tests.ateliers.factories import AtelierFactory
from tests.ateliers.participants_import import FIXTURE
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_import_ministry_list_creating_missing_directions_from_the_preview(page, login, staff, network):  # noqa: F811 - pytest injects the imported fixture
    staff.is_superuser = True
    staff.save(update_fields=["is_superuser"])
    charte = Charte.objects.publiees().order_by("-version").first()
    if charte is not None:
        accept_charte(staff, charte)
    atelier = AtelierFactory(capacity=60, title="Structurer une offre d'accompagnement")

    login(staff)
    page.goto("/admin/ateliers/inscription/import/")
    page.get_by_label("Fichier à importer").set_input_files(FIXTURE)
    page.get_by_label("Format").select_option(label="csv")
    page.get_by_label("Atelier").select_option(label=str(atelier))
    page.get_by_role("button", name="Envoyer").click()

    expect(page.get_by_role("heading", name="Organisations à préciser")).to_be_visible()
    expect(page.get_by_text("Lignes 7, 8.")).to_be_visible()
    expect(
        page.get_by_text(
            "Direction des ressources humaines du ministère des Armées (DRH-MD) — Ministère des Armées"
        )
    ).to_be_visible()
    assert_accessible(page)
    assert not Inscription.objects.exists()

    armees = page.get_by_role(
        "group",
        name="Créer la direction « Service du commissariat des armées » sous « Ministère des Armées »",
    )
    armees.get_by_label("Sigle (facultatif)").fill("SCA")
    armees.get_by_role("button", name="Créer cette direction sous « Ministère des Armées »").click()
    expect(
        page.get_by_text(
            "Direction « Service du commissariat des armées (SCA) » créée sous « Ministère des Armées »"
        )
    ).to_be_visible()
    expect(page.get_by_text("Lignes 7, 8.")).to_have_count(0)
    page.get_by_role(
        "button", name="Créer cette direction sous « Ministère de l'Intérieur et des Outre-mer »"
    ).click()

    expect(page.get_by_role("heading", name="Organisations à préciser")).to_have_count(0)
    expect(page.get_by_text("Secrétariat général (SG) — Ministère des Armées").first).to_be_visible()
    page.get_by_role("button", name="Confirmer l’importation").click()
    expect(
        page.get_by_text("Import terminé : 40 inscrit(s), 0 en liste d'attente, 0 déjà inscrit(s).")
    ).to_be_visible()
    assert Inscription.objects.filter(atelier=atelier).count() == 40
    assert Organisation.objects.get(acronym="SCA").parent == network["minarm"]
    assert Inscription.objects.get(
        user__email="helene.marchand@intradef.gouv.fr"
    ).organisation.nom_complet == ("Secrétariat général (SG) — Ministère des Armées")
