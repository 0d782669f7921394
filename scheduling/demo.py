"""Demo scheduling data for the demo clinic: services, rooms, weekly rotas in
each location's zone, and a few bookings in the coming days. Idempotent: each
piece is looked up by a natural key and created only when missing."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from clinic.core.models import Client, Clinic, Location, Therapist, User
from scheduling import services
from scheduling.errors import SlotNotOffered, SlotTaken
from scheduling.models import Appointment, Room, RoomKind, Service, WeeklyHours
from scheduling.services import booking_blockers

_SERVICES = [
    # name, minutes, price, buffer after, room kind, online
    ("First visit: assessment and treatment", 90, "140.00", 15, RoomKind.TREATMENT, True),
    ("Medical massage", 60, "95.00", 10, RoomKind.TREATMENT, True),
    ("Stretching session", 45, "70.00", 10, RoomKind.STUDIO, True),
    ("Phone follow-up", 20, "0.00", 0, "", False),
]
_ROOMS = {
    "Brooklyn": [
        ("Room A", RoomKind.TREATMENT),
        ("Room B", RoomKind.TREATMENT),
        ("Studio", RoomKind.STUDIO),
    ],
    "Berlin Mitte": [("Raum 1", RoomKind.TREATMENT), ("Studio", RoomKind.STUDIO)],
}
_SPLIT_DAY = ((time(9), time(12, 30)), (time(13, 30), time(17)))


def _next_weekday(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7 or 7)


@transaction.atomic
def seed_scheduling(clinic: Clinic, *, booked_by: User) -> None:
    services_by_name = {}
    therapists = list(Therapist.objects.filter(user__clinic=clinic).select_related("user"))
    for name, minutes, price, after, kind, online in _SERVICES:
        service, created = Service.objects.get_or_create(
            clinic=clinic,
            name=name,
            defaults={
                "duration_minutes": minutes,
                "price": Decimal(price),
                "buffer_after_minutes": after,
                "room_kind": kind,
                "online_bookable": online,
            },
        )
        if created:
            service.therapists.set(therapists)
        services_by_name[name] = service
    for location in Location.objects.filter(clinic=clinic):
        for room_name, kind in _ROOMS.get(location.name, []):
            Room.objects.get_or_create(location=location, name=room_name, defaults={"kind": kind})
        for therapist in location.therapists.all():
            if WeeklyHours.objects.filter(therapist=therapist, location=location).exists():
                continue
            for weekday in range(5):
                for start, end in _SPLIT_DAY:
                    WeeklyHours.objects.create(
                        therapist=therapist,
                        location=location,
                        weekday=weekday,
                        start_time=start,
                        end_time=end,
                        valid_from=date(2026, 1, 1),
                    )
    # A few bookings next week, once (a second run finds them and adds nothing).
    if Appointment.objects.filter(clinic=clinic).exists():
        return
    massage = services_by_name["Medical massage"]
    first = services_by_name["First visit: assessment and treatment"]
    today = timezone.localdate()
    plan = [
        ("daniel.brooks@example.com", "therapist", first, 0, time(10)),
        ("tom.walsh@example.com", "therapist.sam", first, 1, time(10)),
        ("priya.nair@example.com", "therapist", massage, 1, time(14)),
        ("grace.kim@example.com", "therapist.sam", massage, 2, time(9)),
        ("jonas.becker@example.com", "therapist.lena", first, 0, time(11)),
        ("sofia.romano@example.com", "therapist.lena", massage, 3, time(15)),
    ]
    for email, username, service, weekday, at in plan:
        client = Client.objects.filter(clinic=clinic, email=email).first()
        who = next((t for t in therapists if t.user.username == username), None)
        if client is None or who is None:
            continue
        where = who.locations.order_by("name").first()
        if where is None:
            continue
        day = _next_weekday(today, weekday)
        starts_at = datetime.combine(day, at, tzinfo=ZoneInfo(where.timezone))
        try:
            services.book_appointment(
                client=client,
                service=service,
                therapist=who,
                location=where,
                starts_at=starts_at,
                booked_by=booked_by,
                override_reason="Demo data" if booking_blockers(client) else "",
            )
        except (SlotTaken, SlotNotOffered):
            continue
