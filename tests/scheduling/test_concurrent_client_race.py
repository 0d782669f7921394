"""A lost race for one client is always a 409: many booking requests on their
own connections to PostgreSQL for the same client at the same time, half with
each of two therapists. (A file of its own: a transactional test empties the
database when it ends, so it must run after the others in its worker.)"""

from __future__ import annotations

import threading

import pytest
import time_machine
from django.db import connection
from rest_framework.test import APIClient

from scheduling.models import Appointment
from tests.scheduling.conftest import NOW, ny
from tests.scheduling.factories import RoomFactory
from tests.support.db import needs_postgres, require_postgres


@needs_postgres
@pytest.mark.parametrize("rooms", [1, 3])
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_race_for_one_client_at_one_time_with_two_therapists_is_one_201_and_all_409(
    rooms,
    client_record,
    massage,
    therapist_profile,
    other_therapist_profile,
    location,
    front_desk,
):
    """Twelve requests on their own connections, half for each therapist, for the
    same client at the same time: one wins, every other is a 409 slot_taken
    (never a 400), whichever of therapist, room or client was taken first."""
    require_postgres()
    for n in range(2, rooms + 1):
        RoomFactory(location=location, name=f"Room {n}")
    therapists = [therapist_profile, other_therapist_profile] * 6
    barrier = threading.Barrier(len(therapists))
    results: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def book(therapist):
        api = APIClient()
        api.force_authenticate(front_desk)
        try:
            with time_machine.travel(NOW, tick=False):
                barrier.wait(timeout=30)
                response = api.post(
                    "/api/v1/appointments/",
                    {
                        "client": client_record.pk,
                        "service": massage.pk,
                        "therapist": therapist.pk,
                        "location": location.pk,
                        "starts_at": ny(2026, 6, 3, 10).isoformat(),
                    },
                    format="json",
                )
            with lock:
                results.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(t,)) for t in therapists]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    statuses = sorted(code for code, _ in results)
    assert statuses == [201] + [409] * 11, results
    for code, body in results:
        if code == 409:
            assert body["code"] == "slot_taken", body
    assert Appointment.objects.filter(client=client_record).count() == 1
