"""bench/slots.py's workload: a busy clinic built, then slot search over it
timed. Imported by that script once Django is set up."""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date, datetime, timedelta
from datetime import time as t
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic.core.models import Client, Clinic, Location, Role, Therapist, User
from scheduling.models import Appointment, Room, Service, WeeklyHours
from scheduling.selectors import list_free_slots


def run(args: argparse.Namespace) -> None:
    clinic = Clinic.objects.create(name="Bench", timezone="America/New_York")
    location = Location.objects.create(
        clinic=clinic,
        name="Main",
        address_line1="1 Main St",
        city="New York",
        country="US",
        timezone="America/New_York",
    )
    rooms = [Room.objects.create(location=location, name=f"Room {i}") for i in range(25)]
    therapists = []
    for i in range(args.therapists):
        user = User.objects.create(username=f"t{i}", role=Role.THERAPIST, clinic=clinic)
        therapists.append(Therapist.objects.create(user=user))
    service = Service.objects.create(
        clinic=clinic,
        name="Massage",
        duration_minutes=60,
        buffer_after_minutes=10,
        room_kind="treatment",
    )
    service.therapists.set(therapists)
    WeeklyHours.objects.bulk_create(
        WeeklyHours(
            therapist=th,
            location=location,
            weekday=wd,
            start_time=a,
            end_time=b,
            valid_from=date(2026, 1, 1),
        )
        for th in therapists
        for wd in range(7)
        for a, b in ((t(9), t(12, 30)), (t(13, 30), t(17)))
    )
    zone = ZoneInfo("America/New_York")
    first_day = date(2026, 6, 1)
    rng = random.Random(7)
    creator = User.objects.create(username="desk", role=Role.FRONT_DESK, clinic=clinic)
    # 40 % of the working time: each 3.5-hour half-day holds one 70-minute block
    # (visit + buffer), and one in five holds a second.
    plan = []
    for th_index, th in enumerate(therapists):
        for day_offset in range(args.days):
            day = first_day + timedelta(days=day_offset)
            for half_start in (t(9), t(13, 30)):
                start = datetime.combine(day, half_start, tzinfo=zone)
                offsets = rng.sample([0, 70, 140], 2 if rng.random() < 0.2 else 1)
                for offset in offsets:
                    plan.append((th_index, th, start + timedelta(minutes=offset)))
    clients = Client.objects.bulk_create(
        Client(clinic=clinic, first_name="C", last_name=str(i), email=f"c{i}@example.com")
        for i in range(len(plan))
    )
    booked = [
        Appointment(
            clinic=clinic,
            location=location,
            client=clients[i],
            therapist=th,
            service=service,
            room=rooms[th_index % len(rooms)],
            starts_at=s,
            ends_at=s + timedelta(minutes=60),
            block_start=s,
            block_end=s + timedelta(minutes=70),
            channel="admin",
            created_by=creator,
        )
        for i, (th_index, th, s) in enumerate(plan)
    ]
    Appointment.objects.bulk_create(booked, batch_size=1000)
    worked = args.therapists * args.days * 420
    print(
        f"database: {connection.vendor}; {args.therapists} therapists x {args.days} days; "
        f"{len(booked)} appointments = {len(booked) * 70 / worked:.0%} of working time"
    )

    def measure(label: str, **kwargs) -> None:
        times, queries, found = [], 0, 0
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                slots = list_free_slots(
                    service=service,
                    location=location,
                    not_before=datetime(2026, 1, 1, tzinfo=zone),
                    **kwargs,
                )
                times.append(time.perf_counter() - t0)
            queries, found = len(ctx.captured_queries), len(slots)
        print(
            f"{label:<34} median {statistics.median(times) * 1000:7.1f} ms   "
            f"min {min(times) * 1000:7.1f} ms   queries {queries:3d}   slots {found}"
        )

    day = first_day + timedelta(days=3)
    measure(
        "one therapist-day",
        therapist=therapists[0],
        start=datetime.combine(day, t(0), tzinfo=zone),
        end=datetime.combine(day + timedelta(days=1), t(0), tzinfo=zone),
    )
    measure(
        f"whole range ({args.therapists} x {args.days} days)",
        start=datetime.combine(first_day, t(0), tzinfo=zone),
        end=datetime.combine(first_day + timedelta(days=args.days), t(0), tzinfo=zone),
    )
