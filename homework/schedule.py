"""When a plan's sessions fall: pure date arithmetic on a plan's days of the
week, start and end, time of day and zone (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from homework.models import HomeworkPlan


def default_days(per_week: int) -> list[int]:
    """Weekdays (0 = Monday) spread over the week for N sessions a week."""
    spreads = {
        1: [2],
        2: [1, 4],
        3: [0, 2, 4],
        4: [0, 1, 3, 4],
        5: [0, 1, 2, 3, 4],
        6: [0, 1, 2, 3, 4, 5],
    }
    return spreads.get(per_week, list(range(7)))


def scheduled_dates(plan: HomeworkPlan, first: date, last: date) -> list[date]:
    """The plan's session dates between two dates (inclusive)."""
    if not plan.days_of_week or plan.start_date is None:
        return []
    start = max(first, plan.start_date)
    end = min(last, plan.end_date) if plan.end_date else last
    out = []
    day = start
    while day <= end:
        if day.weekday() in plan.days_of_week:
            out.append(day)
        day += timedelta(days=1)
    return out


def session_instant(plan: HomeworkPlan, day: date) -> datetime:
    """The plan's time of day on ``day`` in the client's zone, as UTC."""
    assert plan.time_of_day is not None
    zone = ZoneInfo(plan.zone_name or plan.client.zone_name)
    return datetime.combine(day, plan.time_of_day, tzinfo=zone).astimezone(UTC)
