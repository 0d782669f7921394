"""When a plan's sessions fall: date arithmetic on a plan's days of the week
(and its items' own days), start and end, time of day and zone.

How many sessions a week and which days agree: a profile's sessions per week
gives the plan's starting days (``DAYS_FOR_SESSIONS``), and the frequency a
plan states is the number of days it is done on."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from homework.models import HomeworkPlan

# Sessions a week -> weekdays (0 = Monday), spread with rest days between.
DAYS_FOR_SESSIONS: dict[int, list[int]] = {
    1: [2],  # Wednesday
    2: [1, 4],  # Tuesday, Friday
    3: [0, 2, 4],  # Monday, Wednesday, Friday
    4: [0, 1, 3, 4],  # Monday, Tuesday, Thursday, Friday
    5: [0, 1, 2, 3, 4],  # Monday to Friday
    6: [0, 1, 2, 3, 4, 5],  # Monday to Saturday
    7: [0, 1, 2, 3, 4, 5, 6],  # every day
}
DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def default_days(per_week: int) -> list[int]:
    """Weekdays (0 = Monday) spread over the week for N sessions a week (more
    than seven a week, as for twice a day, is every day)."""
    return list(DAYS_FOR_SESSIONS.get(max(1, min(per_week, 7)), range(7)))


def item_days(own: list[int] | None, plan_days: list[int]) -> list[int]:
    """An item's days: its own, else the plan's."""
    return sorted(own) if own else sorted(plan_days)


def session_days(plan: HomeworkPlan) -> list[int]:
    """The weekdays with at least one exercise: every item's days together
    (the plan's days while it has no items)."""
    items = list(plan.items.all()) if plan.pk else []
    if not items:
        return sorted(plan.days_of_week)
    days: set[int] = set()
    for item in items:
        days.update(item_days(item.days_of_week, plan.days_of_week))
    return sorted(days)


def days_in_words(days: Iterable[int]) -> str:
    """E.g. "Monday, Wednesday and Friday", "every day"."""
    names = [DAY_NAMES[d] for d in sorted(set(days))]
    if len(names) == 7:
        return "every day"
    if names == DAY_NAMES[:5]:
        return "Monday to Friday"
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def scheduled_dates(
    plan: HomeworkPlan, first: date, last: date, *, days: Iterable[int] | None = None
) -> list[date]:
    """The plan's session dates between two dates (inclusive): days with at
    least one exercise, or the given weekdays."""
    weekdays = set(session_days(plan) if days is None else days)
    if not weekdays or plan.start_date is None:
        return []
    start = max(first, plan.start_date)
    end = min(last, plan.end_date) if plan.end_date else last
    out = []
    day = start
    while day <= end:
        if day.weekday() in weekdays:
            out.append(day)
        day += timedelta(days=1)
    return out


def session_instant(plan: HomeworkPlan, day: date) -> datetime:
    """The plan's time of day on ``day`` in the client's zone, as UTC."""
    assert plan.time_of_day is not None
    zone = ZoneInfo(plan.zone_name or plan.client.zone_name)
    return datetime.combine(day, plan.time_of_day, tzinfo=zone).astimezone(UTC)
