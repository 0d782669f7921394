"""No double booking under a real race: many concurrent booking requests, each
on its own connection to PostgreSQL, for overlapping times; exactly one wins
and every other gets a 409 saying the slot was taken. (A file of its own, so
this transactional test runs after the others in its worker.)"""

from __future__ import annotations

import threading

import pytest
import time_machine
from django.db import connection
from rest_framework.test import APIClient

from scheduling.models import Appointment
from tests.clinic.factories import ClientFactory
from tests.scheduling.conftest import NOW, ny
from tests.scheduling.factories import RoomFactory
from tests.support.db import needs_postgres, require_postgres


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_bookings_of_overlapping_times_let_exactly_one_win(
    clinic, location, massage, therapist_profile, front_desk
):
    require_postgres()
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
