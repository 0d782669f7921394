"""Session notes under the input policy: seen_at carries its UTC offset and
falls between 1900 and 2200 (as booking times do), SOAP sections stop at
10,000 characters, ids are whole numbers, and a NUL or a 10,000-deep body is
a 400 that changes nothing."""

from __future__ import annotations

import pytest

from notes.api.serializers import FindingInputSerializer
from notes.models import MuscleFinding, SessionNote

pytestmark = pytest.mark.usefixtures("frozen_now")

BAD_TIMES = [
    "2026-06-02T10:00:00",  # naive: bookings refuse it, so do notes
    "9999-12-31T23:59:59Z",
    "0001-01-01T00:00:00Z",
    "2026-06-02T10:00:00+19:51",
]


def refused(response, field: str) -> dict:
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert field in body["fields"], body
    return body


@pytest.mark.parametrize("seen_at", BAD_TIMES)
def test_a_phone_note_seen_at_a_time_outside_the_policy_is_not_started(
    api_as, therapist, client_record, seen_at
):
    response = api_as("therapist").post(
        "/api/v1/notes/",
        {"client": client_record.pk, "kind": "phone", "seen_at": seen_at},
        format="json",
    )
    refused(response, "seen_at")
    assert SessionNote.objects.count() == 0


def test_a_naive_seen_at_says_to_give_the_offset(api_as, therapist, client_record):
    response = api_as("therapist").post(
        "/api/v1/notes/",
        {"client": client_record.pk, "kind": "phone", "seen_at": "2026-06-02T10:00:00"},
        format="json",
    )
    assert refused(response, "seen_at")["fields"]["seen_at"] == ["Give a time with its UTC offset."]


@pytest.mark.parametrize("seen_at", BAD_TIMES)
def test_moving_a_note_to_a_time_outside_the_policy_changes_nothing(
    api_as,
    note,
    seen_at,
):
    before = note.seen_at
    response = api_as("therapist").patch(
        f"/api/v1/notes/{note.pk}/", {"seen_at": seen_at, "plan": "Stretch"}, format="json"
    )
    refused(response, "seen_at")
    note.refresh_from_db()
    assert (note.seen_at, note.plan) == (before, "")


def test_a_seen_at_with_an_offset_is_taken(api_as, note):
    response = api_as("therapist").patch(
        f"/api/v1/notes/{note.pk}/", {"seen_at": "2026-06-02T10:05:00-04:00"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["seen_at"] == "2026-06-02T14:05:00Z"


@pytest.mark.parametrize("bad", [1.5, "1.5", "1e0", True])
def test_a_note_for_a_decimal_client_id_is_not_started(api_as, therapist, client_record, bad):
    response = api_as("therapist").post(
        "/api/v1/notes/", {"client": bad, "kind": "phone"}, format="json"
    )
    refused(response, "client")
    assert SessionNote.objects.count() == 0


@pytest.mark.parametrize("section", ["subjective", "objective", "assessment", "plan"])
def test_a_megabyte_in_a_soap_section_is_refused(api_as, note, section):
    before = getattr(note, section)
    response = api_as("therapist").patch(
        f"/api/v1/notes/{note.pk}/", {section: "x" * 1_000_000}, format="json"
    )
    refused(response, section)
    note.refresh_from_db()
    assert getattr(note, section) == before


def test_a_soap_section_of_10000_characters_is_kept(api_as, note):
    response = api_as("therapist").patch(
        f"/api/v1/notes/{note.pk}/", {"subjective": "x" * 10_000}, format="json"
    )
    assert response.status_code == 200
    refused(
        api_as("therapist").patch(
            f"/api/v1/notes/{note.pk}/", {"subjective": "x" * 10_001}, format="json"
        ),
        "subjective",
    )


def test_a_nul_in_a_multipart_muscle_is_a_400_naming_it(api_as, note):
    response = api_as("therapist").post(
        f"/api/v1/notes/{note.pk}/findings/",
        {"muscle": "rectus-femoris\x00", "role": "culprit", "side": "left"},
        format="multipart",
    )
    refused(response, "muscle")
    assert MuscleFinding.objects.count() == 0


def test_a_multipart_finding_without_a_nul_is_added(api_as, note):
    response = api_as("therapist").post(
        f"/api/v1/notes/{note.pk}/findings/",
        {"muscle": "rectus-femoris", "role": "culprit", "side": "left"},
        format="multipart",
    )
    assert response.status_code == 201, response.json()


def test_a_muscle_slug_longer_than_any_is_refused_unlooked_up(api_as, note):
    response = api_as("therapist").post(
        f"/api/v1/notes/{note.pk}/findings/",
        {"muscle": "x" * 100_000, "role": "culprit"},
        format="json",
    )
    body = refused(response, "muscle")
    assert body["fields"]["muscle"] == ["Give at most 60 characters."]


def test_json_nested_10000_deep_changes_no_note(api_as, note):
    body = '{"plan": ' + "[" * 10_000 + "]" * 10_000 + "}"
    response = api_as("therapist").patch(
        f"/api/v1/notes/{note.pk}/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    note.refresh_from_db()
    assert note.plan == ""


def test_link_ids_must_be_whole_numbers(api_as, note):
    response = api_as("therapist").post(
        f"/api/v1/notes/{note.pk}/links/", {"culprit": 1.5, "victim": "2.0"}, format="json"
    )
    body = refused(response, "culprit")
    assert "victim" in body["fields"]


def test_a_40_mb_note_section_is_refused_with_413_and_not_stored(api_as, note):
    response = api_as("therapist").patch(
        f"/api/v1/notes/{note.pk}/", {"subjective": "x" * 40_000_000}, format="json"
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    note.refresh_from_db()
    assert len(note.subjective) < 10_000


def test_a_nul_in_a_muscle_is_refused_by_the_field_too(db):
    # A form Django parsed before the API's parsers (a signed-in browser's CSRF
    # check reads it) reaches the serializer without their NUL check.
    data = FindingInputSerializer(data={"muscle": "psoas-major\x00", "role": "culprit"})
    assert not data.is_valid()
    assert data.errors["muscle"] == ["Remove the NUL character (\\x00) from this field."]
