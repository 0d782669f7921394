from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from clinic.core.errors import Conflict, InvalidInput, NotAllowed
from clinic.notifications.models import Notification
from scheduling import services
from scheduling.errors import (
    BookingNeedsOverride,
    InsideCancellationWindow,
    InvalidTransition,
    SlotNotOffered,
    SlotTaken,
)
from scheduling.models import Appointment, WaitlistOffer
from scheduling.selectors import list_free_slots
from tests.clinic.factories import ClientFactory
from tests.intake.helpers import submit_intake
from tests.scheduling.conftest import ny
from tests.scheduling.factories import RoomFactory

pytestmark = [pytest.mark.usefixtures("frozen_now"), pytest.mark.clock]


def _book(client, service, therapist, location, when, by, **kwargs):
    return services.book_appointment(
        client=client,
        service=service,
        therapist=therapist,
        location=location,
        starts_at=when,
        booked_by=by,
        **kwargs,
    )


def test_booking_holds_the_time_with_buffers_a_room_and_queues_messages(
    client_record, massage, therapist_profile, location, room, front_desk, clinic
):
    appt = _book(
        client_record, massage, therapist_profile, location, ny(2026, 6, 3, 10), front_desk
    )
    assert appt.ends_at - appt.starts_at == timedelta(minutes=60)
    assert appt.block_end - appt.ends_at == timedelta(minutes=10)
    assert appt.room == room and appt.status == "booked" and appt.channel == "front_desk"
    assert therapist_profile in client_record.care_team.all()
    messages = {n.template_key: n for n in Notification.objects.all()}
    confirmation = messages["appointment_confirmation"]
    assert confirmation.attachments[0]["mimetype"] == "text/calendar"
    assert "BEGIN:VEVENT" in confirmation.attachments[0]["content"]
    assert "Wednesday 3 June 2026, 10:00 (EDT)" in confirmation.context["when"]
    reminder = messages["appointment_reminder"]
    assert reminder.send_after == appt.starts_at - timedelta(hours=clinic.reminder_lead_hours)


def test_a_time_outside_working_hours_is_refused(
    client_record, massage, therapist_profile, location, front_desk
):
    with pytest.raises(SlotNotOffered) as lunch:
        _book(
            client_record, massage, therapist_profile, location, ny(2026, 6, 3, 12, 45), front_desk
        )
    assert "starts_at" in lunch.value.fields
    with pytest.raises(SlotNotOffered):  # a Saturday
        _book(client_record, massage, therapist_profile, location, ny(2026, 6, 6, 10), front_desk)
    with pytest.raises(SlotNotOffered):  # 60 minutes do not fit before 12:30
        _book(client_record, massage, therapist_profile, location, ny(2026, 6, 3, 12), front_desk)


def test_a_second_booking_of_the_same_time_is_taken(
    client_record, other_client_record, massage, therapist_profile, location, front_desk
):
    _book(client_record, massage, therapist_profile, location, ny(2026, 6, 3, 10), front_desk)
    with pytest.raises((SlotTaken, SlotNotOffered)):
        _book(
            other_client_record,
            massage,
            therapist_profile,
            location,
            ny(2026, 6, 3, 10, 30),
            front_desk,
        )
    # The buffer after 10:00-11:00 runs to 11:10, so 11:00 is not free but 11:15 is.
    with pytest.raises((SlotTaken, SlotNotOffered)):
        _book(
            other_client_record,
            massage,
            therapist_profile,
            location,
            ny(2026, 6, 3, 11),
            front_desk,
        )
    _book(
        other_client_record,
        massage,
        therapist_profile,
        location,
        ny(2026, 6, 3, 11, 15),
        front_desk,
    )


def test_the_last_free_room_goes_to_the_first_booking(
    client_record,
    other_client_record,
    massage,
    therapist_profile,
    other_therapist_profile,
    location,
    front_desk,
):
    _book(client_record, massage, therapist_profile, location, ny(2026, 6, 3, 10), front_desk)
    # The other therapist is free, but the only room is held: a taken time (409).
    with pytest.raises(SlotTaken):
        _book(
            other_client_record,
            massage,
            other_therapist_profile,
            location,
            ny(2026, 6, 3, 10),
            front_desk,
        )
    RoomFactory(location=location, name="Room 2")
    second = _book(
        other_client_record,
        massage,
        other_therapist_profile,
        location,
        ny(2026, 6, 3, 10),
        front_desk,
    )
    assert second.room.name == "Room 2"


def test_a_client_cannot_be_in_two_places(
    client_record, massage, therapist_profile, other_therapist_profile, location, front_desk
):
    RoomFactory(location=location, name="Room 2")
    _book(client_record, massage, therapist_profile, location, ny(2026, 6, 3, 10), front_desk)
    with pytest.raises(SlotTaken, match="client already has"):
        _book(
            client_record,
            massage,
            other_therapist_profile,
            location,
            ny(2026, 6, 3, 10, 30),
            front_desk,
        )


def test_clients_book_with_notice_within_the_horizon(
    client_record, client, massage, therapist_profile, location, clinic, front_desk
):
    soon = ny(2026, 6, 1, 9)  # an hour from now; the clinic wants two hours' notice
    with pytest.raises(SlotNotOffered):
        _book(client_record, massage, therapist_profile, location, soon, client)
    appt = _book(client_record, massage, therapist_profile, location, soon, front_desk)
    assert appt.channel == "front_desk"
    far = ny(2026, 6, 1, 10) + timedelta(days=clinic.booking_horizon_days + 2)
    with pytest.raises(SlotNotOffered, match="days ahead"):
        _book(client_record, massage, therapist_profile, location, far, client)
    online = _book(client_record, massage, therapist_profile, location, ny(2026, 6, 2, 14), client)
    assert online.channel == "online" and online.created_by == client


def test_clients_cannot_book_front_desk_only_services_or_for_others(
    client_record, other_client_record, client, massage, therapist_profile, location
):
    with pytest.raises(NotAllowed):
        _book(other_client_record, massage, therapist_profile, location, ny(2026, 6, 3, 10), client)
    massage.online_bookable = False
    massage.save()
    with pytest.raises(InvalidInput) as refused:
        _book(client_record, massage, therapist_profile, location, ny(2026, 6, 3, 10), client)
    assert "service" in refused.value.fields


def test_red_flags_need_an_override_reason_from_staff_and_stop_online_booking(
    client_record, client, massage, therapist_profile, location, front_desk
):
    submit_intake(client_record, red_flags=["progressive_leg_weakness"])
    with pytest.raises(BookingNeedsOverride) as needs:
        _book(client_record, massage, therapist_profile, location, ny(2026, 6, 3, 10), front_desk)
    assert "red flags" in needs.value.fields["override_reason"][0]
    with pytest.raises(BookingNeedsOverride):
        _book(client_record, massage, therapist_profile, location, ny(2026, 6, 3, 10), client)
    appt = _book(
        client_record,
        massage,
        therapist_profile,
        location,
        ny(2026, 6, 3, 10),
        front_desk,
        override_reason="Doctor cleared her on 28 May.",
    )
    assert appt.override_reason == "Doctor cleared her on 28 May."


def test_booking_sends_the_intake_link_once_until_it_is_done(
    client_record, other_client_record, massage, therapist_profile, location, front_desk
):
    _book(client_record, massage, therapist_profile, location, ny(2026, 6, 3, 10), front_desk)
    _book(client_record, massage, therapist_profile, location, ny(2026, 6, 4, 10), front_desk)
    assert (
        Notification.objects.filter(template_key="intake_link", client=client_record).count() == 1
    )
    submit_intake(other_client_record)
    sent_before = Notification.objects.filter(template_key="intake_link").count()
    _book(other_client_record, massage, therapist_profile, location, ny(2026, 6, 5, 10), front_desk)
    assert Notification.objects.filter(template_key="intake_link").count() == sent_before


def test_the_lifecycle_moves_forward_only(
    client_record, massage, therapist_profile, location, front_desk, therapist, other_therapist
):
    appt = _book(
        client_record, massage, therapist_profile, location, ny(2026, 6, 3, 10), front_desk
    )
    appt = services.confirm_appointment(appointment=appt, confirmed_by=front_desk)
    with pytest.raises(InvalidTransition):
        services.confirm_appointment(appointment=appt, confirmed_by=front_desk)
    with pytest.raises(InvalidTransition, match="before it starts"):
        services.complete_appointment(appointment=appt, completed_by=front_desk)
    with pytest.raises(InvalidTransition, match="no-show"):
        services.mark_no_show(appointment=appt, marked_by=front_desk)
    with time_machine.travel(ny(2026, 6, 3, 10, 5), tick=False):
        appt = services.check_in_appointment(appointment=appt, checked_in_by=front_desk)
        with pytest.raises(NotAllowed):
            services.complete_appointment(appointment=appt, completed_by=other_therapist)
        appt = services.complete_appointment(appointment=appt, completed_by=therapist)
    assert appt.status == "completed" and appt.sequence == 3
    with pytest.raises(InvalidTransition):
        services.cancel_appointment(appointment=appt, cancelled_by=front_desk, reason="x")


def test_cancelling_cancels_reminders_tells_the_client_and_flags_late(
    client_record, massage, therapist_profile, location, front_desk, client
):
    appt = _book(
        client_record, massage, therapist_profile, location, ny(2026, 6, 3, 10), front_desk
    )
    with pytest.raises(InvalidInput):
        services.cancel_appointment(appointment=appt, cancelled_by=front_desk, reason=" ")
    services.cancel_appointment(appointment=appt, cancelled_by=front_desk, reason="Feeling unwell")
    appt.refresh_from_db()
    assert (appt.status, appt.late_cancellation, appt.sequence) == ("cancelled", False, 1)
    rows = {n.template_key: n.status for n in Notification.objects.all()}
    assert rows["appointment_reminder"] == "cancelled"
    assert rows["appointment_cancelled"] == "pending"
    cancelled = Notification.objects.get(template_key="appointment_cancelled")
    assert "METHOD:CANCEL" in cancelled.attachments[0]["content"]
    assert "STATUS:CANCELLED" in cancelled.attachments[0]["content"]
    # This afternoon is inside the 24-hour window: the client must call; staff flag it late.
    soon = _book(
        client_record, massage, therapist_profile, location, ny(2026, 6, 1, 14), front_desk
    )
    with pytest.raises(InsideCancellationWindow):
        services.cancel_appointment(appointment=soon, cancelled_by=client, reason="Busy")
    services.cancel_appointment(appointment=soon, cancelled_by=front_desk, reason="Busy")
    soon.refresh_from_db()
    assert soon.late_cancellation is True


def test_rescheduling_keeps_history_and_moves_the_reminders(
    client_record, massage, therapist_profile, location, front_desk
):
    old = _book(client_record, massage, therapist_profile, location, ny(2026, 6, 3, 10), front_desk)
    new = services.reschedule_appointment(
        appointment=old, starts_at=ny(2026, 6, 3, 10, 30), rescheduled_by=front_desk
    )
    old.refresh_from_db()
    assert old.status == "cancelled" and old.cancellation_reason == "Rescheduled"
    assert new.rescheduled_from == old and old.rescheduled_to == new
    reminders = Notification.objects.filter(template_key="appointment_reminder")
    assert {(r.about_id, r.status) for r in reminders} == {
        (str(old.pk), "cancelled"),
        (str(new.pk), "pending"),
    }
    assert not Notification.objects.filter(template_key="appointment_cancelled").exists()


def test_a_freed_slot_goes_to_the_first_waitlisted_client_who_takes_it(
    clinic,
    client_record,
    other_client_record,
    massage,
    therapist_profile,
    location,
    front_desk,
    other_client,
):
    third = ClientFactory(clinic=clinic)
    appt = _book(
        client_record, massage, therapist_profile, location, ny(2026, 6, 10, 10), front_desk
    )
    for person in (other_client_record, third):
        services.join_waitlist(
            client=person,
            service=massage,
            location=location,
            earliest_date=ny(2026, 6, 8).date(),
            latest_date=ny(2026, 6, 12).date(),
            created_by=front_desk,
        )
    services.cancel_appointment(appointment=appt, cancelled_by=front_desk, reason="Away")
    offers = list(WaitlistOffer.objects.order_by("id"))
    assert len(offers) == 2
    assert Notification.objects.filter(template_key="waitlist_offer").count() == 2
    first = services.accept_offer(offer=offers[1], accepted_by=None)  # by the link in the e-mail
    assert first.client == third and first.channel == "waitlist" and first.created_by is None
    with pytest.raises(SlotTaken):
        services.accept_offer(offer=offers[0], accepted_by=other_client)
    assert Appointment.objects.filter(status="booked").count() == 1


def test_a_therapist_blocks_their_own_time_but_not_over_appointments(
    client_record,
    massage,
    therapist_profile,
    location,
    front_desk,
    therapist,
    other_therapist_profile,
):
    day = ny(2026, 6, 4).date()
    services.add_availability_override(
        therapist=therapist_profile,
        day=day,
        kind="time_off",
        start_time=ny(2026, 6, 4, 9).time(),
        end_time=ny(2026, 6, 4, 11).time(),
        created_by=therapist,
        reason="Dentist",
    )
    slots = list_free_slots(
        service=massage,
        location=location,
        therapist=therapist_profile,
        start=ny(2026, 6, 4, 0),
        end=ny(2026, 6, 5, 0),
        not_before=ny(2026, 6, 1),
    )
    assert slots[0].starts_at == ny(2026, 6, 4, 11)
    _book(client_record, massage, therapist_profile, location, ny(2026, 6, 5, 10), front_desk)
    with pytest.raises(Conflict, match="10:00"):
        services.add_availability_override(
            therapist=therapist_profile,
            day=ny(2026, 6, 5).date(),
            kind="day_off",
            created_by=therapist,
        )
    with pytest.raises(NotAllowed):
        services.add_availability_override(
            therapist=other_therapist_profile, day=day, kind="day_off", created_by=therapist
        )
    with pytest.raises(NotAllowed):
        services.add_availability_override(
            therapist=therapist_profile,
            day=day,
            kind="extra_hours",
            location=location,
            start_time=ny(2026, 6, 4, 17).time(),
            end_time=ny(2026, 6, 4, 19).time(),
            created_by=therapist,
        )
