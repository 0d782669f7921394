"""A lost race is always a 409 ``slot_taken``; a time that was never bookable
is a 400 ``slot_not_available``. What decides is whether the start would be
offered on an empty calendar: if it would, someone holds it (the therapist,
the room or the client), and the caller should simply choose another time.
The race itself, on PostgreSQL, is in test_concurrent_client_race.py."""

from __future__ import annotations

import pytest

from scheduling import services
from scheduling.errors import SlotNotOffered, SlotTaken
from scheduling.models import Appointment
from scheduling.services.booking import CLIENT_BUSY
from tests.scheduling.conftest import ny
from tests.scheduling.factories import RoomFactory


def _book(client, service, therapist, location, when, by):
    return services.book_appointment(
        client=client,
        service=service,
        therapist=therapist,
        location=location,
        starts_at=when,
        booked_by=by,
    )


@pytest.mark.usefixtures("frozen_now")
def test_a_client_booked_with_one_therapist_gets_409_from_the_other_when_the_room_is_gone(
    client_record, massage, therapist_profile, other_therapist_profile, location, front_desk
):
    # One treatment room: the first booking holds it, so the slot search no longer
    # offers 10:00 with the other therapist. Before, that read as "never bookable".
    _book(client_record, massage, therapist_profile, location, ny(2026, 6, 3, 10), front_desk)
    with pytest.raises(SlotTaken) as taken:
        _book(
            client_record,
            massage,
            other_therapist_profile,
            location,
            ny(2026, 6, 3, 10),
            front_desk,
        )
    assert taken.value.message == CLIENT_BUSY
    assert Appointment.objects.count() == 1


@pytest.mark.usefixtures("frozen_now")
def test_a_client_booked_with_one_therapist_gets_409_from_the_other_when_rooms_are_free(
    client_record, massage, therapist_profile, other_therapist_profile, location, front_desk
):
    RoomFactory(location=location, name="Room 2")
    _book(client_record, massage, therapist_profile, location, ny(2026, 6, 3, 10), front_desk)
    with pytest.raises(SlotTaken) as taken:
        _book(
            client_record,
            massage,
            other_therapist_profile,
            location,
            ny(2026, 6, 3, 10, 30),
            front_desk,
        )
    assert taken.value.message == CLIENT_BUSY


@pytest.mark.usefixtures("frozen_now")
def test_a_time_that_was_never_bookable_stays_400_even_when_the_room_is_held(
    client_record,
    other_client_record,
    massage,
    therapist_profile,
    other_therapist_profile,
    location,
    front_desk,
):
    _book(client_record, massage, therapist_profile, location, ny(2026, 6, 3, 10), front_desk)
    # 10:05 is off the clinic's 15-minute grid; 12:45 is the lunch break. Both
    # overlap the held room, and neither was ever on offer.
    for when in (ny(2026, 6, 3, 10, 5), ny(2026, 6, 3, 12, 45)):
        with pytest.raises(SlotNotOffered):
            _book(other_client_record, massage, other_therapist_profile, location, when, front_desk)


@pytest.mark.usefixtures("frozen_now")
def test_the_api_answers_the_lost_client_race_with_409_slot_taken(
    api_as,
    client_record,
    massage,
    therapist_profile,
    other_therapist_profile,
    location,
    front_desk,
):
    _book(client_record, massage, therapist_profile, location, ny(2026, 6, 3, 10), front_desk)
    response = api_as("front_desk").post(
        "/api/v1/appointments/",
        {
            "client": client_record.pk,
            "service": massage.pk,
            "therapist": other_therapist_profile.pk,
            "location": location.pk,
            "starts_at": "2026-06-03T10:00:00-04:00",
        },
        format="json",
    )
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "slot_taken"
    assert response.json()["message"] == CLIENT_BUSY
