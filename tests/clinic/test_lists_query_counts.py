"""Every core list endpoint costs the same number of queries however long the page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic.core.audit import record_audit
from tests.clinic.factories import LocationFactory, TherapistFactory, UserFactory


def _queries(api_client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert api_client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    ["/api/v1/therapists/", "/api/v1/locations/", "/api/v1/muscles/", "/api/v1/audit-events/"],
)
def test_list_queries_are_constant(api_as, owner, clinic, location, url):
    api_client = api_as("owner")

    def add_rows(n: int) -> None:
        for _ in range(n):
            therapist = TherapistFactory(user=UserFactory(clinic=clinic, role="therapist"))
            therapist.locations.add(location, LocationFactory(clinic=clinic))
            record_audit(actor=owner, action="read", obj=therapist)

    add_rows(1)
    first = _queries(api_client, url + "?page_size=200")
    add_rows(15)
    assert _queries(api_client, url + "?page_size=200") == first
