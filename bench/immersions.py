"""Benchmark of the immersions pages, run by hand: `python bench/immersions.py`.

It creates a throw-away database (`<DATABASE_URL's name>_bench`), then for 1 and 500 immersions and
agreements prints, for each list and the indicators page, the number of queries and the median time
of 15 requests (Django test client, a lead and a staff member), and the ratio 500 / 1. Then it times
the origin's validation under the cap lock (sequential, 200 agreements).

Aims: the same number of queries at 1 and 500 rows; a 500-row list under 4x the 1-row time (the page
shows 25 rows; the counts and the indicator aggregates grow with the table).
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fabrique.settings.test")
os.environ.setdefault("TEST_MEDIA_ROOT", tempfile.mkdtemp(prefix="immersions-bench-media-"))

import django  # noqa: E402 - configured above

django.setup()

from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from immersions.enums import EchangeStatus, ImmersionStatus  # noqa: E402
from immersions.models import EchangeTalent, Immersion  # noqa: E402
from immersions.services import echanges  # noqa: E402
from tests.accompagnement.factories import AdhesionFactory, OrganisationFactory  # noqa: E402
from tests.immersions.factories import EchangeFactory, ImmersionFactory  # noqa: E402
from tests.second_factor import SecondFactorClient  # noqa: E402

URLS = [
    "/immersions/",
    "/immersions/?status=soumise",
    "/echanges/",
    "/echanges/services/",
    "/a-traiter/",
    "/indicateurs/",
]
RUNS = 15


def add_rows(count, origin, service, host):
    Immersion.objects.bulk_create(
        ImmersionFactory.build(
            origin=origin, origin_service=service, host=host, status=ImmersionStatus.SOUMISE
        )
        for _ in range(count)
    )
    EchangeTalent.objects.bulk_create(
        EchangeFactory.build(origin=origin, origin_service=service, host=host, status=EchangeStatus.SOUMISE)
        for _ in range(count)
    )


def measure(client, url):
    assert client.get(url).status_code == 200, url
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    count = len(queries)  # read now: the next requests reset the connection's query log
    durations = []
    for _ in range(RUNS):
        start = time.perf_counter()
        client.get(url)
        durations.append(time.perf_counter() - start)
    return count, statistics.median(durations)


def bench_pages():
    origin = OrganisationFactory(ministere=True, name="Ministère d'origine")
    service = OrganisationFactory(parent=origin, name="Direction des ressources humaines")
    host = OrganisationFactory(ministere=True, name="Ministère d'accueil")
    lead = AdhesionFactory(organisation=service).user
    staff = AdhesionFactory(organisation=host, role="animateur_dgafp", user__is_staff=True).user
    results = {}
    for rows in (1, 500):
        add_rows(rows - Immersion.objects.count(), origin, service, host)
        for who, user in (("lead", lead), ("staff", staff)):
            client = SecondFactorClient()  # a staff login completed with its TOTP code
            client.force_login(user)
            for url in URLS:
                results[(who, url, rows)] = measure(client, url)
    print(f"{'page':34} {'who':6} {'queries 1/500':>14} {'ms at 1':>9} {'ms at 500':>10} {'ratio':>6}")
    for who in ("lead", "staff"):
        for url in URLS:
            (q1, t1), (q500, t500) = results[(who, url, 1)], results[(who, url, 500)]
            flag = "" if q1 == q500 else "  <-- queries grow"
            print(
                f"{url:34} {who:6} {q1:>6} / {q500:<6} {t1 * 1000:>9.1f} {t500 * 1000:>10.1f} "
                f"{t500 / t1:>5.1f}x{flag}"
            )
    return service, lead


def bench_cap(service, lead):
    service.cliquet = 1000
    service.save()
    batch = [
        EchangeFactory(origin=service.parent, origin_service=service, status=EchangeStatus.SOUMISE)
        for _ in range(200)
    ]
    start = time.perf_counter()
    for echange in batch:
        echanges.transition_echange(echange, EchangeStatus.VALIDEE_ORIGINE, by=lead)
    elapsed = time.perf_counter() - start
    print(f"origin validation under the cap lock: {elapsed / len(batch) * 1000:.1f} ms each (200 sequential)")


def main():
    setup_test_environment()
    # Keep one connection for the whole run, as a test does: the query log then spans the requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    settings_dict = connection.settings_dict
    original_name = settings_dict["NAME"]
    settings_dict.setdefault("TEST", {})
    if connection.vendor == "postgresql":
        settings_dict["TEST"]["NAME"] = f"{settings_dict['NAME']}_bench"
    print(f"Database: {connection.vendor}")
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        service, lead = bench_pages()
        bench_cap(service, lead)
    finally:
        connection.creation.destroy_test_db(original_name, verbosity=0)


if __name__ == "__main__":
    main()
