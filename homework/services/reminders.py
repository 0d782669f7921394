"""Reminders: each active plan's next 14 days of sessions become outbox rows
(at the plan's time of day in the client's zone, correct across DST), with
signed links to reply. Idempotent by key: running it again adds nothing.

A reminder lists that day's exercises only (an item with its own days is in
the reminders of those days), and a day with no exercise has no reminder."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import F
from django.utils import timezone

from clinic.notifications import services as notifications
from homework.models import HomeworkPlan, PlanStatus
from homework.schedule import item_days, scheduled_dates, session_instant
from homework.services.links import plan_page_url, reply_token, reply_url

DAYS_AHEAD = 14
REPLY_LINK_DAYS = 21  # a reminder's links work for three weeks


def materialize_reminders(*, now: datetime, plan_ids: list[int] | None = None) -> int:
    """Write the next 14 days of reminders of every active plan (or of the
    given plans) into the outbox; return how many new rows were written.

    Each plan remembers the last day already written for its current schedule
    version, so the daily run only builds the one new day; a changed schedule
    (a new version) starts again from today."""
    plans = (
        HomeworkPlan.objects.filter(status=PlanStatus.ACTIVE)
        .select_related("client__clinic", "therapist__user", "clinic")
        .prefetch_related("items__exercise")
    )
    if plan_ids is not None:
        plans = plans.filter(pk__in=plan_ids)
    messages = []
    written_through: dict[date, list[int]] = defaultdict(list)
    for plan in plans.iterator(chunk_size=500):
        if plan.time_of_day is None:
            continue
        zone = ZoneInfo(plan.zone_name or plan.client.zone_name)
        today = now.astimezone(zone).date()
        last = today + timedelta(days=DAYS_AHEAD - 1)
        first = today
        if plan.reminders_version == plan.schedule_version and plan.reminders_through:
            first = max(today, plan.reminders_through + timedelta(days=1))
        written_through[last].append(plan.pk)
        if first > last:
            continue
        page = plan_page_url(plan)
        items = list(plan.items.all())
        for day in scheduled_dates(plan, first, last):
            when = session_instant(plan, day)
            todays = [
                item.exercise.name
                for item in items
                if day.weekday() in item_days(item.days_of_week, plan.days_of_week)
            ]
            if when <= now or not todays:
                continue
            messages.append(
                notifications.Message(
                    recipient=plan.client,
                    template_key="homework_reminder",
                    context={
                        "plan_id": plan.pk,
                        "date": day.isoformat(),
                        "day_name": f"{day:%A} {day.day} {day:%B}",
                        "therapist": plan.therapist.display_name,
                        "exercises": todays,
                        "plan_url": page,
                        "done_url": reply_url(reply_token(plan, day, "done")),
                        "skipped_url": reply_url(reply_token(plan, day, "skipped")),
                        "pain_url": reply_url(reply_token(plan, day, "pain")),
                    },
                    send_after=when,
                    idempotency_key=f"homework-{plan.pk}-v{plan.schedule_version}-{day.isoformat()}",
                    about=plan,
                )
            )
    created = notifications.enqueue_many(messages)
    for through, ids in written_through.items():
        HomeworkPlan.objects.filter(pk__in=ids).update(
            reminders_through=through, reminders_version=F("schedule_version")
        )
    return created


def materialize_due(*, now: datetime | None = None) -> int:
    """The daily beat task's work: reminders for every active plan."""
    return materialize_reminders(now=now or timezone.now())
