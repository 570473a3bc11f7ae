"""The capacity holds when many people race for the last seats (PostgreSQL row locks)."""

import threading

import pytest

from ateliers.enums import InscriptionStatus
from ateliers.models import Inscription
from ateliers.services.inscriptions import register
from tests.ateliers.factories import AtelierFactory, InscriptionFactory, member_of
from tests.concurrency import run_in_threads

THREADS = 24


@pytest.mark.django_db(transaction=True)
def test_racing_for_last_seats_confirms_exactly_capacity(postgresql, organisation, lead):
    atelier = AtelierFactory(capacity=10)
    InscriptionFactory.create_batch(7, atelier=atelier)  # three seats left
    people = [member_of(organisation) for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    errors, results = [], []

    def race(person):
        from django.db import connection as thread_connection  # noqa: PLC0415 - each thread's own

        try:
            barrier.wait()
            # Everyone submits twice: a double click must not register twice.
            results.append(register(atelier, person, by=lead, notify=False))
            register(atelier, person, by=lead, notify=False)
        except Exception as error:  # collected and asserted below: any error fails the test
            errors.append(error)
        finally:
            thread_connection.close()

    run_in_threads(race, [(person,) for person in people])

    assert errors == []
    assert len(results) == THREADS
    inscriptions = Inscription.objects.filter(atelier=atelier)
    assert inscriptions.filter(status=InscriptionStatus.INSCRIT).count() == 10
    assert inscriptions.filter(status=InscriptionStatus.LISTE_ATTENTE).count() == THREADS - 3
    assert inscriptions.filter(user__in=people).count() == THREADS
    assert inscriptions.values("user").distinct().count() == inscriptions.count()
