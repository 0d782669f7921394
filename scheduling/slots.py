"""The interval arithmetic of availability and free slots: pure functions, no
database, so they can be property-tested on their own.

Working hours are wall times in a named zone; ``wall_interval`` turns one day's
wall times into UTC instants with zoneinfo, so 09:00-17:00 is eight hours on
an ordinary day and on both DST switch days (the switch happens at night).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True, order=True)
class Interval:
    """A half-open span [start, end) of aware datetimes."""

    start: datetime
    end: datetime

    def overlaps(self, other: Interval) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class WeeklyRule:
    weekday: int  # Monday is 0
    start: time
    end: time
    valid_from: date
    valid_to: date | None = None

    def applies(self, day: date) -> bool:
        return (
            day.weekday() == self.weekday
            and self.valid_from <= day
            and (self.valid_to is None or day <= self.valid_to)
        )


@dataclass(frozen=True)
class DayOverride:
    day: date
    kind: str  # "day_off", "time_off" or "extra_hours"
    start: time | None = None
    end: time | None = None


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, with overlapping or touching intervals joined."""
    out: list[Interval] = []
    for iv in sorted(intervals):
        if iv.end <= iv.start:
            continue
        if out and iv.start <= out[-1].end:
            if iv.end > out[-1].end:
                out[-1] = Interval(out[-1].start, iv.end)
        else:
            out.append(iv)
    return out


def subtract(base: Iterable[Interval], cuts: Iterable[Interval]) -> list[Interval]:
    """What of ``base`` is not covered by any of ``cuts``."""
    result: list[Interval] = []
    cut_list = merge(cuts)
    for iv in merge(base):
        pieces = [iv]
        for cut in cut_list:
            if cut.start >= iv.end:
                break
            next_pieces = []
            for piece in pieces:
                if not piece.overlaps(cut):
                    next_pieces.append(piece)
                    continue
                if piece.start < cut.start:
                    next_pieces.append(Interval(piece.start, cut.start))
                if cut.end < piece.end:
                    next_pieces.append(Interval(cut.end, piece.end))
            pieces = next_pieces
        result.extend(pieces)
    return result


def wall_interval(day: date, start: time, end: time, zone: ZoneInfo) -> Interval:
    """The instants between two wall-clock times of one day in ``zone``."""
    return Interval(
        datetime.combine(day, start, tzinfo=zone).astimezone(UTC),
        datetime.combine(day, end, tzinfo=zone).astimezone(UTC),
    )


def days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def working_intervals(
    *,
    rules: Iterable[WeeklyRule],
    overrides: Iterable[DayOverride],
    closed_days: set[date],
    zone: ZoneInfo,
    first_day: date,
    last_day: date,
) -> list[Interval]:
    """When one therapist works at one location, day by day: the weekly hours
    valid that day, plus extra hours, minus time off; nothing on a day off or
    a closed day."""
    rule_list = list(rules)
    by_day: dict[date, list[DayOverride]] = {}
    for override in overrides:
        by_day.setdefault(override.day, []).append(override)
    out: list[Interval] = []
    for day in days(first_day, last_day):
        todays = by_day.get(day, [])
        if day in closed_days or any(o.kind == "day_off" for o in todays):
            continue
        base = [wall_interval(day, r.start, r.end, zone) for r in rule_list if r.applies(day)]
        base += [
            wall_interval(day, o.start, o.end, zone)
            for o in todays
            if o.kind == "extra_hours" and o.start and o.end
        ]
        off = [
            wall_interval(day, o.start, o.end, zone)
            for o in todays
            if o.kind == "time_off" and o.start and o.end
        ]
        out.extend(subtract(base, off))
    return merge(out)


class BusyTimes:
    """Merged busy intervals with a fast overlap test."""

    def __init__(self, intervals: Iterable[Interval]) -> None:
        self.intervals = merge(intervals)
        self._starts = [iv.start for iv in self.intervals]

    def is_free(self, span: Interval) -> bool:
        # The only busy interval that can overlap is the last one starting before span.end.
        index = bisect_right(self._starts, span.start)
        for candidate in self.intervals[max(0, index - 1) : index + 1]:
            if candidate.overlaps(span):
                return False
        return True


def free_starts(
    *,
    working: Iterable[Interval],
    busy: BusyTimes,
    duration: timedelta,
    buffer_before: timedelta,
    buffer_after: timedelta,
    step: timedelta,
    not_before: datetime,
    not_after: datetime,
) -> list[datetime]:
    """Start times, every ``step`` from the start of each working interval,
    where the visit fits inside working hours and the visit with its buffers
    overlaps nothing busy, between ``not_before`` and ``not_after``."""
    out: list[datetime] = []
    for iv in working:
        start = iv.start
        if start < not_before:  # jump to the first step at or after not_before
            steps = -(-(not_before - start) // step)
            start = start + steps * step
        while start + duration <= iv.end and start <= not_after:
            block = Interval(start - buffer_before, start + duration + buffer_after)
            if busy.is_free(block):
                out.append(start)
            start += step
    return out
