"""The booklet studio's pages: who may open them, the home page, the preview and the versions, and their
query counts."""

import re

import pytest
from django.urls import reverse

from ateliers.models import ContenuSequence, GroupeTravail, Livret
from fabrique.core.enums import DocumentStatus
from tests.accompagnement.factories import OrganisationFactory
from tests.ateliers.conftest import JSON, log_in, part, save_url
from tests.ateliers.livret_factories import add_blocks, make_booklet_atelier

pytestmark = pytest.mark.django_db


def studio_urls(atelier):
    groupe = GroupeTravail.objects.filter(sequence__atelier=atelier).first()
    return [
        reverse("ateliers:livret_contenu", args=[atelier.pk]),
        *(reverse("ateliers:livret_sequence", args=[atelier.pk, s.pk]) for s in atelier.sequences.all()),
        reverse("ateliers:studio_groupe", args=[atelier.pk, groupe.pk]),
        reverse("ateliers:studio_reglages", args=[atelier.pk]),
        reverse("ateliers:studio_apercu", args=[atelier.pk]),
        reverse("ateliers:studio_versions", args=[atelier.pk]),
    ]


def test_studio_pages_open_to_rapporteurs_and_staff(client, atelier, rapporteur, staff):
    for user in (rapporteur, staff):
        log_in(client, user)
        for url in studio_urls(atelier):
            assert client.get(url).status_code == 200, url


def test_studio_refused_to_others_of_the_network(client, atelier, rapporteur, lead):
    participant = atelier.inscriptions.first().user
    sequence = part(atelier, "ouverture")
    posts = [
        save_url(atelier, "sequence", sequence.pk),
        reverse("ateliers:studio_ajouter", args=[atelier.pk, "question", part(atelier, "debat").pk]),
        reverse("ateliers:studio_generer", args=[atelier.pk]),
    ]
    for user in (lead, participant):
        log_in(client, user)
        for url in studio_urls(atelier):
            assert client.get(url).status_code == 404, url
        for url in posts:
            assert client.post(url, {"texte": "<p>non</p>", "revision": 0}).status_code == 404, url
    # A rapporteur of another workshop does not write this one's booklet.
    other = make_booklet_atelier(participants=1, organisations=1, prefix="Autre ministère")
    log_in(client, rapporteur)
    assert client.get(reverse("ateliers:livret_contenu", args=[other.pk])).status_code == 404
    other_sequence = other.sequences.first()
    assert client.post(save_url(other, "sequence", other_sequence.pk), {"revision": 0}).status_code == 404
    # A block of this workshop reached through another's address is not found either.
    assert client.post(save_url(other, "sequence", sequence.pk), {"revision": 0}).status_code == 404
    client.logout()
    response = client.get(reverse("ateliers:livret_contenu", args=[atelier.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert ContenuSequence.objects.get(sequence=sequence).revision == 0


def test_studio_staff_actions_refused_to_rapporteurs(client, atelier, rapporteur):
    livret = Livret.objects.create(atelier=atelier, version=1, status=DocumentStatus.PRET)
    log_in(client, rapporteur)
    for name, args in (
        ("studio_generer", [atelier.pk]),
        ("studio_publier", [atelier.pk, livret.pk]),
        ("studio_diffuser", [atelier.pk, livret.pk]),
    ):
        assert client.post(reverse(f"ateliers:{name}", args=args)).status_code == 404
    assert Livret.objects.filter(atelier=atelier).count() == 1
    home = client.get(reverse("ateliers:livret_contenu", args=[atelier.pk])).content.decode()
    assert "Générer le PDF" not in home
    versions = client.get(reverse("ateliers:studio_versions", args=[atelier.pk])).json()["versions"]
    assert versions == [
        {
            "version": 1,
            "status": "pret",
            "status_label": "Prêt",
            "error": "",
            "pages": None,
            "published": False,
        }
    ]


def test_studio_home_lists_parts_in_booklet_order_with_links(client, atelier, rapporteur):
    log_in(client, rapporteur)
    page = client.get(reverse("ateliers:livret_contenu", args=[atelier.pk])).content.decode()
    titles = re.findall(r'<h3 class="fr-h5 fr-mb-1w">(\d+)\. ([^<]+)</h3>', page)
    assert [number for number, _title in titles] == ["1", "2", "3", "4", "5"]
    assert titles[0][1].startswith("Ouverture — ")  # created last in the running order, first in the booklet
    assert reverse("ateliers:livret_annexe", args=[atelier.pk]) in page
    assert reverse("ateliers:studio_reglages", args=[atelier.pk]) in page
    groupe = GroupeTravail.objects.filter(sequence__atelier=atelier).first()
    assert reverse("ateliers:studio_groupe", args=[atelier.pk, groupe.pk]) in page
    assert "3 groupes, 9 constats" in page
    detail = client.get(reverse("ateliers:atelier_detail", args=[atelier.pk])).content.decode()
    assert reverse("ateliers:livret_contenu", args=[atelier.pk]) in detail


def test_contribution_organisations_named_with_their_ministry(client, atelier, staff):
    ministere = OrganisationFactory(ministere=True, name="Ministère des Armées")
    OrganisationFactory(parent=ministere, name="Secrétariat général")
    OrganisationFactory(parent=OrganisationFactory(parent=ministere, name="DRH"), name="Bureau trop profond")
    log_in(client, staff)
    page = client.get(
        reverse("ateliers:livret_sequence", args=[atelier.pk, part(atelier, "feuille_de_route").pk])
    )
    html = page.content.decode()
    assert "Secrétariat général — Ministère des Armées</option>" in html
    assert '<optgroup label="Ministère des Armées">' in html
    assert "Bureau trop profond" not in html  # roots and their directions only


# --- Preview, versions, admin ---------------------------------------------------------------------


def test_apercu_framed_by_the_studio_only_and_runs_no_script(client, atelier, rapporteur):
    log_in(client, rapporteur)
    response = client.get(reverse("ateliers:studio_apercu", args=[atelier.pk]))
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy
    assert "script-src 'none'" in policy
    assert 'id="partie-1"' in response.content.decode()
    home = client.get(reverse("ateliers:livret_contenu", args=[atelier.pk]))
    assert home["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in home["Content-Security-Policy"]


def test_generer_asks_the_worker_and_versions_follow_it(
    client, atelier, staff, django_capture_on_commit_callbacks
):
    log_in(client, staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ateliers:studio_generer", args=[atelier.pk]), **JSON)
    assert response.json()["version"] == 1
    livret = Livret.objects.get(atelier=atelier)
    # Tasks run in-process after commit in tests: the version is ready already.
    versions = client.get(reverse("ateliers:studio_versions", args=[atelier.pk])).json()["versions"]
    assert versions[0]["status"] == "pret"
    assert versions[0]["url"] == reverse("admin:ateliers_livret_fichier", args=[livret.pk])
    assert versions[0]["publish_url"] == reverse("ateliers:studio_publier", args=[atelier.pk, livret.pk])
    Livret.objects.create(atelier=atelier, version=2, status=DocumentStatus.ECHEC, error="Trop long")
    versions = client.get(reverse("ateliers:studio_versions", args=[atelier.pk])).json()["versions"]
    assert [(v["version"], v["status_label"], v["error"]) for v in versions] == [
        (2, "Échec", "Trop long"),
        (1, "Prêt", ""),
    ]


def test_editor_media_carries_the_csp_nonce_in_the_studio_and_the_admin(client, atelier, staff):
    staff.is_superuser = True
    staff.save(update_fields=["is_superuser"])
    log_in(client, staff)
    sequence = part(atelier, "debat")
    for url in (
        reverse("ateliers:livret_sequence", args=[atelier.pk, sequence.pk]),
        reverse("admin:ateliers_sequencelivret_change", args=[sequence.pk]),
    ):
        response = client.get(url)
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        assert f'<script type="importmap" nonce="{nonce}">' in response.content.decode(), url


# --- Query counts -------------------------------------------------------------------------------


# Per page: the session, the account, the charter check (2), the site's settings, the workshop and the
# rapporteur check (2), then the page's own reads, a fixed number whatever the number of blocks.
PART_QUERIES = {"ouverture": 13, "feuille_de_route": 14, "debat": 14, "communication": 13, "ateliers": 14}


@pytest.mark.parametrize("extra", [0, 6])
def test_studio_pages_query_counts_are_fixed(client, atelier, rapporteur, django_assert_num_queries, extra):
    add_blocks(atelier, extra)
    log_in(client, rapporteur)
    with django_assert_num_queries(16):
        client.get(reverse("ateliers:livret_contenu", args=[atelier.pk]))
    for kind, count in PART_QUERIES.items():
        url = reverse("ateliers:livret_sequence", args=[atelier.pk, part(atelier, kind).pk])
        with django_assert_num_queries(count):
            client.get(url)
    groupe = GroupeTravail.objects.filter(sequence__atelier=atelier).first()
    with django_assert_num_queries(8):
        client.get(reverse("ateliers:studio_groupe", args=[atelier.pk, groupe.pk]))
    with django_assert_num_queries(7):
        client.get(reverse("ateliers:studio_reglages", args=[atelier.pk]))
    with django_assert_num_queries(6):
        client.get(reverse("ateliers:studio_versions", args=[atelier.pk]))
    url = save_url(atelier, "sequence", part(atelier, "ouverture").pk)
    with django_assert_num_queries(11):
        client.post(url, {"texte": "<p>x</p>", "points_cles": "", "revision": 0}, **JSON)
