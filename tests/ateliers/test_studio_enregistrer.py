"""The studio's save endpoint, with JavaScript (JSON answers, 409 on a conflict) and without (a redirect or
both texts on the page), and the blocks added and deleted through it."""

import pytest
from django.urls import reverse

from ateliers.livret.services import studio
from ateliers.models import Constat, ContenuSequence, Contribution, GroupeTravail, Question
from fabrique.core import richtext
from tests.accompagnement.factories import OrganisationFactory
from tests.ateliers.conftest import SAVED, log_in, part, save_json, save_url

pytestmark = pytest.mark.django_db


def test_enregistrer_json_saves_and_answers_the_new_revision(client, atelier, rapporteur):
    sequence = part(atelier, "ouverture")
    log_in(client, rapporteur)
    posted = {"texte": "<p>Ouvert</p>", "points_cles": "", "revision": 0}
    response = save_json(client, atelier, "sequence", sequence.pk, posted)
    assert response.status_code == 200
    body = response.json()
    assert body["revision"] == 1
    assert SAVED.match(body["message"])
    assert body["message"].endswith(body["saved_at"])


def test_enregistrer_json_stale_revision_answers_409_with_both_texts(client, atelier, rapporteur, staff):
    question = Question.objects.filter(sequence__atelier=atelier).first()
    theirs = {"question": "Leur question ?", "asked_by": ""}
    studio.save_block(atelier, "question", question.pk, theirs, revision=0, by=staff)
    log_in(client, rapporteur)
    posted = {"question": "Ma question <b>?</b>", "asked_by": "", "revision": 0}
    response = save_json(client, atelier, "question", question.pk, posted)
    assert response.status_code == 409
    body = response.json()
    assert (body["conflict"], body["revision"]) == (True, 1)
    assert body["theirs"] == {"question": "<p>Leur question ?</p>"}
    assert body["mine"] == {"question": "<p>Ma question &lt;b&gt;?&lt;/b&gt;</p>"}
    assert body["values"] == {"question": "Leur question ?"}
    assert body["labels"] == {"question": "Question"}
    assert Question.objects.get(pk=question.pk).question == "Leur question ?"
    # « Garder ma version »: the same text saved again on the current revision.
    posted = {"question": "Ma question ?", "asked_by": "", "revision": 1}
    response = save_json(client, atelier, "question", question.pk, posted)
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
    body = save_json(client, atelier, "contribution", contribution.pk, mine).json()
    assert body["theirs"] == {
        "organisation": "Secrétariat général — Ministère des Armées",
        "organisation_label": "",
    }
    assert body["mine"] == {"organisation": "Hors réseau", "organisation_label": "<p>Région Bretagne</p>"}
    assert body["values"] == {"organisation": secretariat.pk, "organisation_label": ""}
    mine = {"title": groupe.title, "constats": "Le mien\nEt un autre", "revision": 0}
    body = save_json(client, atelier, "groupe", groupe.pk, mine).json()
    assert body["theirs"] == {"constats": "<ul><li>Le leur</li></ul>"}
    assert body["mine"] == {"constats": "<ul><li>Le mien</li><li>Et un autre</li></ul>"}
    assert body["values"] == {"constats": "Le leur"}


def test_enregistrer_json_validation_errors_answer_400_and_save_nothing(client, atelier, rapporteur):
    contribution = Contribution.objects.filter(sequence__atelier=atelier).first()
    sequence = part(atelier, "ouverture")
    log_in(client, rapporteur)
    posted = {"organisation": "", "organisation_label": " ", "text": "<p>x</p>", "revision": 0}
    response = save_json(client, atelier, "contribution", contribution.pk, posted)
    assert response.status_code == 400
    assert response.json() == {
        "errors": {
            "__all__": ["Choisissez l'organisation, ou écrivez le nom d'une organisation hors réseau."]
        }
    }
    nested = "<ul><li>x" * 10 + "</li></ul>" * 10
    posted = {"texte": nested, "points_cles": "", "revision": 0}
    response = save_json(client, atelier, "sequence", sequence.pk, posted)
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
    posted = {"texte": hostile, "points_cles": word, "revision": 0}
    response = save_json(client, atelier, "sequence", sequence.pk, posted)
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
    theirs = {"texte": "<p>Leur texte</p>", "points_cles": ""}
    studio.save_block(atelier, "sequence", sequence.pk, theirs, revision=1, by=staff)
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
