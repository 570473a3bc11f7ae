"""Concurrent origin validations never exceed the service's cap (PostgreSQL row lock)."""

import threading

import pytest
from django.db import connections

from immersions.enums import EchangeStatus
from immersions.models import EchangeTalent
from immersions.services import echanges as services
from immersions.services.echanges import CapReachedError
from tests.concurrency import run_in_threads
from tests.immersions.factories import EchangeFactory

S = EchangeStatus


@pytest.mark.django_db(transaction=True)
def test_concurrent_validations_never_exceed_the_cap(postgresql, origin, origin_service, host, origin_lead):
    origin_service.cliquet = 2
    origin_service.save()
    candidates = [
        EchangeFactory(origin=origin, origin_service=origin_service, host=host, status=S.SOUMISE)
        for _ in range(6)
    ]
    barrier = threading.Barrier(len(candidates))
    outcomes = []

    def validate(echange):
        try:
            barrier.wait(timeout=10)
            services.transition_echange(echange, S.VALIDEE_ORIGINE, by=origin_lead)
            outcomes.append("validée")
        except CapReachedError as error:
            outcomes.append(error.message)
        finally:
            connections.close_all()

    run_in_threads(validate, [(echange,) for echange in candidates], timeout=30)

    assert len(outcomes) == 6
    assert outcomes.count("validée") == 2
    refused = [o for o in outcomes if o != "validée"]
    assert len(refused) == 4
    assert all("plafond atteint" in o and "cliquet de 2" in o and "2 agent(s)" in o for o in refused)
    assert EchangeTalent.objects.filter(status=S.VALIDEE_ORIGINE).count() == 2
    assert EchangeTalent.objects.filter(status=S.SOUMISE).count() == 4


@pytest.mark.django_db(transaction=True)
def test_concurrent_renewal_clicks_make_one_renewal(postgresql, origin, origin_service, host, origin_lead):
    running = EchangeFactory(origin=origin, origin_service=origin_service, host=host, status=S.EN_COURS)
    barrier = threading.Barrier(4)
    renewals = []

    def renew():
        try:
            barrier.wait(timeout=10)
            renewals.append(
                services.renew_echange(EchangeTalent.objects.get(pk=running.pk), by=origin_lead).pk
            )
        finally:
            connections.close_all()

    run_in_threads(renew, [()] * 4, timeout=30)

    assert len(renewals) == 4
    assert len(set(renewals)) == 1
    assert EchangeTalent.objects.filter(previous=running).count() == 1
