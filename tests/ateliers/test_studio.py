"""The booklet studio: its services (save on a revision, conflicts, blocks added, moved, deleted) and its
views (pages, the autosave endpoint with and without JavaScript, uploads, preview, versions), with the
permissions and the query counts."""

import io
import random
import re
import struct
import threading
import zlib

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageFile

from accompagnement.models import Charte
from accompagnement.services import accept_charte
from ateliers.models import (
    Constat,
    ContenuSequence,
    Contribution,
    GroupeTravail,
    Intervenant,
    Livret,
    LivretStatus,
    Question,
    Rapporteur,
    ReglageAnnexe,
    ReglagesLivret,
    Reponse,
    Ressource,
)
from ateliers.services import studio
from ateliers.services.studio import Conflict, StudioPermissionError
from fabrique import richtext
from tests.accompagnement.factories import OrganisationFactory, UserFactory
from tests.ateliers.livret_factories import give_portrait, make_booklet_atelier

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}
SAVED = re.compile(r"^Enregistré à \d{1,2} h \d\d$")


def log_in(client, user):
    charte = Charte.objects.publiees().order_by("-version").first()
    if charte is not None:
        accept_charte(user, charte)
    client.force_login(user)
    return client


def image(size=(64, 64), mode="RGB", fmt="PNG", colour=0, **options):
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, format=fmt, **options)
    return buffer.getvalue()


def stored_photo(intervenant):
    """The stored photo's format, size and EXIF, as Pillow reads them back."""
    intervenant.refresh_from_db()
    with intervenant.photo.open("rb") as handle, Image.open(handle) as photo:
        return photo.format, photo.size, dict(photo.getexif())


def png_header(width, height):
    """A PNG's signature, header and an empty data chunk: all Pillow reads to know an image's size, a few
    bytes for a 20,000 × 20,000 image (its pixels are never there)."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1 bit a pixel
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"") + chunk(b"IEND", b"")


@pytest.fixture
def atelier(db):
    return make_booklet_atelier(participants=4, organisations=2)


@pytest.fixture
def rapporteur(atelier, staff):
    user = UserFactory()
    Rapporteur.objects.create(atelier=atelier, user=user, named_by=staff)
    return user


def part(atelier, kind):
    return atelier.sequences.get(kind=kind)


def save_url(atelier, bloc, pk):
    return reverse("ateliers:studio_enregistrer", args=[atelier.pk, bloc, pk])


# --- Services ----------------------------------------------------------------------------------


def test_save_block_bumps_the_revision_and_records_the_writer(atelier, rapporteur):
    sequence = part(atelier, "ouverture")
    saved = studio.save_block(
        atelier, "sequence", sequence.pk, {"texte": "<p>Un</p>", "points_cles": ""}, revision=0, by=rapporteur
    )
    contenu = ContenuSequence.objects.get(sequence=sequence)
    assert saved.revision == contenu.revision == 1
    assert (contenu.texte, contenu.points_cles, contenu.updated_by) == ("<p>Un</p>", "", rapporteur)


def test_save_block_stale_revision_refused_with_both_texts(atelier, rapporteur, staff):
    sequence = part(atelier, "ouverture")
    studio.save_block(
        atelier,
        "sequence",
        sequence.pk,
        {"texte": "<p>Leur texte</p>", "points_cles": ""},
        revision=0,
        by=staff,
    )
    with pytest.raises(Conflict) as refused:
        studio.save_block(
            atelier,
            "sequence",
            sequence.pk,
            {"texte": "<p>Mon texte</p>", "points_cles": ""},
            revision=0,
            by=rapporteur,
        )
    assert refused.value.revision == 1
    assert refused.value.theirs["texte"] == "<p>Leur texte</p>"
    assert refused.value.mine["texte"] == "<p>Mon texte</p>"
    contenu = ContenuSequence.objects.get(sequence=sequence)
    assert (contenu.texte, contenu.revision, contenu.updated_by) == ("<p>Leur texte</p>", 1, staff)


def test_save_block_stale_revision_saying_the_same_is_accepted_unchanged(atelier, rapporteur, staff):
    sequence = part(atelier, "ouverture")
    values = {"texte": "<p>Même texte</p>", "points_cles": ""}
    studio.save_block(atelier, "sequence", sequence.pk, values, revision=0, by=staff)
    saved = studio.save_block(atelier, "sequence", sequence.pk, values, revision=0, by=rapporteur)
    assert (saved.revision, saved.changed) == (1, False)
    assert ContenuSequence.objects.get(sequence=sequence).updated_by == staff


def test_save_block_refused_to_a_plain_member_and_outside_the_workshop(atelier, rapporteur, lead):
    contribution = Contribution.objects.filter(sequence__atelier=atelier).first()
    values = {"organisation": None, "organisation_label": "DGAFP", "speaker": "", "text": "<p>x</p>"}
    with pytest.raises(StudioPermissionError):
        studio.save_block(atelier, "contribution", contribution.pk, values, revision=0, by=lead)
    other = make_booklet_atelier(participants=1, organisations=1, prefix="Autre ministère")
    with pytest.raises(Contribution.DoesNotExist):
        studio.save_block(
            other, "contribution", contribution.pk, values, revision=0, by=UserFactory(is_staff=True)
        )
    assert Contribution.objects.get(pk=contribution.pk).text != "<p>x</p>"


def test_save_groupe_replaces_its_findings_in_order(atelier, rapporteur):
    groupe = GroupeTravail.objects.filter(sequence__atelier=atelier).first()
    values = {
        "title": groupe.title,
        "theme": "Catégorie C",
        "facilitator": "",
        "synthese": "<p>Synthèse</p>",
        "constats": ["Deuxième d'abord", "Puis le premier"],
    }
    studio.save_block(atelier, "groupe", groupe.pk, values, revision=0, by=rapporteur)
    assert list(groupe.constats.values_list("order", "text")) == [
        (0, "Deuxième d'abord"),
        (1, "Puis le premier"),
    ]
    groupe.refresh_from_db()
    assert (groupe.theme, groupe.revision, groupe.updated_by) == ("Catégorie C", 1, rapporteur)


def test_save_reglages_created_by_the_first_save(atelier, rapporteur):
    assert not ReglagesLivret.objects.filter(atelier=atelier).exists()
    values = {
        "annexe2": "texte",
        "annexe2_titre": "La charte et les actions prioritaires",
        "annexe2_texte": "Première action\n\nDeuxième action",
        "page_annexes": True,
        "quatrieme_couverture": "",
    }
    studio.save_block(atelier, "reglages", atelier.pk, values, revision=0, by=rapporteur)
    reglages = ReglagesLivret.objects.get(atelier=atelier)
    assert reglages.annexe2_texte == "<p>Première action</p><p>Deuxième action</p>"
    assert (reglages.page_annexes, reglages.revision) == (True, 1)


def test_blocks_added_moved_and_deleted_in_order(atelier, rapporteur):
    debat = part(atelier, "debat")
    question = studio.add_block(atelier, "question", debat.pk, {"question": "Et après ?"}, by=rapporteur)
    assert [q.question for q in debat.questions.all()] == [
        "Question 0 ?",
        "Question 1 ?",
        "Question 2 ?",
        "Et après ?",
    ]
    studio.move_block(atelier, "question", question.pk, up=True, by=rapporteur)
    studio.move_block(atelier, "question", question.pk, up=True, by=rapporteur)
    assert [q.question for q in debat.questions.all()] == [
        "Question 0 ?",
        "Et après ?",
        "Question 1 ?",
        "Question 2 ?",
    ]
    studio.add_block(atelier, "reponse", question.pk, {"answered_by": "Camille"}, by=rapporteur)
    studio.delete_block(atelier, "question", question.pk, by=rapporteur)
    assert not Question.objects.filter(pk=question.pk).exists()
    assert not Reponse.objects.filter(question_id=question.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_save_block_two_writers_at_once_one_wins_one_sees_a_conflict(postgresql, staff):
    atelier = make_booklet_atelier(participants=1, organisations=1)
    sequence = part(atelier, "ouverture")
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def write(text):
        from django.db import connection as thread_connection  # noqa: PLC0415 - each thread's own

        try:
            barrier.wait()
            values = {"texte": f"<p>{text}</p>", "points_cles": ""}
            studio.save_block(atelier, "sequence", sequence.pk, values, revision=0, by=staff)
            outcomes.append("saved")
        except Conflict:
            outcomes.append("conflict")
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=write, args=(text,)) for text in ("Un", "Deux")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(outcomes) == ["conflict", "saved"]
    assert ContenuSequence.objects.get(sequence=sequence).revision == 1


# --- Pages and permissions ------------------------------------------------------------------------


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
    livret = Livret.objects.create(atelier=atelier, version=1, status=LivretStatus.PRET)
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
            "failure_reason": "",
            "page_count": None,
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


# --- The save endpoint ---------------------------------------------------------------------------


def test_enregistrer_json_saves_and_answers_the_new_revision(client, atelier, rapporteur):
    sequence = part(atelier, "ouverture")
    log_in(client, rapporteur)
    response = client.post(
        save_url(atelier, "sequence", sequence.pk),
        {"texte": "<p>Ouvert</p>", "points_cles": "", "revision": 0},
        **JSON,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["revision"] == 1
    assert SAVED.match(body["message"])
    assert body["message"].endswith(body["saved_at"])


def test_enregistrer_json_stale_revision_answers_409_with_both_texts(client, atelier, rapporteur, staff):
    question = Question.objects.filter(sequence__atelier=atelier).first()
    studio.save_block(
        atelier,
        "question",
        question.pk,
        {"question": "Leur question ?", "asked_by": ""},
        revision=0,
        by=staff,
    )
    log_in(client, rapporteur)
    response = client.post(
        save_url(atelier, "question", question.pk),
        {"question": "Ma question <b>?</b>", "asked_by": "", "revision": 0},
        **JSON,
    )
    assert response.status_code == 409
    body = response.json()
    assert (body["conflict"], body["revision"]) == (True, 1)
    assert body["theirs"] == {"question": "<p>Leur question ?</p>"}
    assert body["mine"] == {"question": "<p>Ma question &lt;b&gt;?&lt;/b&gt;</p>"}
    assert body["values"] == {"question": "Leur question ?"}
    assert body["labels"] == {"question": "Question"}
    assert Question.objects.get(pk=question.pk).question == "Leur question ?"
    # « Garder ma version »: the same text saved again on the current revision.
    response = client.post(
        save_url(atelier, "question", question.pk),
        {"question": "Ma question ?", "asked_by": "", "revision": 1},
        **JSON,
    )
    assert response.json()["revision"] == 2
    assert Question.objects.get(pk=question.pk).question == "Ma question ?"


def test_enregistrer_conflict_names_organisations_and_lists_findings(client, atelier, rapporteur, staff):
    secretariat = OrganisationFactory(
        parent=OrganisationFactory(ministere=True, name="Ministère des Armées"), name="Secrétariat général"
    )
    contribution = Contribution.objects.filter(sequence__atelier=atelier).first()
    values = {
        "organisation": secretariat.pk,
        "organisation_label": "",
        "speaker": "",
        "text": contribution.text,
    }
    studio.save_block(atelier, "contribution", contribution.pk, values, revision=0, by=staff)
    groupe = GroupeTravail.objects.filter(sequence__atelier=atelier).first()
    values = {"title": groupe.title, "theme": "", "facilitator": "", "synthese": "", "constats": ["Le leur"]}
    studio.save_block(atelier, "groupe", groupe.pk, values, revision=0, by=staff)
    log_in(client, rapporteur)
    mine = {
        "organisation": "",
        "organisation_label": "Région Bretagne",
        "text": contribution.text,
        "revision": 0,
    }
    body = client.post(save_url(atelier, "contribution", contribution.pk), mine, **JSON).json()
    assert body["theirs"] == {
        "organisation": "Secrétariat général — Ministère des Armées",
        "organisation_label": "",
    }
    assert body["mine"] == {"organisation": "Hors réseau", "organisation_label": "<p>Région Bretagne</p>"}
    assert body["values"] == {"organisation": secretariat.pk, "organisation_label": ""}
    mine = {"title": groupe.title, "constats": "Le mien\nEt un autre", "revision": 0}
    body = client.post(save_url(atelier, "groupe", groupe.pk), mine, **JSON).json()
    assert body["theirs"] == {"constats": "<ul><li>Le leur</li></ul>"}
    assert body["mine"] == {"constats": "<ul><li>Le mien</li><li>Et un autre</li></ul>"}
    assert body["values"] == {"constats": "Le leur"}


def test_enregistrer_json_validation_errors_answer_400_and_save_nothing(client, atelier, rapporteur):
    contribution = Contribution.objects.filter(sequence__atelier=atelier).first()
    sequence = part(atelier, "ouverture")
    log_in(client, rapporteur)
    response = client.post(
        save_url(atelier, "contribution", contribution.pk),
        {"organisation": "", "organisation_label": " ", "text": "<p>x</p>", "revision": 0},
        **JSON,
    )
    assert response.status_code == 400
    assert response.json() == {
        "errors": {
            "__all__": ["Choisissez l'organisation, ou écrivez le nom d'une organisation hors réseau."]
        }
    }
    nested = "<ul><li>x" * 10 + "</li></ul>" * 10
    response = client.post(
        save_url(atelier, "sequence", sequence.pk),
        {"texte": nested, "points_cles": "", "revision": 0},
        **JSON,
    )
    assert response.status_code == 400
    assert "imbriquées trop profondément" in response.json()["errors"]["texte"][0]
    assert ContenuSequence.objects.get(sequence=sequence).revision == 0
    assert Contribution.objects.get(pk=contribution.pk).revision == 0


def test_enregistrer_cleans_pasted_html_and_makes_word_lists_real_lists(client, atelier, rapporteur):
    sequence = part(atelier, "ouverture")
    log_in(client, rapporteur)
    word = (
        "<p class=MsoListParagraphCxSpFirst style='mso-list:l0 level1 lfo1'><span style='mso-list:Ignore'>·"
        "&nbsp;&nbsp;</span>Former</p><p class=MsoListParagraphCxSpLast style='mso-list:l0 level1 lfo1'>"
        "<span style='mso-list:Ignore'>·&nbsp;&nbsp;</span>Accompagner</p>"
    )
    hostile = '<p onclick="x()" style="color:red">Un <a href="file:///etc/passwd">lien</a><img src="http://x/y.png"></p><script>1</script>'
    response = client.post(
        save_url(atelier, "sequence", sequence.pk),
        {"texte": hostile, "points_cles": word, "revision": 0},
        **JSON,
    )
    assert response.status_code == 200
    contenu = ContenuSequence.objects.get(sequence=sequence)
    assert richtext.text_of(contenu.texte) == "Un lien"  # the file:// address is gone, the words stay
    for stripped in ("file:", "<script", "onclick", "style", "<img", "http://x"):
        assert stripped not in contenu.texte
    assert contenu.points_cles == "<ul><li>Former</li><li>Accompagner</li></ul>"


def test_enregistrer_without_javascript_redirects_or_shows_both_texts(client, atelier, rapporteur, staff):
    sequence = part(atelier, "debat")
    url = save_url(atelier, "sequence", sequence.pk)
    log_in(client, rapporteur)
    response = client.post(
        url, {"texte": "Premier jet", "points_cles": "", "revision": 0, "retour": f"partie-{sequence.pk}"}
    )
    assert response.status_code == 302
    page_url = reverse("ateliers:livret_sequence", args=[atelier.pk, sequence.pk])
    assert response["Location"] == f"{page_url}#bloc-sequence-{sequence.pk}"
    studio.save_block(
        atelier,
        "sequence",
        sequence.pk,
        {"texte": "<p>Leur texte</p>", "points_cles": ""},
        revision=1,
        by=staff,
    )
    response = client.post(
        url, {"texte": "Mon texte", "points_cles": "", "revision": 1, "retour": f"partie-{sequence.pk}"}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Leur version" in html
    assert "Votre version" in html
    assert '<div class="studio-texte"><p>Leur texte</p></div>' in html
    assert '<div class="studio-texte"><p>Mon texte</p></div>' in html
    assert f'name="revision" value="2" id="sequence-{sequence.pk}-revision"' in html  # keep mine: saved on 2
    assert "Mon texte</textarea>" in html  # nothing typed is lost
    errors = client.post(
        url, {"texte": "<ul><li>x" * 10 + "</li></ul>" * 10, "points_cles": "", "revision": 2}
    )
    assert errors.status_code == 200
    assert "imbriquées trop profondément" in errors.content.decode()


def test_groupe_page_saves_findings_one_per_line_without_javascript(client, atelier, rapporteur):
    groupe = GroupeTravail.objects.filter(sequence__atelier=atelier).first()
    log_in(client, rapporteur)
    response = client.post(
        save_url(atelier, "groupe", groupe.pk),
        {
            "title": groupe.title,
            "synthese": "Une synthèse.",
            "constats": "Premier constat\r\n\r\n  Deuxième constat  \r\n",
            "revision": 0,
            "retour": f"groupe-{groupe.pk}",
        },
    )
    assert (
        response["Location"]
        == reverse("ateliers:studio_groupe", args=[atelier.pk, groupe.pk]) + f"#bloc-groupe-{groupe.pk}"
    )
    assert list(Constat.objects.filter(groupe=groupe).values_list("text", flat=True)) == [
        "Premier constat",
        "Deuxième constat",
    ]


def test_blocks_added_and_deleted_after_asking(client, atelier, rapporteur):
    feuille = part(atelier, "feuille_de_route")
    log_in(client, rapporteur)
    response = client.post(
        reverse("ateliers:studio_ajouter", args=[atelier.pk, "contribution", feuille.pk]),
        {"organisation": "", "organisation_label": "Région Bretagne"},
    )
    contribution = Contribution.objects.get(organisation_label="Région Bretagne")
    assert response["Location"].endswith(f"#bloc-contribution-{contribution.pk}")
    delete_url = reverse("ateliers:studio_supprimer", args=[atelier.pk, "contribution", contribution.pk])
    confirm = client.get(delete_url)
    assert "Supprimer « Contribution — Région Bretagne » ?" in confirm.content.decode()
    assert Contribution.objects.filter(pk=contribution.pk).exists()
    client.post(delete_url)
    assert not Contribution.objects.filter(pk=contribution.pk).exists()
    refused = client.post(
        reverse("ateliers:studio_ajouter", args=[atelier.pk, "contribution", feuille.pk]), {}
    )
    assert "Choisissez l&#x27;organisation" in refused.content.decode()


# --- Another workshop's booklet -------------------------------------------------------------------

BLOCK_KINDS = ["contribution", "question", "reponse", "groupe", "ressource", "intervenant", "sequence"]
CROSS_WORKSHOP = [
    *(("studio_enregistrer", bloc, "post") for bloc in [*BLOCK_KINDS, "reglages"]),
    *(("studio_supprimer", bloc, method) for bloc in BLOCK_KINDS for method in ("get", "post")),
    *(("studio_deplacer", bloc, "post") for bloc in BLOCK_KINDS),
    *(("studio_ajouter", bloc, "post") for bloc in BLOCK_KINDS),
    ("studio_groupe", "groupe", "get"),
    ("studio_photo", "intervenant", "get"),
    ("livret_sequence", "sequence", "get"),
    ("studio_publier", "livret", "post"),
    ("studio_diffuser", "livret", "post"),
    # Addresses naming only the workshop: nothing of it to reach through another's address.
    ("livret_contenu", None, "get"),
    ("studio_reglages", None, "get"),
    ("livret_annexe", None, "get"),
    ("livret_annexe", None, "post"),
    ("studio_apercu", None, "get"),
    ("studio_versions", None, "get"),
    ("studio_generer", None, "post"),
]
INTRUDER = {
    "revision": 0,
    "texte": "<p>Intrus</p>",
    "text": "<p>Intrus</p>",
    "question": "Intrus ?",
    "answered_by": "Intrus",
    "title": "Intrus",
    "organisation_label": "Intrus",
    "portrait": "<p>Intrus</p>",
    "annexe2": "aucune",
    "sens": "haut",
    "action": "personnaliser",
}


def objects_of(atelier):
    """One row of each kind in `atelier`'s booklet, a speaker with a photo and a ready version."""
    give_portrait(Intervenant.objects.filter(sequences__atelier=atelier).first())
    livret = Livret.objects.create(atelier=atelier, version=1, status=LivretStatus.PRET, published=True)
    return {
        "contribution": Contribution.objects.filter(sequence__atelier=atelier).last(),
        "question": Question.objects.filter(sequence__atelier=atelier).last(),
        "reponse": Reponse.objects.filter(question__sequence__atelier=atelier).last(),
        "groupe": GroupeTravail.objects.filter(sequence__atelier=atelier).last(),
        "ressource": Ressource.objects.filter(sequence__atelier=atelier).last(),
        "intervenant": Intervenant.objects.filter(sequences__atelier=atelier).exclude(photo="").get(),
        "sequence": part(atelier, "debat"),
        "livret": livret,
    }


def cross_args(name, bloc, pk, rows, atelier):
    """The address's arguments: workshop `pk`, and the row of `rows` (another workshop's) it names."""
    if bloc is None:
        return [pk]
    if name in ("studio_enregistrer", "studio_supprimer", "studio_deplacer"):
        return [pk, bloc, atelier.pk if bloc == "reglages" else rows[bloc].pk]
    if name == "studio_ajouter":
        return [pk, bloc, rows["question"].pk if bloc == "reponse" else rows["sequence"].pk]
    return [pk, rows[bloc].pk]


def booklet_state(atelier):
    return {
        "rows": [
            list(
                model.objects.filter(**{path: atelier}).order_by("pk").values_list("pk", "order", "revision")
            )
            for model, path in (
                (Contribution, "sequence__atelier"),
                (Question, "sequence__atelier"),
                (Reponse, "question__sequence__atelier"),
                (GroupeTravail, "sequence__atelier"),
                (Ressource, "sequence__atelier"),
            )
        ],
        "texts": list(
            ContenuSequence.objects.filter(sequence__atelier=atelier).values_list("revision", flat=True)
        ),
        "speakers": list(
            Intervenant.objects.filter(sequences__atelier=atelier).values_list(
                "portrait", "photo", "revision"
            )
        ),
        "reglages": ReglagesLivret.objects.filter(atelier=atelier).count(),
        "annexe": ReglageAnnexe.objects.filter(atelier=atelier).count(),
        "versions": list(atelier.livrets.values_list("version", "published", "diffuse_reseau")),
    }


@pytest.mark.parametrize("case", CROSS_WORKSHOP, ids=lambda case: "-".join(map(str, case)))
def test_studio_other_workshops_booklet_not_found(client, atelier, staff, case):
    name, bloc, method = case
    rows = objects_of(atelier)
    other = make_booklet_atelier(participants=1, organisations=1, prefix="Autre ministère")
    before = booklet_state(atelier)
    # A rapporteur of another workshop, at this workshop's address.
    rapporteur_ailleurs = UserFactory()
    Rapporteur.objects.create(atelier=other, user=rapporteur_ailleurs, named_by=staff)
    log_in(client, rapporteur_ailleurs)
    url = reverse(f"ateliers:{name}", args=cross_args(name, bloc, atelier.pk, rows, atelier))
    assert getattr(client, method)(url, INTRUDER).status_code == 404, url
    # Staff, with this workshop's row at another workshop's address.
    if bloc is not None:
        log_in(client, staff)
        url = reverse(f"ateliers:{name}", args=cross_args(name, bloc, other.pk, rows, atelier))
        assert getattr(client, method)(url, INTRUDER).status_code == 404, url
    assert booklet_state(atelier) == before


# --- Speaker photos -----------------------------------------------------------------------------


@pytest.fixture
def intervenant(atelier):
    return Intervenant.objects.filter(sequences__atelier=atelier).first()


@pytest.fixture
def writer(client, rapporteur):
    """A client logged in as the workshop's rapporteur."""
    return log_in(client, rapporteur)


def upload(client, atelier, intervenant, content, *, name="photo.png", revision=0):
    return client.post(
        save_url(atelier, "intervenant", intervenant.pk),
        {"portrait": "Quelques lignes.", "revision": revision, "photo": SimpleUploadedFile(name, content)},
        **JSON,
    )


def photos_stored():
    folder = settings.MEDIA_ROOT / "intervenants"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_photo_upload_stores_a_png_served_to_writers_only(
    writer, atelier, intervenant, django_capture_on_commit_callbacks
):
    transparent = image(mode="RGBA", colour=(0, 0, 145, 0))
    response = upload(writer, atelier, intervenant, transparent, name="portrait.php")
    assert response.status_code == 200
    intervenant.refresh_from_db()
    assert re.fullmatch(r"intervenants/photo-[a-z0-9]{12}\.png", intervenant.photo.name)
    assert intervenant.portrait == "<p>Quelques lignes.</p>"
    photo_url = reverse("ateliers:studio_photo", args=[atelier.pk, intervenant.pk])
    assert response.json()["photo_url"].startswith(photo_url)
    served = writer.get(photo_url)
    with Image.open(io.BytesIO(b"".join(served.streaming_content))) as photo:
        assert (photo.format, photo.mode, photo.size) == ("PNG", "RGBA", (64, 64))  # transparency kept
    # A new photo replaces the previous one, whose file goes once the row is saved.
    with django_capture_on_commit_callbacks(execute=True):
        again = upload(writer, atelier, intervenant, image(fmt="JPEG"), name="b.jpg", revision=1)
    assert again.status_code == 200
    assert len(photos_stored()) == 1
    assert photos_stored()[0].endswith(".jpg")
    log_in(writer, UserFactory())
    assert writer.get(photo_url).status_code == 404


def test_photo_upload_stored_reduced_upright_and_without_metadata(writer, atelier, intervenant):
    exif = Image.Exif()
    exif[0x010F] = "Appareil de la directrice"  # Make
    exif[0x8825] = {2: (48.0, 51.0, 0.0)}  # GPS: where the photo was taken
    big = image(size=(3000, 2000), colour="#000091", exif=exif)
    assert upload(writer, atelier, intervenant, big).status_code == 200
    assert stored_photo(intervenant) == ("JPEG", (800, 533), {})  # an opaque PNG becomes a JPEG
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was held upright
    tall = image(size=(3000, 2000), fmt="JPEG", colour="#e1000f", exif=exif)
    assert upload(writer, atelier, intervenant, tall, name="b.jpg", revision=1).status_code == 200
    assert stored_photo(intervenant) == ("JPEG", (533, 800), {})


def test_photo_upload_whose_pixels_do_not_decode_refused(writer, atelier, intervenant, monkeypatch):
    # As in a web process that imported WeasyPrint, which lets Pillow load truncated images process-wide:
    # the upload's checks turn that off while they decode.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    pixels = random.Random(9).randbytes(256 * 256 * 3)  # noqa: S311 - noise for a test image
    noise = Image.frombytes("RGB", (256, 256), pixels)
    buffer = io.BytesIO()
    noise.save(buffer, format="JPEG")
    truncated = buffer.getvalue()[: buffer.tell() // 2]  # its header says 256 × 256: it passes the checks
    response = upload(writer, atelier, intervenant, truncated, name="coupee.jpg")
    assert response.status_code == 400
    assert "n'est pas une photo JPEG ou PNG lisible" in response.json()["errors"]["photo"][0]
    assert photos_stored() == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7 not an image", "n'est pas une photo JPEG ou PNG lisible"),
        (image(fmt="GIF"), "n'est pas une photo JPEG ou PNG lisible"),
        (png_header(20_000, 20_000), "beaucoup trop grande"),
        (image(size=(7000, 10), mode="1"), "mesure 7 000 × 10 pixels"),
        (png_header(64, 64) + b"\0" * (8 * 1024 * 1024), "8 Mo au plus"),
        (image()[:60], "n'est pas une photo JPEG ou PNG lisible"),
    ],
    ids=["not-an-image", "gif", "20000-pixels", "too-wide", "too-heavy", "truncated"],
)
def test_photo_upload_refused_with_nothing_stored(writer, atelier, intervenant, content, message):
    response = upload(writer, atelier, intervenant, content)
    assert response.status_code == 400
    assert message in response.json()["errors"]["photo"][0]
    intervenant.refresh_from_db()
    assert (intervenant.photo.name, intervenant.revision) == ("", 0)
    assert photos_stored() == []


def test_speaker_also_in_another_workshop_written_by_staff_only(client, atelier, rapporteur, staff):
    other = make_booklet_atelier(participants=1, organisations=1, prefix="Autre ministère")
    sequence = part(atelier, "debat")
    shared = sequence.intervenants.get()
    other.sequences.first().intervenants.add(shared)
    own = Intervenant.objects.create(first_name="Alex", last_name="Seul", role="Chef de bureau")
    sequence.intervenants.add(own)
    url = reverse("ateliers:livret_sequence", args=[atelier.pk, sequence.pk])
    note = (
        "Cet intervenant intervient aussi dans un autre atelier : l&#x27;équipe d&#x27;animation met à jour "
        "son portrait."
    )
    log_in(client, rapporteur)
    page = client.get(url).content.decode()
    assert page.count(note) == 1
    assert f'id="bloc-intervenant-{shared.pk}"' in page  # shown, read-only
    assert f'id="bloc-intervenant-{shared.pk}-form"' not in page
    assert f'id="bloc-intervenant-{own.pk}-form"' in page
    values = {"portrait": "Réécrit par un rapporteur.", "revision": 0}
    response = client.post(save_url(atelier, "intervenant", shared.pk), values, **JSON)
    assert response.status_code == 403
    with pytest.raises(StudioPermissionError):
        studio.save_block(atelier, "intervenant", shared.pk, values, revision=0, by=rapporteur)
    shared.refresh_from_db()
    assert (shared.portrait, shared.revision) == ("", 0)
    assert client.post(save_url(atelier, "intervenant", own.pk), values, **JSON).status_code == 200
    log_in(client, staff)
    page = client.get(url).content.decode()
    assert note not in page
    assert f'id="bloc-intervenant-{shared.pk}-form"' in page
    assert client.post(save_url(atelier, "intervenant", shared.pk), values, **JSON).status_code == 200
    shared.refresh_from_db()
    assert (shared.portrait, shared.revision) == ("<p>Réécrit par un rapporteur.</p>", 1)


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
    Livret.objects.create(atelier=atelier, version=2, status=LivretStatus.ECHEC, failure_reason="Trop long")
    versions = client.get(reverse("ateliers:studio_versions", args=[atelier.pk])).json()["versions"]
    assert [(v["version"], v["status_label"], v["failure_reason"]) for v in versions] == [
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


def grow(atelier, extra):
    """`extra` more blocks in each part of the kind that writes them, answers, findings and speakers."""
    for i in range(extra):
        Contribution.objects.create(
            sequence=part(atelier, "feuille_de_route"), organisation_label=f"Org {i}", text="<p>x</p>"
        )
        question = Question.objects.create(sequence=part(atelier, "debat"), question=f"Q{i} ?")
        Reponse.objects.create(question=question, answered_by="A", text="<p>a</p>")
        Reponse.objects.create(question=question, answered_by="B", text="<p>b</p>")
        groupe = GroupeTravail.objects.create(sequence=part(atelier, "ateliers"), title=f"G{i}")
        Constat.objects.create(groupe=groupe, text="c")
        Ressource.objects.create(sequence=part(atelier, "communication"), title=f"R{i}")
        speaker = Intervenant.objects.create(first_name="P", last_name=f"N{i}", portrait="<p>p</p>")
        for sequence in atelier.sequences.all():
            sequence.intervenants.add(speaker)


# Per page: the session, the account, the charter check (2), the site's settings, the workshop and the
# rapporteur check (2), then the page's own reads, a fixed number whatever the number of blocks.
PART_QUERIES = {"ouverture": 13, "feuille_de_route": 14, "debat": 14, "communication": 13, "ateliers": 14}


@pytest.mark.parametrize("extra", [0, 6])
def test_studio_pages_query_counts_are_fixed(client, atelier, rapporteur, django_assert_num_queries, extra):
    grow(atelier, extra)
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
