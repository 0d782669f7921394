"""No double booking, proven against the real database.

On PostgreSQL: many concurrent booking requests, each on its own connection,
for overlapping times; exactly one wins and every other gets a 409 saying the
slot was taken. And the exclusion constraints themselves refuse overlapping
rows written past the service."""

from __future__ import annotations

import os
import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from rest_framework.test import APIClient

from scheduling.models import Appointment
from tests.clinic.factories import ClientFactory
from tests.scheduling.conftest import NOW, ny
from tests.scheduling.factories import RoomFactory

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql" and os.environ.get("CLINIC_REQUIRE_SERVICES") != "1",
    reason="concurrency and exclusion constraints are PostgreSQL's (SQLite serializes bookings)",
)


def _require_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.fail("CLINIC_REQUIRE_SERVICES=1 but the database is not PostgreSQL")


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_bookings_of_overlapping_times_let_exactly_one_win(
    clinic, location, massage, therapist_profile, front_desk
):
    _require_postgres()
    RoomFactory(location=location, name="Room 2")
    RoomFactory(location=location, name="Room 3")
    clients = [ClientFactory(clinic=clinic) for _ in range(12)]
    # Overlapping starts for one therapist: 10:00, 10:15, 10:30 (60 min each).
    starts = [ny(2026, 6, 3, 10, 15 * (i % 3)) for i in range(12)]
    barrier = threading.Barrier(len(clients))
    results: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def book(client, starts_at):
        api = APIClient()
        api.force_authenticate(front_desk)
        try:
            with time_machine.travel(NOW, tick=False):
                barrier.wait(timeout=30)
                response = api.post(
                    "/api/v1/appointments/",
                    {
                        "client": client.pk,
                        "service": massage.pk,
                        "therapist": therapist_profile.pk,
                        "location": location.pk,
                        "starts_at": starts_at.isoformat(),
                    },
                    format="json",
                )
            with lock:
                results.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=book, args=pair) for pair in zip(clients, starts, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    statuses = sorted(code for code, _ in results)
    assert statuses == [201] + [409] * 11, results
    for code, body in results:
        if code == 409:
            assert body["code"] == "slot_taken" and "taken" in body["message"]
    assert Appointment.objects.filter(therapist=therapist_profile).count() == 1


@needs_postgres
def test_the_exclusion_constraints_refuse_overlaps_written_past_the_service(
    clinic, location, massage, therapist_profile, other_therapist_profile, front_desk, room
):
    _require_postgres()
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
