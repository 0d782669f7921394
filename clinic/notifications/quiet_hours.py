"""Quiet hours: a pure function, so DST days can be tested on their own."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo


def _in_quiet(local: time, start: time, end: time) -> bool:
    if start == end:
        return False  # no quiet hours
    if start < end:  # e.g. 13:00-14:00 the same day
        return start <= local < end
    return local >= start or local < end  # e.g. 21:00-08:00 across midnight


def _wall_time_to_utc(day: datetime, wall: time, zone: ZoneInfo) -> datetime:
    """The instant the clock in ``zone`` shows ``wall`` on ``day``. A wall time
    skipped by a spring-forward change maps (fold=0, PEP 495) to the instant as
    far past the gap as it was into it; a repeated one to its first occurrence."""
    return datetime.combine(day.date(), wall, tzinfo=zone).astimezone(UTC)


def quiet_until(when: datetime, *, zone: str, start: time, end: time) -> datetime | None:
    """When ``when`` falls in the recipient's quiet hours, the first instant
    after them (aware, UTC); otherwise None. Quiet hours are wall times in
    ``zone``, so 21:00-08:00 stays 21:00-08:00 local across a DST change."""
    tz = ZoneInfo(zone)
    local = when.astimezone(tz)
    if not _in_quiet(local.time(), start, end):
        return None
    end_day = local
    if start > end and local.time() >= start:
        end_day = local + timedelta(days=1)
    return _wall_time_to_utc(end_day, end, tz)
