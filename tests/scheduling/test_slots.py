"""The pure interval arithmetic, including DST days and property tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduling.slots import (
    BusyTimes,
    DayOverride,
    Interval,
    WeeklyRule,
    free_starts,
    merge,
    subtract,
    wall_interval,
    working_intervals,
)

NY, BERLIN = ZoneInfo("America/New_York"), ZoneInfo("Europe/Berlin")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "day", "start_utc", "end_utc"),
    [
        # New York: EST (UTC-5) before 8 March 2026, EDT (UTC-4) from then.
        (NY, date(2026, 3, 7), utc(2026, 3, 7, 14), utc(2026, 3, 7, 22)),
        (NY, date(2026, 3, 8), utc(2026, 3, 8, 13), utc(2026, 3, 8, 21)),
        (NY, date(2026, 11, 1), utc(2026, 11, 1, 14), utc(2026, 11, 1, 22)),
        (NY, date(2026, 10, 31), utc(2026, 10, 31, 13), utc(2026, 10, 31, 21)),
        # Berlin: CET (UTC+1) and CEST (UTC+2); switches on 29 March and 25 October.
        (BERLIN, date(2026, 3, 28), utc(2026, 3, 28, 8), utc(2026, 3, 28, 16)),
        (BERLIN, date(2026, 3, 29), utc(2026, 3, 29, 7), utc(2026, 3, 29, 15)),
        (BERLIN, date(2026, 10, 25), utc(2026, 10, 25, 8), utc(2026, 10, 25, 16)),
    ],
)
@pytest.mark.clock
def test_nine_to_five_is_eight_real_hours_even_on_switch_days(zone, day, start_utc, end_utc):
    iv = wall_interval(day, time(9), time(17), zone)
    assert (iv.start, iv.end) == (start_utc, end_utc)
    assert iv.end - iv.start == timedelta(hours=8)


@pytest.mark.parametrize(
    ("zone", "day"),
    [
        (NY, date(2026, 3, 8)),
        (NY, date(2026, 11, 1)),
        (BERLIN, date(2026, 3, 29)),
        (BERLIN, date(2026, 10, 25)),
    ],
)
@pytest.mark.clock
def test_switch_day_slots_have_no_missing_or_phantom_hour(zone, day):
    rule = WeeklyRule(day.weekday(), time(9), time(17), date(2026, 1, 1))
    working = working_intervals(
        rules=[rule], overrides=[], closed_days=set(), zone=zone, first_day=day, last_day=day
    )
    starts = free_starts(
        working=working,
        busy=BusyTimes([]),
        duration=timedelta(hours=1),
        buffer_before=timedelta(0),
        buffer_after=timedelta(0),
        step=timedelta(hours=1),
        not_before=utc(2000, 1, 1),
        not_after=utc(2100, 1, 1),
    )
    local = [s.astimezone(zone).strftime("%H:%M") for s in starts]
    assert local == ["09:00", "10:00", "11:00", "12:00", "13:00", "14:00", "15:00", "16:00"]


def test_split_days_overrides_and_closures():
    monday = date(2026, 6, 1)
    rules = [
        WeeklyRule(0, time(9), time(12, 30), date(2026, 1, 1)),
        WeeklyRule(0, time(13, 30), time(17), date(2026, 1, 1)),
    ]
    overrides = [
        DayOverride(monday, "time_off", time(10), time(11)),
        DayOverride(monday, "extra_hours", time(17), time(19)),
        DayOverride(date(2026, 6, 8), "day_off"),
    ]
    working = working_intervals(
        rules=rules,
        overrides=overrides,
        closed_days={date(2026, 6, 15)},
        zone=BERLIN,
        first_day=monday,
        last_day=date(2026, 6, 22),
    )
    as_local = [(iv.start.astimezone(BERLIN), iv.end.astimezone(BERLIN)) for iv in working]
    assert [(a.strftime("%d %H:%M"), b.strftime("%d %H:%M")) for a, b in as_local] == [
        ("01 09:00", "01 10:00"),
        ("01 11:00", "01 12:30"),
        ("01 13:30", "01 19:00"),
        ("22 09:00", "22 12:30"),
        ("22 13:30", "22 17:00"),
    ]


def test_a_rota_starts_and_ends_on_its_dates():
    rules = [WeeklyRule(0, time(9), time(10), date(2026, 6, 8), date(2026, 6, 15))]
    working = working_intervals(
        rules=rules,
        overrides=[],
        closed_days=set(),
        zone=NY,
        first_day=date(2026, 6, 1),
        last_day=date(2026, 6, 29),
    )
    assert [iv.start.astimezone(NY).day for iv in working] == [8, 15]


def test_buffers_keep_the_gap_around_other_visits():
    working = [Interval(utc(2026, 6, 1, 9), utc(2026, 6, 1, 13))]
    busy = BusyTimes([Interval(utc(2026, 6, 1, 10, 50), utc(2026, 6, 1, 12))])  # with buffers
    starts = free_starts(
        working=working,
        busy=busy,
        duration=timedelta(minutes=60),
        buffer_before=timedelta(minutes=10),
        buffer_after=timedelta(minutes=10),
        step=timedelta(minutes=15),
        not_before=utc(2026, 6, 1),
        not_after=utc(2026, 6, 2),
    )
    # 09:30 + 60 min + 10 min buffer = 10:40, clear of 10:50; after the busy
    # block the next start whose visit ends by 13:00 would be 12:00, but its
    # buffer before (11:50) touches the block.
    assert [s.strftime("%H:%M") for s in starts] == ["09:00", "09:15", "09:30"]


@pytest.mark.clock
def test_notice_and_horizon_cut_the_list():
    working = [Interval(utc(2026, 6, 1, 9), utc(2026, 6, 1, 12))]
    starts = free_starts(
        working=working,
        busy=BusyTimes([]),
        duration=timedelta(minutes=30),
        buffer_before=timedelta(0),
        buffer_after=timedelta(0),
        step=timedelta(minutes=30),
        not_before=utc(2026, 6, 1, 9, 40),
        not_after=utc(2026, 6, 1, 11),
    )
    assert [s.strftime("%H:%M") for s in starts] == ["10:00", "10:30", "11:00"]


# --- properties ------------------------------------------------------------------

BASE = utc(2026, 6, 1)
minutes = st.integers(min_value=0, max_value=24 * 60)


@st.composite
def intervals(draw, max_size=6):
    out = []
    for _ in range(draw(st.integers(0, max_size))):
        a, length = draw(minutes), draw(st.integers(1, 300))
        out.append(Interval(BASE + timedelta(minutes=a), BASE + timedelta(minutes=a + length)))
    return out


def _covered(ivs, t):
    return any(iv.start <= t < iv.end for iv in ivs)


@given(intervals(), intervals(), st.integers(0, 24 * 60 + 300))
def test_subtract_is_set_difference(base, cuts, probe):
    t = BASE + timedelta(minutes=probe)
    assert _covered(subtract(base, cuts), t) == (_covered(base, t) and not _covered(cuts, t))


@given(intervals())
def test_merge_keeps_coverage_and_leaves_no_overlaps(ivs):
    merged = merge(ivs)
    for a, b in pairwise(merged):
        assert a.end < b.start
    for m in range(0, 24 * 60 + 300, 7):
        t = BASE + timedelta(minutes=m)
        assert _covered(merged, t) == _covered(ivs, t)


@settings(max_examples=200)
@given(
    working=intervals(max_size=3),
    busy=intervals(max_size=5),
    duration=st.integers(5, 120),
    before=st.integers(0, 30),
    after=st.integers(0, 30),
    step=st.sampled_from([5, 10, 15, 30]),
    notice=st.integers(0, 600),
)
def test_free_starts_are_exactly_the_fitting_starts(
    working, busy, duration, before, after, step, notice
):
    working = merge(working)
    d, bb, ba, s = (timedelta(minutes=x) for x in (duration, before, after, step))
    not_before, not_after = BASE + timedelta(minutes=notice), BASE + timedelta(days=2)
    got = free_starts(
        working=working,
        busy=BusyTimes(busy),
        duration=d,
        buffer_before=bb,
        buffer_after=ba,
        step=s,
        not_before=not_before,
        not_after=not_after,
    )
    # Brute force: every aligned start of every working interval, checked directly.
    expected = []
    for iv in working:
        t = iv.start
        while t + d <= iv.end:
            block = Interval(t - bb, t + d + ba)
            if not_before <= t <= not_after and not any(block.overlaps(b) for b in busy):
                expected.append(t)
            t += s
    assert got == expected
