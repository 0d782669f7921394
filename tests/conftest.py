"""Shared fixtures: the named personas every permission test uses.

``owner``, ``front_desk``, ``therapist``, ``other_therapist``, ``client`` and
``other_client`` are users of one clinic; ``therapist`` treats ``client``
(``client_record``), ``other_therapist`` treats ``other_client``.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from clinic.models import Client, Clinic, Location, Role, Therapist, User
from tests.clinic.factories import (
    ClientFactory,
    ClinicFactory,
    LocationFactory,
    TherapistFactory,
    UserFactory,
)

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


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Throttle counters live in the cache; one test's sign-ins must not count for the next.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_content_types():
    # A transactional test's flush recreates content types with new ids; a
    # cached old id would then break the next test's foreign keys.
    yield
    from django.contrib.contenttypes.models import ContentType

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
