import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from fabrique.core.workflow import TransitionError
from immersions.enums import DocumentKind, EchangeStatus, Party
from immersions.models import Derogation, Document, EchangeTalent
from immersions.services import echanges as services
from immersions.services.echanges import CapReachedError
from tests.immersions.factories import EchangeFactory, FonctionCritiqueFactory, in_days

pytestmark = pytest.mark.django_db
S = EchangeStatus


@pytest.fixture
def echange(origin, origin_service, host):
    return EchangeFactory(origin=origin, origin_service=origin_service, host=host)


def submit(echange, lead):
    services.transition_echange(echange, S.SOUMISE, by=lead)
    return echange


def test_origin_validation_then_host_validation(echange, origin_lead, host_lead):
    submit(echange, origin_lead)
    with pytest.raises(PermissionDenied):
        services.transition_echange(echange, S.VALIDEE_ORIGINE, by=host_lead)
    services.transition_echange(echange, S.VALIDEE_ORIGINE, by=origin_lead)
    with pytest.raises(PermissionDenied):
        services.transition_echange(echange, S.VALIDEE_ACCUEIL, by=origin_lead)
    services.transition_echange(echange, S.VALIDEE_ACCUEIL, by=host_lead)
    assert echange.status == S.VALIDEE_ACCUEIL
    assert list(echange.transitions.values_list("to_status", flat=True)) == [
        S.SOUMISE,
        S.VALIDEE_ORIGINE,
        S.VALIDEE_ACCUEIL,
    ]


def test_cap_reached_refuses_with_the_service_figures(origin, origin_service, host, origin_lead):
    origin_service.cliquet = 1
    origin_service.save()
    EchangeFactory(origin=origin, origin_service=origin_service, host=host, status=S.EN_COURS)
    candidate = submit(EchangeFactory(origin=origin, origin_service=origin_service, host=host), origin_lead)
    with pytest.raises(CapReachedError) as error:
        services.transition_echange(candidate, S.VALIDEE_ORIGINE, by=origin_lead)
    message = error.value.message
    assert "plafond atteint" in message
    assert "Direction des ressources humaines" in message
    assert "cliquet de 1" in message
    assert "1 agent(s) déjà absent(s)" in message
    candidate.refresh_from_db()
    assert candidate.status == S.SOUMISE


def test_cap_counts_only_overlapping_departures_of_the_same_service(
    origin, origin_service, host, origin_lead
):
    origin_service.cliquet = 1
    origin_service.save()
    EchangeFactory(  # over before the candidate starts
        origin=origin,
        origin_service=origin_service,
        host=host,
        status=S.EN_COURS,
        start_date=in_days(-100),
        end_date=in_days(10),
    )
    EchangeFactory(origin=origin, host=host, status=S.EN_COURS)  # another service
    EchangeFactory(origin=origin, origin_service=origin_service, host=host, status=S.ANNULEE)
    candidate = submit(EchangeFactory(origin=origin, origin_service=origin_service, host=host), origin_lead)
    assert services.transition_echange(candidate, S.VALIDEE_ORIGINE, by=origin_lead)


def test_service_without_cap_is_not_limited(echange, origin, origin_service, host, origin_lead):
    EchangeFactory.create_batch(3, origin=origin, origin_service=origin_service, host=host, status=S.EN_COURS)
    submit(echange, origin_lead)
    assert services.transition_echange(echange, S.VALIDEE_ORIGINE, by=origin_lead)


def test_critical_function_needs_a_derogation_by_the_origin(echange, origin_service, origin_lead, host_lead):
    echange.fonction_critique = FonctionCritiqueFactory(service=origin_service)
    echange.save()
    submit(echange, origin_lead)
    with pytest.raises(TransitionError, match="dérogation"):
        services.transition_echange(echange, S.VALIDEE_ORIGINE, by=origin_lead)
    with pytest.raises(PermissionDenied):
        services.grant_derogation(echange, by=host_lead, reason="Pourquoi pas.")
    assert services.grant_derogation(echange, by=origin_lead, reason="Intérim assuré par l'adjoint.")
    assert not services.grant_derogation(echange, by=origin_lead, reason="Deuxième clic.")
    derogation = Derogation.objects.get(echange=echange)
    assert (derogation.granted_by, derogation.fonction) == (origin_lead, echange.fonction_critique)
    assert derogation.granted_at is not None
    assert services.transition_echange(echange, S.VALIDEE_ORIGINE, by=origin_lead)


def test_three_agreements_sign_the_agreement_and_queue_its_pdf(  # noqa: PLR0917 - pytest injects fixtures by name
    echange, origin_lead, host_lead, participant, django_capture_on_commit_callbacks, settings
):
    echange.agent_email = participant.email
    echange.save()
    submit(echange, origin_lead)
    services.transition_echange(echange, S.VALIDEE_ORIGINE, by=origin_lead)
    services.transition_echange(echange, S.VALIDEE_ACCUEIL, by=host_lead)
    with pytest.raises(PermissionDenied):
        services.record_agreement(echange, Party.ACCUEIL, by=origin_lead)
    assert services.record_agreement(echange, Party.ORIGINE, by=origin_lead)
    assert not services.record_agreement(echange, Party.ORIGINE, by=origin_lead)
    services.record_agreement(echange, Party.AGENT, by=participant)
    assert echange.status == S.VALIDEE_ACCUEIL
    with django_capture_on_commit_callbacks(execute=True):
        services.record_agreement(echange, Party.ACCUEIL, by=host_lead)
    echange.refresh_from_db()
    assert echange.status == S.SIGNEE
    assert echange.origin_agreed_by == origin_lead
    assert echange.host_agreed_by == host_lead
    assert echange.agent_agreed_label == participant.display_name
    assert echange.transitions.last().to_status == S.SIGNEE
    document = Document.objects.get(echange=echange, kind=DocumentKind.CONVENTION)
    assert document.status == "pret"  # tasks are eager in tests
    assert any(participant.email in m.to for m in mail.outbox)


def test_return_preparation_moves_a_running_agreement(echange, origin_lead, host_lead):
    echange.status = S.EN_COURS
    echange.save()
    with pytest.raises(PermissionDenied):
        services.prepare_return(
            echange,
            by=host_lead,
            planned_return_date=echange.end_date,
            return_interview_date=None,
            return_position="",
        )
    services.prepare_return(
        echange,
        by=origin_lead,
        planned_return_date=echange.end_date,
        return_interview_date=in_days(200),
        return_position="Cheffe de projet RH au service d'origine",
    )
    assert echange.status == S.RETOUR_PREPARE
    assert echange.return_position == "Cheffe de projet RH au service d'origine"


def test_renewal_creates_a_linked_draft_after_the_end(echange, origin_lead):
    echange.status = S.EN_COURS
    echange.save()
    renewal = services.renew_echange(echange, by=origin_lead)
    assert renewal.previous == echange
    assert renewal.status == S.BROUILLON
    assert renewal.start_date == echange.end_date + (in_days(1) - in_days(0))
    assert (renewal.end_date - renewal.start_date) == (echange.end_date - echange.start_date)
    assert renewal.agent_email == echange.agent_email
    assert renewal.agent_agreed_at is None
    assert "Renouvellement" in renewal.transitions.get().reason


def test_draft_cannot_be_renewed(echange, origin_lead):
    with pytest.raises(TransitionError):
        services.renew_echange(echange, by=origin_lead)


def test_calendar_starts_signed_and_ends_returned_agreements(origin, origin_service, host):
    signed = EchangeFactory(
        origin=origin, origin_service=origin_service, host=host, status=S.SIGNEE, start_date=in_days(0)
    )
    returned = EchangeFactory(
        origin=origin,
        origin_service=origin_service,
        host=host,
        status=S.RETOUR_PREPARE,
        start_date=in_days(-200),
        end_date=in_days(-1),
    )
    running = EchangeFactory(
        origin=origin,
        origin_service=origin_service,
        host=host,
        status=S.EN_COURS,
        start_date=in_days(-200),
        end_date=in_days(-1),
    )
    assert services.advance_statuses() == 2
    statuses = dict(EchangeTalent.objects.values_list("pk", "status"))
    assert statuses == {signed.pk: S.EN_COURS, returned.pk: S.TERMINEE, running.pk: S.EN_COURS}


def test_update_of_a_draft_agreement_submitted_meanwhile_saves_nothing(echange, origin_lead):
    stale = EchangeTalent.objects.get(pk=echange.pk)
    submit(echange, origin_lead)
    stale.mission = "Écrit dans un autre onglet."
    with pytest.raises(TransitionError, match="n'est plus un brouillon"):
        services.update_echange(stale, fields=["mission"], by=origin_lead)
    echange.refresh_from_db()
    assert echange.status == S.SOUMISE
    assert echange.mission != "Écrit dans un autre onglet."
    draft = EchangeFactory(origin=echange.origin, origin_service=echange.origin_service, host=echange.host)
    draft.mission = "Mission précisée."
    services.update_echange(draft, fields=["mission"], by=origin_lead)
    draft.refresh_from_db()
    assert (draft.mission, draft.status) == ("Mission précisée.", S.BROUILLON)


def test_second_renewal_request_returns_the_first_renewal(echange, origin_lead):
    echange.status = S.EN_COURS
    echange.save()
    first = services.renew_echange(echange, by=origin_lead)
    assert services.renew_echange(echange, by=origin_lead) == first
    assert echange.renewals.count() == 1
    first.status = S.ANNULEE
    first.save()
    second = services.renew_echange(echange, by=origin_lead)
    assert second != first
    assert echange.renewals.count() == 2


def _away(origin, origin_service, host, start, end):
    return EchangeFactory(
        origin=origin,
        origin_service=origin_service,
        host=host,
        status=S.SIGNEE,
        start_date=in_days(start),
        end_date=in_days(end),
    )


def test_cap_counts_agents_away_at_the_same_time_not_all_along_the_period(
    origin, origin_service, host, origin_lead
):
    origin_service.cliquet = 2
    origin_service.save()
    # Both touch the candidate's period (days 30 to 210) but are never away on the same day.
    _away(origin, origin_service, host, 20, 60)
    _away(origin, origin_service, host, 61, 150)
    candidate = submit(EchangeFactory(origin=origin, origin_service=origin_service, host=host), origin_lead)
    assert services.peak_away(origin_service, candidate.start_date, candidate.end_date).count == 1
    assert services.transition_echange(candidate, S.VALIDEE_ORIGINE, by=origin_lead)


def test_cap_reached_names_when_the_agents_are_away_together(origin, origin_service, host, origin_lead):
    origin_service.cliquet = 2
    origin_service.save()
    _away(origin, origin_service, host, 20, 60)
    _away(origin, origin_service, host, 60, 150)  # both away on day 60 only
    _away(origin, origin_service, host, 180, 300)
    candidate = submit(EchangeFactory(origin=origin, origin_service=origin_service, host=host), origin_lead)
    peak = services.peak_away(origin_service, candidate.start_date, candidate.end_date)
    assert peak == (2, in_days(60), in_days(60))
    with pytest.raises(CapReachedError) as error:
        services.transition_echange(candidate, S.VALIDEE_ORIGINE, by=origin_lead)
    message = error.value.message
    assert "cliquet de 2" in message
    assert "jusqu'à 2 agent(s) déjà absent(s) en même temps" in message
    day = in_days(60).strftime("%d/%m/%Y")
    assert f"du {day} au {day}" in message


def test_cap_of_zero_refuses_every_departure(echange, origin_service, origin_lead):
    origin_service.cliquet = 0
    origin_service.save()
    submit(echange, origin_lead)
    with pytest.raises(CapReachedError, match="aucun départ n'est possible"):
        services.transition_echange(echange, S.VALIDEE_ORIGINE, by=origin_lead)


def test_peak_is_clipped_to_the_period(origin, origin_service, host):
    _away(origin, origin_service, host, 0, 100)
    _away(origin, origin_service, host, 50, 400)
    assert services.peak_away(origin_service, in_days(90), in_days(120)) == (2, in_days(90), in_days(100))
    assert services.peak_away(origin_service, in_days(101), in_days(120)) == (1, in_days(101), in_days(120))
    assert services.peak_away(origin_service, in_days(500), in_days(520)) == (0, None, None)


def test_derogation_for_one_critical_function_does_not_cover_another(echange, origin_service, origin_lead):
    first, second = FonctionCritiqueFactory.create_batch(2, service=origin_service)
    echange.fonction_critique = first
    echange.save()
    assert services.grant_derogation(echange, by=origin_lead, reason="Intérim assuré par l'adjoint.")
    echange.fonction_critique = second
    services.update_echange(echange, fields=["fonction_critique"], by=origin_lead)
    assert not Derogation.objects.filter(echange=echange).exists()
    submit(echange, origin_lead)
    with pytest.raises(TransitionError, match="dérogation"):
        services.transition_echange(echange, S.VALIDEE_ORIGINE, by=origin_lead)
    assert services.grant_derogation(echange, by=origin_lead, reason="Poste tenu par la cheffe de bureau.")
    assert Derogation.objects.get(echange=echange).fonction == second
    assert services.transition_echange(echange, S.VALIDEE_ORIGINE, by=origin_lead)


def test_derogation_left_for_another_function_refuses_the_validation(echange, origin_service, origin_lead):
    first, second = FonctionCritiqueFactory.create_batch(2, service=origin_service)
    echange.fonction_critique = second
    echange.save()
    Derogation.objects.create(echange=echange, fonction=first, granted_by=origin_lead, reason="Ancienne.")
    submit(echange, origin_lead)
    with pytest.raises(TransitionError, match="dérogation"):
        services.transition_echange(echange, S.VALIDEE_ORIGINE, by=origin_lead)
    echange.refresh_from_db()
    assert echange.status == S.SOUMISE


def test_derogation_without_reason_is_refused(echange, origin_service, origin_lead):
    echange.fonction_critique = FonctionCritiqueFactory(service=origin_service)
    echange.save()
    with pytest.raises(TransitionError, match="motif"):
        services.grant_derogation(echange, by=origin_lead, reason="  \n ")
    assert not Derogation.objects.filter(echange=echange).exists()


def test_dropping_the_critical_function_drops_its_derogation(echange, origin_service, origin_lead):
    echange.fonction_critique = FonctionCritiqueFactory(service=origin_service)
    echange.save()
    services.grant_derogation(echange, by=origin_lead, reason="Intérim assuré.")
    echange.fonction_critique = None
    services.update_echange(echange, fields=["fonction_critique"], by=origin_lead)
    assert not Derogation.objects.filter(echange=echange).exists()
