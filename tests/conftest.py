"""Fixtures shared by the whole suite: service guards, a real Celery worker, users with roles.

REQUIRE_SERVICES=1 (CI) turns a missing PostgreSQL or Redis into a failure of the whole run.
"""

import os
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings

from tests.accompagnement.factories import AdhesionFactory, OrganisationFactory, UserFactory
from tests.second_factor import SecondFactorClient

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def _reachable(url, default_port):
    parts = urlparse(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port), timeout=3):
            return True
    except OSError:
        return False


def pytest_sessionstart(session):
    if not REQUIRE_SERVICES:
        return
    problems = []
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        problems.append("DATABASE_URL must point to PostgreSQL (REQUIRE_SERVICES=1)")
    elif not _reachable(database_url, 5432):
        problems.append(f"PostgreSQL unreachable at {database_url}")
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        problems.append("REDIS_URL is not set (REQUIRE_SERVICES=1)")
    elif not _reachable(redis_url, 6379):
        problems.append(f"Redis unreachable at {redis_url}")
    if problems:
        pytest.exit("Services required but missing: " + "; ".join(problems), returncode=3)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Every test writes its generated files to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def postgresql():
    """For tests of row locks and of worker processes sharing the test database: PostgreSQL only.

    On SQLite they skip; with REQUIRE_SERVICES=1 (CI) they fail instead, though the session guard above
    has already refused to start without PostgreSQL.
    """
    from django.db import connection  # noqa: PLC0415 - the connection is configured once pytest-django set up

    if connection.vendor != "postgresql":
        if REQUIRE_SERVICES:
            pytest.fail(
                "PostgreSQL is required (REQUIRE_SERVICES=1) but the tests run on " + connection.vendor
            )
        pytest.skip("row locks and worker processes need PostgreSQL: set DATABASE_URL to run this test")
    return connection


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL", "")
    if not url or not _reachable(url, 6379):
        if REQUIRE_SERVICES:
            pytest.fail("Redis is required (REQUIRE_SERVICES=1) but REDIS_URL is missing or unreachable")
        pytest.skip("no Redis: set REDIS_URL to run tests that need a real broker")
    return url


@pytest.fixture
def celery_worker(redis_url, settings):
    """A real Celery worker (solo pool, in a thread) consuming from Redis; tasks are not eager inside.

    Tests using it need `@pytest.mark.django_db(transaction=True)`: the worker reads committed rows.
    """
    from celery.contrib.testing.worker import start_worker  # noqa: PLC0415 - imported only when used

    from fabrique.celery import app  # noqa: PLC0415

    queue = f"fabrique-test-{os.getpid()}"
    previous = {
        "task_always_eager": app.conf.task_always_eager,
        "task_default_queue": app.conf.task_default_queue,
    }
    assert app.conf.broker_url == redis_url, "the Celery app must be configured from REDIS_URL"
    app.conf.update(task_always_eager=False, task_default_queue=queue)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with start_worker(
        app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=30
    ) as worker:
        yield worker
    app.conf.update(**previous)


@pytest.fixture
def client():
    """pytest-django's client, whose force_login of a staff account includes its second factor."""
    return SecondFactorClient()


@pytest.fixture
def admin_user(db):
    """A superuser made by the factories (verified address, TOTP enrolled, charter accepted)."""
    return UserFactory(email="admin@example.gouv.fr", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(admin_user):
    client = SecondFactorClient()
    client.force_login(admin_user)
    return client


@pytest.fixture
def organisation(db):
    return OrganisationFactory(ministere=True)


@pytest.fixture
def lead(organisation):
    """A network lead (tête de réseau) of `organisation`."""
    return AdhesionFactory(organisation=organisation).user


@pytest.fixture
def staff(db):
    """A DGAFP animator: is_staff in the « Animateur DGAFP » group (UserFactory), with the animateur role
    in the DGAFP."""
    dgafp = OrganisationFactory(
        name="Direction générale de l'administration et de la fonction publique", acronym="DGAFP"
    )
    return AdhesionFactory(organisation=dgafp, role="animateur_dgafp", user__is_staff=True).user


def pytest_configure(config):
    assert settings.LANGUAGE_CODE == "fr-fr"
