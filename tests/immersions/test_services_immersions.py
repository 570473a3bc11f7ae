import uuid
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from fabrique.core.workflow import TransitionError, Workflow
from immersions.enums import (
    IMMERSION_STEPS,
    BilanOutcome,
    Deroulement,
    ImmersionStatus,
)
from immersions.models import Bilan, Immersion, ImmersionTransition
from immersions.services import immersions as services
from tests.immersions.conftest import walk
from tests.immersions.factories import ImmersionFactory, in_days

pytestmark = pytest.mark.django_db
S = ImmersionStatus

BILAN = {
    "deroulement": Deroulement.TOTAL,
    "apprentissages": "Les outils du conseil en mobilité.",
    "retour_accueil": "Très bonne intégration.",
    "suite": BilanOutcome.CONFIRME,
    "prochaines_etapes": "Candidater au prochain cycle.",
}


def test_transitions_map_is_built_from_the_owned_steps():
    transitions = services.WORKFLOW.transitions
    assert transitions[S.SOUMISE] == {S.ACCEPTEE_ORIGINE, S.REFUSEE, S.ANNULEE}
    assert S.BILAN_FAIT not in transitions
    assert all(owners for owners in IMMERSION_STEPS.values())


def test_create_immersion_logs_the_declaration(origin_lead, origin, host):
    immersion = services.create_immersion(ImmersionFactory.build(origin=origin, host=host), by=origin_lead)
    log = immersion.transitions.get()
    assert (log.from_status, log.to_status, log.by) == ("", S.BROUILLON, origin_lead)
    assert immersion.created_by == origin_lead


def test_full_workflow_each_side_makes_its_step(immersion, origin_lead, host_lead, staff):
    walk(
        immersion,
        (S.SOUMISE, origin_lead),
        (S.ACCEPTEE_ORIGINE, origin_lead),
        (S.ACCEPTEE_ACCUEIL, host_lead),
        (S.EN_COURS, staff),
        (S.TERMINEE, staff),
    )
    assert services.record_bilan(immersion, by=host_lead, data=BILAN) is True
    immersion.refresh_from_db()
    assert immersion.status == S.BILAN_FAIT
    assert Bilan.objects.get(immersion=immersion).recorded_by == host_lead
    steps = list(immersion.transitions.values_list("from_status", "to_status", "by"))
    assert steps == [
        (S.BROUILLON, S.SOUMISE, origin_lead.pk),
        (S.SOUMISE, S.ACCEPTEE_ORIGINE, origin_lead.pk),
        (S.ACCEPTEE_ORIGINE, S.ACCEPTEE_ACCUEIL, host_lead.pk),
        (S.ACCEPTEE_ACCUEIL, S.EN_COURS, staff.pk),
        (S.EN_COURS, S.TERMINEE, staff.pk),
        (S.TERMINEE, S.BILAN_FAIT, host_lead.pk),
    ]


@pytest.mark.parametrize(
    ("steps_before", "to", "wrong"),
    [
        ([], S.SOUMISE, "host_lead"),
        ([(S.SOUMISE, "origin_lead")], S.ACCEPTEE_ORIGINE, "host_lead"),
        ([(S.SOUMISE, "origin_lead")], S.ACCEPTEE_ORIGINE, "staff"),
        (
            [(S.SOUMISE, "origin_lead"), (S.ACCEPTEE_ORIGINE, "origin_lead")],
            S.ACCEPTEE_ACCUEIL,
            "origin_lead",
        ),
        ([(S.SOUMISE, "origin_lead")], S.ACCEPTEE_ORIGINE, "outsider_lead"),
    ],
)
def test_step_by_the_wrong_side_is_denied_and_changes_nothing(request, immersion, steps_before, to, wrong):
    walk(immersion, *[(status, request.getfixturevalue(name)) for status, name in steps_before])
    before = (immersion.status, immersion.transitions.count())
    with pytest.raises(PermissionDenied):
        services.transition_immersion(immersion, to, by=request.getfixturevalue(wrong))
    immersion.refresh_from_db()
    assert (immersion.status, immersion.transitions.count()) == before


def test_lead_of_host_cannot_start_the_immersion_staff_can(accepted_by_origin, host_lead, staff):
    services.transition_immersion(accepted_by_origin, S.ACCEPTEE_ACCUEIL, by=host_lead)
    with pytest.raises(PermissionDenied):
        services.transition_immersion(accepted_by_origin, S.EN_COURS, by=host_lead)
    assert services.transition_immersion(accepted_by_origin, S.EN_COURS, by=staff)


def test_second_validation_of_the_same_step_records_one_transition(immersion, origin_lead):
    walk(immersion, (S.SOUMISE, origin_lead))
    assert services.transition_immersion(immersion, S.ACCEPTEE_ORIGINE, by=origin_lead, expected=S.SOUMISE)
    # The second tab still shows "soumise" and posts the same step.
    stale = Immersion.objects.get(pk=immersion.pk)
    assert not services.transition_immersion(stale, S.ACCEPTEE_ORIGINE, by=origin_lead, expected=S.SOUMISE)
    assert immersion.transitions.filter(to_status=S.ACCEPTEE_ORIGINE).count() == 1


def test_step_from_a_stale_status_is_refused(immersion, origin_lead):
    walk(immersion, (S.SOUMISE, origin_lead))
    services.transition_immersion(immersion, S.ANNULEE, by=origin_lead, reason="Projet abandonné.")
    with pytest.raises(TransitionError):
        services.transition_immersion(immersion, S.ACCEPTEE_ORIGINE, by=origin_lead, expected=S.SOUMISE)
    immersion.refresh_from_db()
    assert immersion.status == S.ANNULEE


@pytest.mark.parametrize("to", [S.REFUSEE, S.ANNULEE])
def test_refusal_and_cancellation_need_a_reason(immersion, origin_lead, to):
    walk(immersion, (S.SOUMISE, origin_lead))
    with pytest.raises(TransitionError, match="motif"):
        services.transition_immersion(immersion, to, by=origin_lead, reason="  ")
    services.transition_immersion(immersion, to, by=origin_lead, reason="Charge de travail du service.")
    assert immersion.transitions.last().reason == "Charge de travail du service."


def test_step_outside_the_map_is_refused(immersion, origin_lead):
    with pytest.raises(TransitionError):
        services.transition_immersion(immersion, S.TERMINEE, by=origin_lead)


def test_bilan_only_once_and_only_when_finished(immersion, origin_lead, host_lead, staff):
    with pytest.raises(TransitionError):
        services.record_bilan(immersion, by=origin_lead, data=BILAN)
    walk(
        immersion,
        (S.SOUMISE, origin_lead),
        (S.ACCEPTEE_ORIGINE, origin_lead),
        (S.ACCEPTEE_ACCUEIL, host_lead),
        (S.EN_COURS, staff),
        (S.TERMINEE, staff),
    )
    assert services.record_bilan(immersion, by=origin_lead, data=BILAN)
    assert not services.record_bilan(immersion, by=host_lead, data=BILAN)
    assert Bilan.objects.filter(immersion=immersion).count() == 1


def test_staff_cannot_write_the_bilan_for_the_parties(immersion, staff):
    immersion.status = S.TERMINEE
    immersion.save()
    with pytest.raises(PermissionDenied):
        services.record_bilan(immersion, by=staff, data=BILAN)


def test_calendar_starts_and_ends_immersions(origin, host):
    starting = ImmersionFactory(
        origin=origin, host=host, status=S.ACCEPTEE_ACCUEIL, start_date=in_days(0), end_date=in_days(3)
    )
    future = ImmersionFactory(origin=origin, host=host, status=S.ACCEPTEE_ACCUEIL)
    ending = ImmersionFactory(
        origin=origin, host=host, status=S.EN_COURS, start_date=in_days(-5), end_date=in_days(-1)
    )
    assert services.advance_statuses() == 2
    statuses = dict(Immersion.objects.values_list("pk", "status"))
    assert statuses == {starting.pk: S.EN_COURS, future.pk: S.ACCEPTEE_ACCUEIL, ending.pk: S.TERMINEE}
    log = ImmersionTransition.objects.get(immersion=ending, to_status=S.TERMINEE)
    assert log.by is None
    assert "Automatique" in log.actor_label
    assert services.advance_statuses() == 0


def test_origin_acceptance_emails_the_tutor_a_link(
    immersion, origin_lead, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        walk(immersion, (S.SOUMISE, origin_lead), (S.ACCEPTEE_ORIGINE, origin_lead))
    tutor_mails = [m for m in mail.outbox if immersion.tutor_email in m.to]
    assert len(tutor_mails) == 1
    assert "/immersions/lien/tuteur_accueil/" in tutor_mails[0].body


def test_confidential_immersion_does_not_notify_host_leads(
    immersion, origin_lead, host_lead, django_capture_on_commit_callbacks
):
    immersion.confidential = True
    immersion.save()
    with django_capture_on_commit_callbacks(execute=True):
        walk(immersion, (S.SOUMISE, origin_lead), (S.ACCEPTEE_ORIGINE, origin_lead))
    assert all(host_lead.email not in m.to for m in mail.outbox)


def test_update_saves_the_edited_fields_of_a_draft_only(immersion, origin_lead, host_lead):
    immersion.objectives = "Objectifs précisés."
    with pytest.raises(PermissionDenied):
        services.update_immersion(immersion, fields=["objectives"], by=host_lead)
    services.update_immersion(immersion, fields=["objectives"], by=origin_lead)
    immersion.refresh_from_db()
    assert immersion.objectives == "Objectifs précisés."


def test_update_of_a_draft_submitted_meanwhile_saves_nothing(immersion, origin_lead):
    stale = Immersion.objects.get(pk=immersion.pk)
    services.transition_immersion(immersion, S.SOUMISE, by=origin_lead)
    stale.objectives = "Écrit dans un autre onglet."
    with pytest.raises(TransitionError, match="n'est plus un brouillon"):
        services.update_immersion(stale, fields=["objectives", "status"], by=origin_lead)
    immersion.refresh_from_db()
    assert immersion.status == S.SOUMISE
    assert immersion.objectives != "Écrit dans un autre onglet."


def test_same_creation_token_gets_the_first_declaration_back(origin, host, origin_lead):
    token = uuid.uuid4()
    first = services.create_immersion(
        ImmersionFactory.build(origin=origin, host=host, creation_token=token), by=origin_lead
    )
    again = services.create_immersion(
        ImmersionFactory.build(origin=origin, host=host, creation_token=token), by=origin_lead
    )
    assert again == first
    assert Immersion.objects.count() == 1
    assert ImmersionTransition.objects.count() == 1


def test_two_submissions_at_once_are_settled_by_the_unique_token(origin, host, origin_lead):
    token = uuid.uuid4()
    first = services.create_immersion(
        ImmersionFactory.build(origin=origin, host=host, creation_token=token), by=origin_lead
    )
    # The second submission looked before the first one was committed: the unique index refuses it.
    with mock.patch.object(Workflow, "created_with", side_effect=[None, first]):
        again = services.create_immersion(
            ImmersionFactory.build(origin=origin, host=host, creation_token=token), by=origin_lead
        )
    assert again == first
    assert Immersion.objects.count() == 1
    assert ImmersionTransition.objects.count() == 1
