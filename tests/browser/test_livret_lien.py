"""A participant without a password downloads the booklet through the signed link once, and not twice."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from ateliers.enums import Presence
from ateliers.livret.services import liens, versions
from tests.ateliers.factories import AtelierFactory, InscriptionFactory
from tests.ateliers.test_liens import PDF_V1, ready_version, without_password
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_signed_link_downloads_once_then_explains(page, staff, tmp_path):
    atelier = AtelierFactory(lancement=True)
    imported = without_password(InscriptionFactory(atelier=atelier, presence=Presence.PRESENT))
    versions.publish(ready_version(atelier, PDF_V1), by=staff, notify=False)
    path = reverse("ateliers:lien_livret", args=[liens.create_link(imported).token])

    page.goto(path)
    expect(page.get_by_role("heading", name="Télécharger le livret de restitution")).to_be_visible()
    expect(page.get_by_text("Structurer une offre d'accompagnement personnalisé")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Télécharger le livret (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.endswith("structurer-une-offre-daccompagnement-personnalise.pdf")
    download.save_as(tmp_path / "livret.pdf")
    assert (tmp_path / "livret.pdf").read_bytes() == PDF_V1

    # The second click: a clear page saying what to do, and nothing downloaded.
    page.get_by_role("button", name="Télécharger le livret (PDF)").click()
    expect(
        page.get_by_role("heading", name="Ce lien ne permet plus de télécharger le livret")
    ).to_be_visible()
    expect(page.get_by_text("Ce lien a déjà servi")).to_be_visible()
    expect(page.get_by_role("link", name="Mot de passe oublié ?")).to_be_visible()
    assert_accessible(page)
