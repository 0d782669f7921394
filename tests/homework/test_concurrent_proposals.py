"""Simultaneous proposals of a plan from one note make one draft: requests on
their own connections to PostgreSQL take turns on the note's lock. (A file of
its own: a transactional test empties the database when it ends, so it must
run after the others in its worker.)"""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from homework.models import HomeworkPlan
from tests.support.db import needs_postgres, require_postgres


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_proposals_from_one_note_make_one_draft(signed_note, therapist):
    """Eight proposals on their own connections at once: one 201, seven 200s,
    all naming the same draft."""
    require_postgres()
    barrier = threading.Barrier(8)
    results: list[tuple[int, int]] = []
    lock = threading.Lock()

    def propose():
        api = APIClient()
        api.force_authenticate(therapist)
        try:
            barrier.wait(timeout=30)
            response = api.post(
                "/api/v1/homework-plans/propose/", {"note": signed_note.pk}, format="json"
            )
            with lock:
                results.append((response.status_code, response.json()["id"]))
        finally:
            connection.close()

    threads = [threading.Thread(target=propose) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(code for code, _ in results) == [200] * 7 + [201], results
    assert len({plan_id for _, plan_id in results}) == 1
    assert HomeworkPlan.objects.filter(source_note=signed_note).count() == 1
