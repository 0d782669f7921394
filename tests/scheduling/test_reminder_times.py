"""A visit's reminder and DST: a lead of whole days keeps the wall time (the
day before at the visit's local time), so across a change it is 23 or 25 real
hours ahead; any other lead is an exact duration. Both 2027 change days, in
New York (14 March, 7 November) and Berlin (28 March, 31 October)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from clinic.notifications.models import Notification
from scheduling import services
from scheduling.services.messages import reminder_time
from tests.clinic.factories import LocationFactory
from tests.scheduling.factories import RoomFactory, ServiceFactory, weekday_hours

pytestmark = pytest.mark.clock

NY = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
EVERY_DAY = (0, 1, 2, 3, 4, 5, 6)

# (zone, the visit's local time, lead in hours, real hours between reminder and visit)
CASES = [
    # New York springs forward on Sunday 14 March 2027 at 02:00.
    pytest.param(NY, datetime(2027, 3, 14, 10), 24, 23, id="new-york-march-24h"),
    pytest.param(NY, datetime(2027, 3, 15, 10), 48, 47, id="new-york-march-48h"),
    pytest.param(NY, datetime(2027, 3, 15, 10), 24, 24, id="new-york-march-after-24h"),
    # ... and falls back on Sunday 7 November 2027 at 02:00.
    pytest.param(NY, datetime(2027, 11, 7, 10), 24, 25, id="new-york-november-24h"),
    pytest.param(NY, datetime(2027, 11, 8, 10), 48, 49, id="new-york-november-48h"),
    # Berlin springs forward on Sunday 28 March 2027 at 02:00 ...
    pytest.param(BERLIN, datetime(2027, 3, 28, 10), 24, 23, id="berlin-march-24h"),
    pytest.param(BERLIN, datetime(2027, 3, 29, 10), 48, 47, id="berlin-march-48h"),
    # ... and falls back on Sunday 31 October 2027 at 03:00.
    pytest.param(BERLIN, datetime(2027, 10, 31, 10), 24, 25, id="berlin-october-24h"),
    pytest.param(BERLIN, datetime(2027, 11, 1, 10), 48, 49, id="berlin-october-48h"),
]


@pytest.mark.parametrize(("zone", "visit", "lead", "real_hours"), CASES)
def test_a_reminder_of_whole_days_keeps_its_wall_time_across_dst(zone, visit, lead, real_hours):
    starts_at = visit.replace(tzinfo=zone).astimezone(UTC)
    remind_at = reminder_time(starts_at=starts_at, lead_hours=lead, zone=zone)
    local = remind_at.astimezone(zone)
    assert (local.date(), local.hour, local.minute) == (
        visit.date() - timedelta(days=lead // 24),
        10,
        0,
    )
    assert starts_at - remind_at == timedelta(hours=real_hours)


@pytest.mark.parametrize(
    ("zone", "visit"),
    [
        (NY, datetime(2027, 3, 15, 10)),
        (NY, datetime(2027, 11, 8, 10)),
        (BERLIN, datetime(2027, 3, 29, 10)),
    ],
)
@pytest.mark.parametrize("lead", [3, 36])
def test_a_lead_that_is_not_whole_days_stays_an_exact_duration(zone, visit, lead):
    starts_at = visit.replace(tzinfo=zone).astimezone(UTC)
    assert reminder_time(starts_at=starts_at, lead_hours=lead, zone=zone) == starts_at - timedelta(
        hours=lead
    )


def test_a_visit_just_after_a_skipped_hour_reminds_at_the_same_clock_reading_or_the_next():
    # 02:30 on 14 March 2027 does not exist in New York: the reminder for a
    # 02:30 visit on the 15th goes when clocks show 03:30 (the same instant as
    # "02:30 standard time"), never before midnight or a day early.
    starts_at = datetime(2027, 3, 15, 2, 30, tzinfo=NY)
    remind_at = reminder_time(starts_at=starts_at, lead_hours=24, zone=NY).astimezone(NY)
    assert (remind_at.date().isoformat(), remind_at.hour, remind_at.minute) == (
        "2027-03-14",
        3,
        30,
    )


@pytest.mark.parametrize(("zone", "visit", "lead", "real_hours"), CASES)
def test_booking_queues_the_reminder_at_the_same_wall_time(
    zone, visit, lead, real_hours, clinic, client_record, therapist_profile, front_desk
):
    clinic.reminder_lead_hours = lead
    clinic.save(update_fields=["reminder_lead_hours"])
    where = LocationFactory(clinic=clinic, name="Here", timezone=str(zone))
    therapist_profile.locations.add(where)
    RoomFactory(location=where, name="Room A")
    weekday_hours(therapist_profile, where, weekdays=EVERY_DAY)
    massage = ServiceFactory(clinic=clinic, therapists=[therapist_profile])
    starts_at = visit.replace(tzinfo=zone)
    # Booked a week before, in the middle of the night in the clinic's zone.
    with time_machine.travel(starts_at - timedelta(days=7, hours=8), tick=False):
        appointment = services.book_appointment(
            client=client_record,
            service=massage,
            therapist=therapist_profile,
            location=where,
            starts_at=starts_at,
            booked_by=front_desk,
        )
    reminder = Notification.objects.get(template_key="appointment_reminder")
    assert appointment.starts_at - reminder.send_after == timedelta(hours=real_hours)
    local = reminder.send_after.astimezone(zone)
    assert (local.hour, local.minute) == (10, 0)
    assert local.date() == visit.date() - timedelta(days=lead // 24)
