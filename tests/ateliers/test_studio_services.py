"""The booklet studio's services: a block saved on a revision, conflicts between writers, blocks added,
moved and deleted in order."""

import threading

import pytest

from ateliers.livret.services import studio
from ateliers.livret.services.studio import Conflict, StudioPermissionError
from ateliers.models import ContenuSequence, Contribution, GroupeTravail, Question, ReglagesLivret, Reponse
from tests.accompagnement.factories import UserFactory
from tests.ateliers.conftest import part
from tests.ateliers.livret_factories import make_booklet_atelier
from tests.concurrency import run_in_threads

pytestmark = pytest.mark.django_db


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
    theirs = {"texte": "<p>Leur texte</p>", "points_cles": ""}
    mine = {"texte": "<p>Mon texte</p>", "points_cles": ""}
    studio.save_block(atelier, "sequence", sequence.pk, theirs, revision=0, by=staff)
    with pytest.raises(Conflict) as refused:
        studio.save_block(atelier, "sequence", sequence.pk, mine, revision=0, by=rapporteur)
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

    run_in_threads(write, [("Un",), ("Deux",)])
    assert errors == []
    assert sorted(outcomes) == ["conflict", "saved"]
    assert ContenuSequence.objects.get(sequence=sequence).revision == 1
