from __future__ import annotations

import pytest
from django.test import Client as BrowserClient

from notes import services
from tests.conftest import PERSONAS
from tests.notes.conftest import muscle
from tests.support.matrix import fill

A, C, OC, T, OT, FD, OW = PERSONAS
READ = {A: 401, C: 403, OC: 403, T: 200, OT: 404, FD: 403, OW: 200}
READ_LIST = {A: 401, C: 403, OC: 403, T: 200, OT: 200, FD: 403, OW: 200}
WRITE = {A: 401, C: 403, OC: 403, T: 200, OT: 404, FD: 403, OW: 403}
CREATE = {A: 401, C: 403, OC: 403, T: 201, OT: 404, FD: 403, OW: 403}


@pytest.fixture
def ids(note, therapist, client_record, owner, front_desk, other_therapist, client, other_client):
    culprit = services.add_finding(
        note=note,
        added_by=therapist,
        muscle=muscle("iliacus"),
        side="left",
        role="culprit",
        tension=2,
    )
    victim = services.add_finding(
        note=note,
        added_by=therapist,
        muscle=muscle("quadratus-lumborum"),
        side="left",
        role="victim",
    )
    return {"note": note.pk, "client": client_record.pk, "culprit": culprit.pk, "victim": victim.pk}


MATRIX = [
    ("notes", "get", "/api/v1/notes/", None, READ_LIST),
    ("note", "get", "/api/v1/notes/{note}/", None, READ),
    (
        "start a phone note",
        "post",
        "/api/v1/notes/",
        {"client": "{client}", "kind": "phone"},
        # another therapist cannot name a client they do not treat: 400 on "client"
        {**CREATE, OT: 400},
    ),
    ("edit draft", "patch", "/api/v1/notes/{note}/", {"plan": "Hip flexor stretch daily"}, WRITE),
    (
        "add finding",
        "post",
        "/api/v1/notes/{note}/findings/",
        {"muscle": "rectus-femoris", "side": "right", "role": "culprit", "tension": 2},
        {**WRITE, T: 201},
    ),
    ("change finding", "patch", "/api/v1/notes/{note}/findings/{culprit}/", {"tension": 3}, WRITE),
    (
        "link",
        "post",
        "/api/v1/notes/{note}/links/",
        {"culprit": "{culprit}", "victim": "{victim}"},
        {**WRITE, T: 201},
    ),
    (
        "add test",
        "post",
        "/api/v1/notes/{note}/tests/",
        {"test": "thomas", "side": "left", "result": "positive"},
        {**WRITE, T: 201},
    ),
    ("body chart", "get", "/api/v1/notes/{note}/body-chart/", None, READ),
    ("timeline", "get", "/api/v1/clients/{client}/timeline/", None, READ),
    ("client chart", "get", "/api/v1/clients/{client}/body-chart/", None, READ),
    ("pain trend", "get", "/api/v1/clients/{client}/pain-trend/", None, READ),
    ("culprits", "get", "/api/v1/clients/{client}/culprits/", None, READ),
    ("templates", "get", "/api/v1/note-templates/", None, READ_LIST),
    ("sign", "post", "/api/v1/notes/{note}/sign/", None, WRITE),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("name", "method", "url", "body", "expected"), MATRIX, ids=[row[0] for row in MATRIX]
)
def test_notes_permission_matrix(api_as, ids, persona, name, method, url, body, expected):
    response = getattr(api_as(persona), method)(fill(url, ids), fill(body, ids), format="json")
    assert response.status_code == expected[persona], response.content[:500]


def test_a_signed_note_cannot_be_changed_through_the_api(api_as, ids):
    therapist_api = api_as("therapist")
    assert therapist_api.post(f"/api/v1/notes/{ids['note']}/sign/").status_code == 200
    attempts = [
        therapist_api.patch(f"/api/v1/notes/{ids['note']}/", {"plan": "x"}, format="json"),
        therapist_api.post(
            f"/api/v1/notes/{ids['note']}/findings/",
            {"muscle": "soleus", "side": "left", "role": "victim"},
            format="json",
        ),
        therapist_api.patch(
            f"/api/v1/notes/{ids['note']}/findings/{ids['culprit']}/", {"tension": 0}, format="json"
        ),
        therapist_api.delete(f"/api/v1/notes/{ids['note']}/findings/{ids['culprit']}/"),
        therapist_api.post(f"/api/v1/notes/{ids['note']}/sign/"),
    ]
    for response in attempts:
        assert response.status_code == 409, response.content
        assert response.json()["code"] == "note_signed"
    assert therapist_api.get(f"/api/v1/notes/{ids['note']}/verify/").json()["ok"] is True
    added = therapist_api.post(
        f"/api/v1/notes/{ids['note']}/addenda/",
        {"text": "Tension on the left iliacus was 3."},
        format="json",
    )
    assert added.status_code == 201
    body = therapist_api.get(f"/api/v1/notes/{ids['note']}/").json()
    assert [a["text"] for a in body["addenda"]] == ["Tension on the left iliacus was 3."]


def test_a_signed_note_cannot_be_changed_through_the_admin(ids, owner, note, therapist):
    services.sign_note(note=note, signed_by=therapist)
    owner.is_superuser = True  # even a superuser
    owner.save()
    browser = BrowserClient()
    browser.force_login(owner)
    page = browser.get(f"/admin/notes/sessionnote/{note.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content and b"<svg" in page.content
    posted = browser.post(
        f"/admin/notes/sessionnote/{note.pk}/change/", {"assessment": "rewritten"}
    )
    assert posted.status_code == 403
    assert browser.get(f"/admin/notes/sessionnote/{note.pk}/delete/").status_code == 403
    assert services.verify_note_integrity(note).ok


def test_bad_finding_input_names_the_field(api_as, ids):
    response = api_as("therapist").post(
        f"/api/v1/notes/{ids['note']}/findings/",
        {"muscle": "no-such-muscle", "side": "middle", "role": "bully", "tension": 9},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"muscle", "side", "role", "tension"}
    midline = api_as("therapist").post(
        f"/api/v1/notes/{ids['note']}/findings/",
        {"muscle": "diaphragm", "side": "left", "role": "victim"},
        format="json",
    )
    assert midline.status_code == 400 and "side" in midline.json()["fields"]


def test_the_timeline_page_shows_charts_to_therapists_only(
    note, therapist, front_desk, client_record
):
    services.sign_note(note=note, signed_by=therapist)
    browser = BrowserClient()
    browser.force_login(therapist)
    page = browser.get(f"/clients/{client_record.pk}/timeline/")
    assert page.status_code == 200 and page.content.count(b"<svg") == 2
    desk = BrowserClient()
    desk.force_login(front_desk)
    assert desk.get(f"/clients/{client_record.pk}/timeline/").status_code == 404
