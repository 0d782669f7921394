from __future__ import annotations

import pytest
import time_machine

from clinic.core.models import Muscle
from notes import services
from scheduling import services as scheduling
from tests.scheduling.conftest import frozen_now, massage, ny, room  # noqa: F401 (fixtures)


@pytest.fixture
def visit(frozen_now, massage, client_record, therapist_profile, location, front_desk):  # noqa: F811
    """Yesterday's completed visit of the client with their therapist."""
    appointment = scheduling.book_appointment(
        client=client_record,
        service=massage,
        therapist=therapist_profile,
        location=location,
        starts_at=ny(2026, 6, 2, 10),
        booked_by=front_desk,
    )
    with time_machine.travel(ny(2026, 6, 2, 11, 30), tick=False):
        scheduling.complete_appointment(appointment=appointment, completed_by=front_desk)
    return appointment


@pytest.fixture
def note(visit, client_record, therapist):
    return services.start_note(client=client_record, written_by=therapist, appointment=visit)


def muscle(slug: str) -> Muscle:
    return Muscle.objects.get(slug=slug)
