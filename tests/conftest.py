"""Shared fixtures: the named personas every permission test uses.

``owner``, ``front_desk``, ``therapist``, ``other_therapist``, ``client`` and
``other_client`` are users of one clinic; ``therapist`` treats ``client``
(``client_record``), ``other_therapist`` treats ``other_client``.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from rest_framework.test import APIClient

from clinic.core.models import Client, Clinic, Location, Role, Therapist, User
from tests.clinic.factories import (
    ClientFactory,
    ClinicFactory,
    LocationFactory,
    TherapistFactory,
    UserFactory,
)
from tests.support.processes import (
    CeleryWorker,
    RedisServer,
    SmtpSink,
    can_run_worker_stack,
    worker_env,
)

# CLINIC_TEST_NOW runs every test from a chosen instant (tests/support/clock.py);
# the browser plugin says once when Chromium is missing (tests/support/browser.py);
# a transactional test's emptied tables are refilled for the next test
# (tests/support/flushes.py).
pytest_plugins = ["tests.support.clock", "tests.support.browser", "tests.support.flushes"]

PERSONAS = [
    "anonymous",
    "client",
    "other_client",
    "therapist",
    "other_therapist",
    "front_desk",
    "owner",
]


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    # Argon2 is right for production and far too slow for hundreds of test users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _isolated_var_dir(settings, tmp_path) -> None:
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    # Uploaded client documents go to this test's own directory, never var/media.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Throttle counters live in the cache; one test's sign-ins must not count for the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_content_types():
    # A transactional test's flush recreates content types with new ids; a
    # cached old id would then break the next test's foreign keys.
    yield
    ContentType.objects.clear_cache()


@pytest.fixture
def clinic(db) -> Clinic:
    return ClinicFactory(name="Northside Test Clinic", timezone="America/New_York")


@pytest.fixture
def location(clinic) -> Location:
    return LocationFactory(clinic=clinic, name="Brooklyn", timezone="America/New_York")


@pytest.fixture
def owner(clinic) -> User:
    return UserFactory(username="owner", clinic=clinic, role=Role.OWNER)


@pytest.fixture
def front_desk(clinic) -> User:
    return UserFactory(username="frontdesk", clinic=clinic, role=Role.FRONT_DESK)


@pytest.fixture
def therapist_profile(clinic, location) -> Therapist:
    therapist = TherapistFactory(
        user=UserFactory(username="therapist", clinic=clinic, role=Role.THERAPIST)
    )
    therapist.locations.add(location)
    return therapist


@pytest.fixture
def therapist(therapist_profile) -> User:
    return therapist_profile.user


@pytest.fixture
def other_therapist_profile(clinic) -> Therapist:
    return TherapistFactory(
        user=UserFactory(username="other_therapist", clinic=clinic, role=Role.THERAPIST)
    )


@pytest.fixture
def other_therapist(other_therapist_profile) -> User:
    return other_therapist_profile.user


@pytest.fixture
def client_record(clinic, therapist_profile) -> Client:
    user = UserFactory(username="client", clinic=clinic, role=Role.CLIENT)
    return ClientFactory(
        clinic=clinic,
        user=user,
        first_name="Daniel",
        last_name="Brooks",
        care_team=[therapist_profile],
    )


@pytest.fixture
def client(client_record) -> User:
    return client_record.user


@pytest.fixture
def other_client_record(clinic, other_therapist_profile) -> Client:
    user = UserFactory(username="other_client", clinic=clinic, role=Role.CLIENT)
    return ClientFactory(
        clinic=clinic,
        user=user,
        first_name="Priya",
        last_name="Nair",
        care_team=[other_therapist_profile],
    )


@pytest.fixture
def other_client(other_client_record) -> User:
    return other_client_record.user


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def api_as(request) -> Callable[[str], APIClient]:
    """``api_as("front_desk")``: an API client signed in as that persona."""

    def make(persona: str) -> APIClient:
        api_client = APIClient()
        if persona != "anonymous":
            api_client.force_authenticate(request.getfixturevalue(persona))
        return api_client

    return make


@pytest.fixture
def worker_stack(tmp_path, clinic):
    """A private redis-server, an SMTP sink on loopback and a way to start
    Celery workers (beat embedded) against this test's PostgreSQL database.
    Needs a transactional database (the worker is another process)."""
    if not can_run_worker_stack():
        if os.environ.get("CLINIC_REQUIRE_SERVICES") == "1":
            pytest.fail("the worker tests need PostgreSQL and redis-server")
        pytest.skip("needs PostgreSQL as the database and redis-server on PATH")
    redis = RedisServer(tmp_path)
    redis.start()
    sink = SmtpSink()
    sink.start()
    db = connection.settings_dict
    env = worker_env(
        database_url=(
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        broker_url=redis.url,
        email_url=sink.url,
        NOTIFICATIONS_MAX_ATTEMPTS="3",
    )
    workers: list[CeleryWorker] = []

    def start_worker(name: str = "worker") -> CeleryWorker:
        worker = CeleryWorker(env, tmp_path, name=f"{name}{len(workers)}")
        workers.append(worker)
        worker.start()
        return worker

    yield redis, sink, start_worker
    for worker in workers:
        worker.kill()
    sink.stop()
    redis.stop()
