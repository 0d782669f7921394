"""Scheduling under the input policy: dates near 0001 and 9999, wild UTC
offsets, decimal ids and endless text are each a 400 naming the field, never a
500 and never a row written."""

from __future__ import annotations

import pytest

from scheduling import services
from scheduling.models import Appointment, AvailabilityOverride, WaitlistEntry
from tests.scheduling.conftest import ny

pytestmark = pytest.mark.usefixtures("frozen_now")

FAR = ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "2201-01-01T00:00:00Z"]
ODD = ["2026-06-03T10:00:00", "2026-06-03T10:00:00+19:51", "2026-06-03T10:00:00-20:17"]


def refused(response, *fields: str) -> dict:
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    for field in fields:
        assert field in body["fields"], body
    return body


@pytest.fixture
def booked(massage, client_record, therapist_profile, location, front_desk):
    return services.book_appointment(
        client=client_record,
        service=massage,
        therapist=therapist_profile,
        location=location,
        starts_at=ny(2026, 6, 3, 10),
        booked_by=front_desk,
    )


@pytest.fixture
def booking(massage, client_record, therapist_profile, location):
    return {
        "client": client_record.pk,
        "service": massage.pk,
        "therapist": therapist_profile.pk,
        "location": location.pk,
        "starts_at": "2026-06-04T09:00:00-04:00",
    }


# --- Slots and the day view ----------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "fields"),
    [
        ("9999-12-30", "9999-12-31", {"start", "end"}),
        ("0001-01-01", "0001-01-02", {"start", "end"}),
        ("2200-12-31", "2201-01-01", {"end"}),
        ("1899-12-31", "1900-01-01", {"start"}),
    ],
)
def test_slot_searches_near_the_ends_of_the_calendar_are_400s(
    api_as, front_desk, massage, location, start, end, fields
):
    response = api_as("front_desk").get(
        "/api/v1/slots/",
        {"service": massage.pk, "location": location.pk, "start": start, "end": end},
    )
    assert set(refused(response)["fields"]) == fields


def test_a_slot_search_on_the_last_days_the_policy_allows_works(
    api_as, front_desk, massage, location
):
    response = api_as("front_desk").get(
        "/api/v1/slots/",
        {
            "service": massage.pk,
            "location": location.pk,
            "start": "2200-12-30",
            "end": "2200-12-31",
        },
    )
    assert response.status_code == 200, response.content
    assert response.json()  # 30 and 31 December 2200 are a Tuesday and a Wednesday


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2201-01-01"])
def test_the_day_view_near_the_ends_of_the_calendar_is_a_400(api_as, front_desk, location, day):
    response = api_as("front_desk").get("/api/v1/day/", {"location": location.pk, "date": day})
    refused(response, "date")


def test_slot_ids_must_be_whole_numbers(api_as, front_desk, massage, location):
    response = api_as("front_desk").get(
        "/api/v1/slots/",
        {
            "service": f"{massage.pk}.0",
            "location": f"{location.pk}e0",
            "start": "2026-06-04",
            "end": "2026-06-05",
        },
    )
    refused(response, "service", "location")


# --- Booking and rescheduling --------------------------------------------------------


@pytest.mark.parametrize("starts_at", FAR + ODD)
def test_a_booking_far_in_time_or_without_a_real_offset_is_a_400(
    api_as, front_desk, booking, starts_at
):
    response = api_as("front_desk").post(
        "/api/v1/appointments/", {**booking, "starts_at": starts_at}, format="json"
    )
    refused(response, "starts_at")
    assert Appointment.objects.count() == 0


def test_a_naive_booking_time_says_to_give_the_offset(api_as, front_desk, booking):
    response = api_as("front_desk").post(
        "/api/v1/appointments/", {**booking, "starts_at": "2026-06-04T09:00:00"}, format="json"
    )
    assert refused(response)["fields"]["starts_at"] == ["Give a time with its UTC offset."]


@pytest.mark.parametrize("field", ["service", "therapist", "location", "client"])
def test_a_decimal_id_books_nothing(api_as, front_desk, booking, field):
    # Before the policy, 1.5 was rounded down and booked whatever had id 1.
    response = api_as("front_desk").post(
        "/api/v1/appointments/", {**booking, field: booking[field] + 0.5}, format="json"
    )
    refused(response, field)
    assert Appointment.objects.count() == 0


@pytest.mark.parametrize("field", ["service", "therapist", "location"])
@pytest.mark.parametrize("shape", [lambda pk: float(pk), lambda pk: f"{pk}.0", lambda pk: True])
def test_an_id_given_as_a_float_string_or_boolean_books_nothing(
    api_as, front_desk, booking, field, shape
):
    response = api_as("front_desk").post(
        "/api/v1/appointments/", {**booking, field: shape(booking[field])}, format="json"
    )
    refused(response, field)
    assert Appointment.objects.count() == 0


def test_ids_given_as_digits_still_book(api_as, front_desk, booking):
    response = api_as("front_desk").post(
        "/api/v1/appointments/", {k: str(v) for k, v in booking.items()}, format="json"
    )
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize("starts_at", FAR + ODD)
def test_a_reschedule_far_in_time_is_a_400_and_keeps_the_visit(
    api_as, front_desk, booked, starts_at
):
    response = api_as("front_desk").post(
        f"/api/v1/appointments/{booked.pk}/reschedule/", {"starts_at": starts_at}, format="json"
    )
    refused(response, "starts_at")
    booked.refresh_from_db()
    assert booked.status == "booked" and booked.starts_at == ny(2026, 6, 3, 10)
    assert Appointment.objects.count() == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("starts_before=1769-05-14T18:11:41-20:17", "starts_before"),
        ("starts_before=2026-05-14T18:11:41-20:17", "starts_before"),
        ("starts_after=2026-05-14T18:11:41", "starts_after"),
        ("starts_after=9999-12-31T23:59:59Z", "starts_after"),
        ("therapist=1.5", "therapist"),
        ("client=1e0", "client"),
    ],
)
def test_appointment_filters_follow_the_policy(api_as, front_desk, booked, query, field):
    refused(api_as("front_desk").get(f"/api/v1/appointments/?{query}"), field)


def test_appointment_filters_take_real_offsets(api_as, front_desk, booked):
    # The visit starts at 14:00 UTC on 3 June.
    for query, count in [
        ("starts_after=2026-06-04T03:59:00%2B13:59", 1),  # 14:00 UTC on 3 June
        ("starts_after=2026-06-03T14:00:01Z", 0),
        ("starts_before=2026-06-03T00:02:00-13:59", 1),  # 14:01 UTC
    ]:
        response = api_as("front_desk").get(f"/api/v1/appointments/?{query}")
        assert response.status_code == 200, response.content
        assert response.json()["count"] == count, query


# --- Free text ---------------------------------------------------------------------


def test_a_megabyte_of_front_desk_notes_is_refused_on_booking(api_as, front_desk, booking):
    response = api_as("front_desk").post(
        "/api/v1/appointments/", {**booking, "front_desk_notes": "x" * 1_000_000}, format="json"
    )
    refused(response, "front_desk_notes")
    assert Appointment.objects.count() == 0


def test_a_megabyte_of_front_desk_notes_is_refused_on_change(api_as, front_desk, booked):
    response = api_as("front_desk").patch(
        f"/api/v1/appointments/{booked.pk}/", {"front_desk_notes": "x" * 1_000_000}, format="json"
    )
    refused(response, "front_desk_notes")
    booked.refresh_from_db()
    assert booked.front_desk_notes == ""


def test_front_desk_notes_up_to_2000_characters_are_kept(api_as, front_desk, booked):
    response = api_as("front_desk").patch(
        f"/api/v1/appointments/{booked.pk}/", {"front_desk_notes": "x" * 2000}, format="json"
    )
    assert response.status_code == 200
    refused(
        api_as("front_desk").patch(
            f"/api/v1/appointments/{booked.pk}/", {"front_desk_notes": "x" * 2001}, format="json"
        ),
        "front_desk_notes",
    )


def test_json_nested_10000_deep_books_nothing(api_as, front_desk, booking):
    body = '{"service": ' + "[" * 10_000 + "]" * 10_000 + "}"
    response = api_as("front_desk").post(
        "/api/v1/appointments/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert Appointment.objects.count() == 0


# --- Availability overrides --------------------------------------------------------


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_an_override_on_a_day_outside_the_policy_is_a_400(
    api_as, front_desk, therapist_profile, day
):
    response = api_as("front_desk").post(
        "/api/v1/availability-overrides/",
        {"therapist": therapist_profile.pk, "date": day, "kind": "day_off"},
        format="json",
    )
    refused(response, "date")
    assert AvailabilityOverride.objects.count() == 0


def test_time_off_that_ends_before_it_starts_names_the_end(api_as, front_desk, therapist_profile):
    response = api_as("front_desk").post(
        "/api/v1/availability-overrides/",
        {
            "therapist": therapist_profile.pk,
            "date": "2026-06-05",
            "kind": "time_off",
            "start_time": "15:00",
            "end_time": "11:00",
        },
        format="json",
    )
    body = refused(response, "end_time")
    assert "non_field_errors" not in body["fields"]
    assert AvailabilityOverride.objects.count() == 0


def test_time_off_without_its_times_names_them(api_as, front_desk, therapist_profile):
    response = api_as("front_desk").post(
        "/api/v1/availability-overrides/",
        {"therapist": therapist_profile.pk, "date": "2026-06-05", "kind": "time_off"},
        format="json",
    )
    assert set(refused(response)["fields"]) == {"start_time", "end_time"}


def test_an_override_for_a_decimal_therapist_is_refused(api_as, front_desk, therapist_profile):
    response = api_as("front_desk").post(
        "/api/v1/availability-overrides/",
        {"therapist": therapist_profile.pk + 0.5, "date": "2026-06-05", "kind": "day_off"},
        format="json",
    )
    refused(response, "therapist")
    assert AvailabilityOverride.objects.count() == 0


def test_the_override_list_filters_by_a_date_in_the_policy_only(api_as, front_desk):
    refused(api_as("front_desk").get("/api/v1/availability-overrides/?date=9999-12-31"), "date")
    ok = api_as("front_desk").get("/api/v1/availability-overrides/?date=2026-06-05")
    assert ok.status_code == 200


# --- The waitlist ------------------------------------------------------------------


@pytest.fixture
def waiting(client_record, massage, location):
    return {
        "client": client_record.pk,
        "service": massage.pk,
        "location": location.pk,
        "earliest_date": "2026-06-02",
        "latest_date": "2026-06-30",
    }


@pytest.mark.parametrize(
    ("earliest", "latest", "fields"),
    [
        ("0001-01-01", "9999-12-31", {"earliest_date", "latest_date"}),
        ("2026-05-31", "2026-06-30", {"earliest_date"}),  # the window has begun already
        ("2026-06-10", "2026-06-09", {"latest_date"}),
        ("2026-06-10", "2027-06-03", {"latest_date"}),  # more than a year ahead
    ],
)
def test_a_waitlist_window_outside_a_sane_range_is_refused(
    api_as, front_desk, waiting, earliest, latest, fields
):
    response = api_as("front_desk").post(
        "/api/v1/waitlist/",
        {**waiting, "earliest_date": earliest, "latest_date": latest},
        format="json",
    )
    assert set(refused(response)["fields"]) == fields
    assert WaitlistEntry.objects.count() == 0


def test_a_waitlist_window_from_today_to_a_year_ahead_is_taken(api_as, front_desk, waiting):
    # Today at the location is 1 June 2026 (08:00 in New York).
    response = api_as("front_desk").post(
        "/api/v1/waitlist/",
        {**waiting, "earliest_date": "2026-06-01", "latest_date": "2027-06-02"},
        format="json",
    )
    assert response.status_code == 201, response.json()


def test_a_decimal_waitlist_service_is_refused(api_as, front_desk, waiting, massage):
    response = api_as("front_desk").post(
        "/api/v1/waitlist/", {**waiting, "service": massage.pk + 0.5}, format="json"
    )
    refused(response, "service")
    assert WaitlistEntry.objects.count() == 0
