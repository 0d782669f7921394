from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.scheduling.factories import RoomFactory, ServiceFactory, weekday_hours

NY = ZoneInfo("America/New_York")
# Monday 1 June 2026, 08:00 in New York.
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def room(location):
    return RoomFactory(location=location, name="Room 1")


@pytest.fixture
def massage(clinic, therapist_profile, other_therapist_profile, location, room):
    """A 60-minute massage with a 10-minute buffer after, needing a treatment
    room, offered by both therapists, who work Mon-Fri split days at Brooklyn."""
    other_therapist_profile.locations.add(location)
    weekday_hours(therapist_profile, location)
    weekday_hours(other_therapist_profile, location)
    return ServiceFactory(
        clinic=clinic,
        name="Deep tissue massage",
        therapists=[therapist_profile, other_therapist_profile],
    )


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=NY)
