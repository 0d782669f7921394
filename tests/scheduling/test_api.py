from __future__ import annotations

from datetime import date, time

import pytest
import time_machine
from django.db import connection
from django.test import Client as BrowserClient
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from clinic.notifications.models import Notification
from scheduling import services
from scheduling.models import Appointment
from tests.clinic.factories import ClientFactory, LocationFactory, TherapistFactory, UserFactory
from tests.conftest import PERSONAS
from tests.intake.helpers import submit_intake
from tests.scheduling.conftest import ny
from tests.scheduling.factories import RoomFactory, ServiceFactory, weekday_hours
from tests.support.matrix import fill

pytestmark = pytest.mark.usefixtures("frozen_now")

A, C, OC, T, OT, FD, OW = PERSONAS


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
def ids(booked, massage, location, therapist_profile, room, owner, other_client, other_therapist):
    return {
        "appointment": booked.pk,
        "service": massage.pk,
        "location": location.pk,
        "therapist": therapist_profile.pk,
        "room": room.pk,
        "client": booked.client_id,
    }


MATRIX = [
    (
        "services",
        "get",
        "/api/v1/services/",
        None,
        {A: 401, C: 200, OC: 200, T: 200, OT: 200, FD: 200, OW: 200},
    ),
    (
        "rooms",
        "get",
        "/api/v1/rooms/",
        None,
        {A: 401, C: 403, OC: 403, T: 200, OT: 200, FD: 200, OW: 200},
    ),
    (
        "slots",
        "get",
        "/api/v1/slots/?service={service}&location={location}&start=2026-06-04&end=2026-06-05",
        None,
        {A: 401, C: 200, OC: 200, T: 200, OT: 200, FD: 200, OW: 200},
    ),
    (
        "appointments",
        "get",
        "/api/v1/appointments/",
        None,
        {A: 401, C: 200, OC: 200, T: 200, OT: 200, FD: 200, OW: 200},
    ),
    (
        "appointment",
        "get",
        "/api/v1/appointments/{appointment}/",
        None,
        {A: 401, C: 200, OC: 404, T: 200, OT: 404, FD: 200, OW: 200},
    ),
    (
        "book",
        "post",
        "/api/v1/appointments/",
        {
            "client": "{client}",
            "service": "{service}",
            "therapist": "{therapist}",
            "location": "{location}",
            "starts_at": "2026-06-04T14:00:00-04:00",
        },
        # another client's id is not one the other client can name: 400 on "client"
        {A: 401, C: 201, OC: 400, T: 403, OT: 403, FD: 201, OW: 201},
    ),
    (
        "notes",
        "patch",
        "/api/v1/appointments/{appointment}/",
        {"front_desk_notes": "Parking"},
        {A: 401, C: 403, OC: 403, T: 403, OT: 403, FD: 200, OW: 200},
    ),
    (
        "confirm",
        "post",
        "/api/v1/appointments/{appointment}/confirm/",
        None,
        {A: 401, C: 403, OC: 403, T: 403, OT: 403, FD: 200, OW: 200},
    ),
    (
        "check in",
        "post",
        "/api/v1/appointments/{appointment}/check-in/",
        None,
        {A: 401, C: 403, OC: 403, T: 403, OT: 403, FD: 200, OW: 200},
    ),
    (
        "complete (before it starts)",
        "post",
        "/api/v1/appointments/{appointment}/complete/",
        None,
        {A: 401, C: 403, OC: 403, T: 409, OT: 404, FD: 409, OW: 409},
    ),
    (
        "no-show (before it starts)",
        "post",
        "/api/v1/appointments/{appointment}/no-show/",
        None,
        {A: 401, C: 403, OC: 403, T: 403, OT: 403, FD: 409, OW: 409},
    ),
    (
        "cancel",
        "post",
        "/api/v1/appointments/{appointment}/cancel/",
        {"reason": "Unwell"},
        {A: 401, C: 200, OC: 404, T: 403, OT: 403, FD: 200, OW: 200},
    ),
    (
        "reschedule",
        "post",
        "/api/v1/appointments/{appointment}/reschedule/",
        {"starts_at": "2026-06-03T14:00:00-04:00"},
        {A: 401, C: 201, OC: 404, T: 403, OT: 403, FD: 201, OW: 201},
    ),
    (
        "day view",
        "get",
        "/api/v1/day/?location={location}&date=2026-06-03",
        None,
        {A: 401, C: 403, OC: 403, T: 403, OT: 403, FD: 200, OW: 200},
    ),
    (
        "overrides",
        "get",
        "/api/v1/availability-overrides/",
        None,
        {A: 401, C: 403, OC: 403, T: 200, OT: 200, FD: 200, OW: 200},
    ),
    (
        "block own time",
        "post",
        "/api/v1/availability-overrides/",
        {"date": "2026-06-05", "kind": "day_off"},
        {A: 401, C: 403, OC: 403, T: 201, OT: 201, FD: 400, OW: 400},
    ),
    (
        "block a therapist's time",
        "post",
        "/api/v1/availability-overrides/",
        {"therapist": "{therapist}", "date": "2026-06-05", "kind": "day_off"},
        {A: 401, C: 403, OC: 403, T: 201, OT: 403, FD: 201, OW: 201},
    ),
    (
        "waitlist",
        "get",
        "/api/v1/waitlist/",
        None,
        {A: 401, C: 200, OC: 200, T: 200, OT: 200, FD: 200, OW: 200},
    ),
    (
        "join waitlist",
        "post",
        "/api/v1/waitlist/",
        {
            "client": "{client}",
            "service": "{service}",
            "location": "{location}",
            "earliest_date": "2026-06-02",
            "latest_date": "2026-06-09",
        },
        {A: 401, C: 201, OC: 400, T: 403, OT: 403, FD: 201, OW: 201},
    ),
    (
        "calendar feed",
        "get",
        "/api/v1/calendar-feed/",
        None,
        {A: 401, C: 403, OC: 403, T: 200, OT: 200, FD: 403, OW: 403},
    ),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("name", "method", "url", "body", "expected"), MATRIX, ids=[row[0] for row in MATRIX]
)
def test_scheduling_permission_matrix(api_as, ids, persona, name, method, url, body, expected):
    body = fill(body, ids)
    response = getattr(api_as(persona), method)(fill(url, ids), body, format="json")
    assert response.status_code == expected[persona], response.content
    if response.status_code >= 400:
        assert response.json()["code"]


def test_slots_are_local_times_with_offsets_and_leave_out_booked_time(
    api_as, booked, massage, location
):
    rows = (
        api_as("front_desk")
        .get(
            f"/api/v1/slots/?service={massage.pk}&location={location.pk}"
            "&start=2026-06-03&end=2026-06-03"
        )
        .json()
    )
    mine = [r["starts_at"] for r in rows if r["therapist"] == booked.therapist_id]
    # 09:00-10:00 would need its own 10-minute buffer up to 10:10: it runs into the booking.
    assert "2026-06-03T09:00:00-04:00" not in mine
    assert "2026-06-03T10:00:00-04:00" not in mine  # booked
    assert "2026-06-03T11:00:00-04:00" not in mine  # inside the booking's buffer
    assert mine[0] == "2026-06-03T11:15:00-04:00"
    first = rows[0]
    assert first["starts_at_utc"] == "2026-06-03T15:15:00Z" and first["room"] is not None


@pytest.mark.parametrize(
    ("zone", "day", "first_utc", "last_local"),
    [
        ("America/New_York", "2026-03-08", "2026-03-08T13:00:00Z", "2026-03-08T16:00:00-04:00"),
        ("America/New_York", "2026-11-01", "2026-11-01T14:00:00Z", "2026-11-01T16:00:00-05:00"),
        ("Europe/Berlin", "2026-03-29", "2026-03-29T07:00:00Z", "2026-03-29T16:00:00+02:00"),
        ("Europe/Berlin", "2026-10-25", "2026-10-25T08:00:00Z", "2026-10-25T16:00:00+01:00"),
    ],
)
def test_slots_on_dst_switch_days(api_as, front_desk, clinic, zone, day, first_utc, last_local):
    place = LocationFactory(clinic=clinic, timezone=zone, name=zone)
    therapist = TherapistFactory(user=UserFactory(clinic=clinic, role="therapist"))
    RoomFactory(location=place)
    weekday_hours(
        therapist,
        place,
        intervals=((time(9), time(17)),),
        weekdays=(6,),
        valid_from=date(2026, 1, 1),
    )
    service = ServiceFactory(
        clinic=clinic, duration_minutes=60, buffer_after_minutes=0, therapists=[therapist]
    )
    clinic.slot_granularity_minutes = 60
    clinic.save()
    with time_machine.travel(ny(2026, 1, 1), tick=False):
        rows = (
            api_as("front_desk")
            .get(f"/api/v1/slots/?service={service.pk}&location={place.pk}&start={day}&end={day}")
            .json()
        )
    assert len(rows) == 8  # 09:00 to 16:00 local: no missing and no phantom hour
    assert rows[0]["starts_at_utc"] == first_utc
    assert rows[-1]["starts_at"] == last_local


def test_bad_slot_queries_name_the_field(api_as, front_desk, massage, location):
    bad = api_as("front_desk").get(
        f"/api/v1/slots/?service={massage.pk}&location={location.pk}&start=2026-06-09"
        "&end=2026-06-01"
    )
    assert bad.status_code == 400 and "end" in bad.json()["fields"]
    missing = api_as("front_desk").get("/api/v1/slots/")
    assert set(missing.json()["fields"]) >= {"service", "location", "start", "end"}


def test_slot_search_costs_the_same_queries_for_more_therapists_and_days(
    api_as, front_desk, clinic, location, massage, room
):
    def count(days: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = api_as("front_desk").get(
                f"/api/v1/slots/?service={massage.pk}&location={location.pk}"
                f"&start=2026-06-02&end=2026-06-{1 + days:02d}"
            )
        assert response.status_code == 200
        return len(ctx.captured_queries)

    few = count(1)
    for _ in range(5):
        extra = TherapistFactory(user=UserFactory(clinic=clinic, role="therapist"))
        weekday_hours(extra, location)
        massage.therapists.add(extra)
    assert count(20) == few


def test_a_client_books_online_and_the_booking_is_theirs(
    api_as, client_record, massage, therapist_profile, location
):
    response = api_as("client").post(
        "/api/v1/appointments/",
        {
            "service": massage.pk,
            "therapist": therapist_profile.pk,
            "location": location.pk,
            "starts_at": "2026-06-04T09:00:00-04:00",
            "front_desk_notes": "sneaky",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["client"] == client_record.pk and "front_desk_notes" not in body
    assert Appointment.objects.get(pk=body["id"]).front_desk_notes == ""


def test_a_taken_slot_is_a_409_that_says_so(api_as, booked, other_client_record, massage, location):
    response = api_as("front_desk").post(
        "/api/v1/appointments/",
        {
            "client": other_client_record.pk,
            "service": massage.pk,
            "therapist": booked.therapist_id,
            "location": location.pk,
            "starts_at": "2026-06-03T10:00:00-04:00",
        },
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "slot_taken"
    assert "taken" in response.json()["message"]


def test_booking_input_errors_name_the_fields(api_as, front_desk, massage, location):
    response = api_as("front_desk").post(
        "/api/v1/appointments/",
        {
            "client": 999999,
            "service": massage.pk,
            "therapist": "x",
            "location": location.pk,
            "starts_at": "next tuesday",
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"client", "therapist", "starts_at"}
    assert Appointment.objects.count() == 0


def test_the_day_view_costs_the_same_queries_for_many_appointments(
    api_as, front_desk, clinic, location, massage, therapist_profile, other_therapist_profile
):
    url = f"/api/v1/day/?location={location.pk}&date=2026-06-03"

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            rows = api_as("front_desk").get(url).json()
        return len(rows), len(ctx.captured_queries)

    RoomFactory(location=location, name="Room 2")
    services.book_appointment(
        client=ClientFactory(clinic=clinic),
        service=massage,
        therapist=therapist_profile,
        location=location,
        starts_at=ny(2026, 6, 3, 9),
        booked_by=front_desk,
    )
    one = count()
    for hour, minute in ((11, 15), (13, 30), (15, 0)):
        for therapist in (therapist_profile, other_therapist_profile):
            services.book_appointment(
                client=ClientFactory(clinic=clinic),
                service=massage,
                therapist=therapist,
                location=location,
                starts_at=ny(2026, 6, 3, hour, minute),
                booked_by=front_desk,
            )
    many = count()
    assert (one[0], many[0]) == (1, 7)
    assert many[1] == one[1]


def test_appointment_list_queries_do_not_grow(
    api_as, front_desk, clinic, location, massage, therapist_profile
):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            api_as("front_desk").get("/api/v1/appointments/?page_size=100")
        return len(ctx.captured_queries)

    services.book_appointment(
        client=ClientFactory(clinic=clinic),
        service=massage,
        therapist=therapist_profile,
        location=location,
        starts_at=ny(2026, 6, 8, 9),
        booked_by=front_desk,
    )
    first = count()
    for day in (9, 10, 11, 12):
        services.book_appointment(
            client=ClientFactory(clinic=clinic),
            service=massage,
            therapist=therapist_profile,
            location=location,
            starts_at=ny(2026, 6, day, 9),
            booked_by=front_desk,
        )
    assert count() == first


def test_the_therapists_calendar_feed_is_valid_icalendar(api_as, booked, therapist, front_desk):
    url = api_as("therapist").get("/api/v1/calendar-feed/").json()["url"]
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    feed = BrowserClient().get(path)
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(feed.content).walk("VEVENT")[0]
    assert str(event["UID"]).startswith(str(booked.ical_uid))
    assert event["DTSTAMP"] and int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == booked.starts_at
    with time_machine.travel(ny(2026, 6, 1, 9), tick=False):
        services.cancel_appointment(appointment=booked, cancelled_by=front_desk, reason="Ill")
    event = Calendar.from_ical(BrowserClient().get(path).content).walk("VEVENT")[0]
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1
    rotated = api_as("therapist").post("/api/v1/calendar-feed/").json()["url"]
    assert rotated != url
    assert BrowserClient().get(path).status_code == 404


def test_the_waitlist_offer_page_books_for_the_first_and_apologises_to_the_second(
    api_as, booked, front_desk, clinic, massage, location
):
    for _ in range(2):
        services.join_waitlist(
            client=ClientFactory(clinic=clinic),
            service=massage,
            location=location,
            earliest_date=ny(2026, 6, 2).date(),
            latest_date=ny(2026, 6, 5).date(),
            created_by=front_desk,
        )
    services.cancel_appointment(appointment=booked, cancelled_by=front_desk, reason="Away")
    links = [
        n.context["offer_url"]
        for n in Notification.objects.filter(template_key="waitlist_offer").order_by("id")
    ]
    paths = ["/" + link.split("://", 1)[1].split("/", 1)[1] for link in links]
    page = BrowserClient().get(paths[0])
    assert page.status_code == 200 and b"Book this time" in page.content
    assert BrowserClient().post(paths[1]).status_code == 200
    gone = BrowserClient().post(paths[0])
    assert gone.status_code == 409 and b"someone was quicker" in gone.content
    assert BrowserClient().get(paths[0][:-4] + "xx/").status_code == 404
    assert Appointment.objects.filter(status="booked", channel="waitlist").count() == 1


def test_a_client_cannot_cancel_inside_the_window_through_the_api(
    api_as, client_record, massage, therapist_profile, location, front_desk
):
    soon = services.book_appointment(
        client=client_record,
        service=massage,
        therapist=therapist_profile,
        location=location,
        starts_at=ny(2026, 6, 1, 15),
        booked_by=front_desk,
    )
    response = api_as("client").post(
        f"/api/v1/appointments/{soon.pk}/cancel/", {"reason": "busy"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "inside_cancellation_window"


def test_the_day_view_shows_intake_status_and_red_flags(
    api_as, clinic, location, massage, therapist_profile, front_desk
):
    flagged, fresh = ClientFactory(clinic=clinic), ClientFactory(clinic=clinic)
    submit_intake(flagged, red_flags=["fever"])
    services.book_appointment(
        client=flagged,
        service=massage,
        therapist=therapist_profile,
        location=location,
        starts_at=ny(2026, 6, 3, 9),
        booked_by=front_desk,
        override_reason="Seen by GP, fever gone",
    )
    services.book_appointment(
        client=fresh,
        service=massage,
        therapist=therapist_profile,
        location=location,
        starts_at=ny(2026, 6, 3, 14),
        booked_by=front_desk,
    )
    rows = api_as("front_desk").get(f"/api/v1/day/?location={location.pk}&date=2026-06-03").json()
    badges = {r["client"]: (r["intake_status"], r["red_flag"]) for r in rows}
    assert badges == {flagged.pk: ("done", True), fresh.pk: ("sent", False)}


def test_a_booking_response_warns_when_the_intake_is_not_done(
    api_as, client_record, massage, therapist_profile, location
):
    response = api_as("front_desk").post(
        "/api/v1/appointments/",
        {
            "client": client_record.pk,
            "service": massage.pk,
            "therapist": therapist_profile.pk,
            "location": location.pk,
            "starts_at": "2026-06-04T09:00:00-04:00",
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["warnings"] == [
        "The intake form is not done yet; the client will get a link to it."
    ]
