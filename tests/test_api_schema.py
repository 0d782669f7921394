"""What the OpenAPI schema says, checked directly (schemathesis then checks
that the API answers as it says, in tests/test_api_contract.py)."""

from __future__ import annotations

import re

import pytest
from rest_framework.test import APIClient

ERROR = "#/components/schemas/Error"


@pytest.fixture(scope="module")
def document(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():  # once for the module; no rows are written
        return APIClient().get("/api/schema/?format=json").json()


def _operations(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            yield method.upper(), path, operation


def test_every_4xx_of_every_operation_is_the_error_shape(document):
    for method, path, operation in _operations(document):
        for status, response in operation["responses"].items():
            if status.startswith("4"):
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": ERROR}, (method, path, status)
    error = document["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"status", "code", "message", "fields", "request_id"}


@pytest.mark.parametrize(
    ("method", "path", "statuses"),
    [
        # Reads: not signed in, not allowed, not found (or not yours).
        ("GET", "/api/v1/notes/{id}/", {"401", "403", "404"}),
        # A paged list with filters: a bad filter, a page past the end.
        ("GET", "/api/v1/appointments/", {"400", "401", "403", "404"}),
        # Writes: refused input, a taken time, a body too large.
        ("POST", "/api/v1/appointments/", {"400", "401", "403", "409", "413"}),
        ("POST", "/api/v1/homework-plans/{id}/publish/", {"400", "401", "403", "404", "409"}),
        # Signing in: a wrong password, too many tries; never 401.
        ("POST", "/api/v1/auth/token/", {"400", "429"}),
        # Signing out with a token that is no good any more.
        ("DELETE", "/api/v1/auth/token/", {"401"}),
    ],
)
def test_each_operation_documents_the_errors_it_can_answer(document, method, path, statuses):
    documented = set(document["paths"][path][method.lower()]["responses"])
    assert statuses <= documented, documented


def test_signing_in_is_never_documented_as_401(document):
    assert "401" not in document["paths"]["/api/v1/auth/token/"]["post"]["responses"]


def test_an_audit_events_actor_may_be_null(document):
    actor = document["components"]["schemas"]["AuditEvent"]["properties"]["actor"]
    assert actor["nullable"] is True


def test_the_culprit_history_is_a_list_of_muscles_with_their_visits(document):
    response = document["paths"]["/api/v1/clients/{client_id}/culprits/"]["get"]["responses"]
    schema = response["200"]["content"]["application/json"]["schema"]
    assert schema["type"] == "array"
    item = document["components"]["schemas"][schema["items"]["$ref"].rsplit("/", 1)[1]]
    assert {"muscle", "side", "visits", "first_tension", "last_tension", "improving"} <= set(
        item["properties"]
    )


def test_a_blankable_url_or_email_may_be_blank(document):
    clinic = document["components"]["schemas"]["Clinic"]["properties"]
    for name, kind in (("website", "uri"), ("email", "email")):
        assert "format" not in clinic[name]
        assert clinic[name]["anyOf"] == [{"format": kind}, {"maxLength": 0}]
    # A URL that is always there keeps its format.
    feed = document["components"]["schemas"]["CalendarFeed"]["properties"]["url"]
    assert feed["format"] == "uri"


def test_a_time_of_day_is_described_as_it_is_written(document):
    quiet = document["components"]["schemas"]["Clinic"]["properties"]["quiet_hours_start"]
    assert "format" not in quiet  # OpenAPI's "time" demands a UTC offset
    pattern = re.compile(quiet["pattern"])
    for written in ("18:00:00", "07:30", "23:59:59.500000"):
        assert pattern.match(written), written
    for wrong in ("24:00:00", "7:30", "18:00:00+02:00"):
        assert not pattern.match(wrong), wrong


def test_fields_only_staff_see_are_documented_but_not_required(document):
    appointment = document["components"]["schemas"]["Appointment"]
    for staff_only in ("front_desk_notes", "override_reason", "channel"):
        assert staff_only in appointment["properties"]
        assert staff_only not in appointment["required"]
    assert {"id", "starts_at", "client"} <= set(appointment["required"])


def test_charts_are_svg_and_deletions_are_204(document):
    for path in ("/api/v1/clients/{client_id}/pain-trend/", "/api/v1/notes/{id}/body-chart/"):
        assert list(document["paths"][path]["get"]["responses"]["200"]["content"]) == [
            "image/svg+xml"
        ]
    links = document["paths"]["/api/v1/notes/{id}/links/"]
    assert "201" in links["post"]["responses"] and "204" in links["delete"]["responses"]
    assert "201" not in links["delete"]["responses"]


def test_a_second_proposal_and_a_repeated_reply_are_documented_as_200(document):
    for path in ("/api/v1/homework-plans/propose/", "/api/v1/homework-plans/{id}/replies/"):
        assert {"200", "201"} <= set(document["paths"][path]["post"]["responses"])
