"""No double booking: the exclusion constraints themselves refuse overlapping
rows written past the service (the concurrent race is in
test_concurrent_booking.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from scheduling.models import Appointment
from tests.clinic.factories import ClientFactory
from tests.scheduling.conftest import ny
from tests.support.db import needs_postgres, require_postgres


@needs_postgres
def test_the_exclusion_constraints_refuse_overlaps_written_past_the_service(
    clinic, location, massage, therapist_profile, other_therapist_profile, front_desk, room
):
    require_postgres()
    first_client, second_client = ClientFactory(clinic=clinic), ClientFactory(clinic=clinic)

    def row(**kwargs):
        start = kwargs.pop("start", ny(2026, 6, 3, 10))
        values = dict(
            clinic=clinic,
            location=location,
            client=first_client,
            therapist=therapist_profile,
            service=massage,
            room=room,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            block_start=start,
            block_end=start + timedelta(minutes=70),
            channel="admin",
            created_by=front_desk,
        )
        values.update(kwargs)
        return Appointment(**values)

    row().save()
    cases = {
        "appointment_no_therapist_overlap": row(
            client=second_client, room=None, start=ny(2026, 6, 3, 11)
        ),
        "appointment_no_room_overlap": row(
            client=second_client, therapist=other_therapist_profile, start=ny(2026, 6, 3, 10, 30)
        ),
        "appointment_no_client_overlap": row(
            therapist=other_therapist_profile, room=None, start=ny(2026, 6, 3, 10, 30)
        ),
    }
    for constraint, appointment in cases.items():
        with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
            appointment.save()
    # Cancelled appointments hold nothing.
    Appointment.objects.update(status="cancelled")
    row(client=second_client).save()
