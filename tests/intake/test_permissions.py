"""The intake endpoints for every persona."""

from __future__ import annotations

import pytest
from django.test import Client as BrowserClient

from tests.conftest import PERSONAS
from tests.intake.helpers import submit_intake

A, C, OC, T, OT, FD, OW = PERSONAS

MATRIX = [
    (
        "submissions",
        "get",
        "/api/v1/intake-submissions/",
        None,
        {A: 401, C: 200, OC: 200, T: 200, OT: 200, FD: 200, OW: 200},
    ),
    (
        "submission",
        "get",
        "/api/v1/intake-submissions/{submission}/",
        None,
        {A: 401, C: 200, OC: 404, T: 200, OT: 404, FD: 200, OW: 200},
    ),
    (
        "send link",
        "post",
        "/api/v1/clients/{client}/intake-link/",
        {"kind": "intake"},
        {A: 401, C: 403, OC: 403, T: 201, OT: 404, FD: 201, OW: 201},
    ),
    (
        "send oswestry",
        "post",
        "/api/v1/clients/{client}/intake-link/",
        {"kind": "odi"},
        {A: 401, C: 403, OC: 403, T: 201, OT: 404, FD: 201, OW: 201},
    ),
    (
        "bad kind",
        "post",
        "/api/v1/clients/{client}/intake-link/",
        {"kind": "tarot"},
        {A: 401, C: 403, OC: 403, T: 400, OT: 404, FD: 400, OW: 400},
    ),
    (
        "outcomes",
        "get",
        "/api/v1/clients/{client}/outcomes/",
        None,
        {A: 401, C: 200, OC: 404, T: 200, OT: 404, FD: 403, OW: 200},
    ),
]


@pytest.fixture
def ids(client_record, owner, front_desk, therapist, other_therapist, other_client):
    return {"client": client_record.pk, "submission": submit_intake(client_record).pk}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("name", "method", "url", "body", "expected"), MATRIX, ids=[row[0] for row in MATRIX]
)
def test_intake_permission_matrix(api_as, ids, persona, name, method, url, body, expected):
    response = getattr(api_as(persona), method)(url.format(**ids), body, format="json")
    assert response.status_code == expected[persona], response.content
    if response.status_code == 400:
        assert "kind" in response.json()["fields"]


def test_front_desk_cannot_open_submissions_in_the_admin(front_desk, client_record):
    submission = submit_intake(client_record)
    browser = BrowserClient()
    browser.force_login(front_desk)
    assert browser.get(f"/admin/intake/submission/{submission.pk}/change/").status_code == 403
    assert browser.get("/admin/intake/intakeinvitation/").status_code == 200
