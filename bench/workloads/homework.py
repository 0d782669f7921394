"""bench/homework.py's workload: plans for N clients, then their reminders
materialised and timed. Imported by that script once Django is set up."""

from __future__ import annotations

import argparse
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock

from django.db import connection

from clinic.core.models import Client, Clinic, Role, Therapist, User
from clinic.notifications.models import Notification
from homework.models import Exercise, HomeworkPlan, PlanItem, PlanStatus
from homework.services import materialize_reminders


def run(args: argparse.Namespace) -> None:
    clinic = Clinic.objects.create(name="Bench", timezone="America/New_York")
    user = User.objects.create(username="t", role=Role.THERAPIST, clinic=clinic)
    therapist = Therapist.objects.create(user=user)
    zones = ["America/New_York", "Europe/Berlin", "America/Los_Angeles", "Europe/London"]
    clients = Client.objects.bulk_create(
        (
            Client(
                clinic=clinic,
                first_name="C",
                last_name=str(i),
                email=f"c{i}@example.com",
                timezone=zones[i % len(zones)],
            )
            for i in range(args.clients)
        ),
        batch_size=1000,
    )
    start = date(2026, 6, 1)
    plans = HomeworkPlan.objects.bulk_create(
        (
            HomeworkPlan(
                clinic=clinic,
                client=c,
                therapist=therapist,
                status=PlanStatus.ACTIVE,
                days_of_week=[0, 2, 4],
                time_of_day=clock(18),
                zone_name=c.timezone,
                start_date=start,
                end_date=start + timedelta(days=60),
            )
            for c in clients
        ),
        batch_size=1000,
    )
    stretch = Exercise.objects.get(slug="half-kneeling-hip-flexor")
    PlanItem.objects.bulk_create(
        (PlanItem(plan=p, exercise=stretch) for p in plans), batch_size=1000
    )
    now = datetime(2026, 6, 1, 5, tzinfo=UTC)
    print(f"database: {connection.vendor}")
    ids = [p.pk for p in plans]
    done = 0
    for size in (args.clients // 5, args.clients // 2, args.clients):
        batch = ids[done:size]
        t0 = time.perf_counter()
        created = materialize_reminders(now=now, plan_ids=batch)
        seconds = time.perf_counter() - t0
        print(
            f"{size:>6} plans (+{len(batch):>5}): {created:>6} reminders in {seconds:6.2f} s "
            f"({len(batch) / seconds:7.0f} plans/s, {created / seconds:7.0f} rows/s)"
        )
        done = size
    t0 = time.perf_counter()
    again = materialize_reminders(now=now)
    print(
        f"second pass over all {args.clients} plans: {again} new rows in "
        f"{time.perf_counter() - t0:.2f} s"
    )
    t0 = time.perf_counter()
    total = Notification.objects.count()
    print(f"outbox rows: {total} ({total / args.clients:.1f} per plan)")
