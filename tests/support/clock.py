"""Run the suite at any hour: ``CLINIC_TEST_NOW`` moves every test's clock.

With ``CLINIC_TEST_NOW=2027-03-14T01:30:00-05:00`` (an ISO instant with its
UTC offset) each test starts at that instant, setup and teardown included,
and its clock ticks on from there (``time_machine.travel(..., tick=True)``).
A test that travels itself still does: time-machine nests, and the inner
travel wins until it ends. Unset, nothing changes.

``.ci/run`` runs the tests marked ``clock`` again at 03:30 in New York and on
a DST change day; running the whole suite at a few awkward instants (night in
New York, both DST days, 23:59:59 UTC on a month end, a leap day) finds any
test that still reads the real clock.

Tests that start worker processes (the ``worker_stack`` fixture) keep the real
clock: those processes cannot follow this one's, and a row due "now" here
would be due in a year's time there.

Registered by ``tests/conftest.py`` (``pytest_plugins``).
"""

from __future__ import annotations

import os
from collections.abc import Generator
from datetime import datetime

import pytest
import time_machine

ENV = "CLINIC_TEST_NOW"
REAL_CLOCK_FIXTURES = frozenset({"worker_stack"})


def clock_instant() -> datetime | None:
    """The instant ``CLINIC_TEST_NOW`` names, or None when it is unset.

    Fails loudly on a value that is not an ISO datetime with an offset: a naive
    time would mean a different instant on every machine."""
    raw = os.environ.get(ENV, "").strip()
    if not raw:
        return None
    try:
        instant = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise pytest.UsageError(
            f"{ENV}={raw!r} is not an ISO datetime (e.g. 2027-03-14T01:30:00-05:00)"
        ) from exc
    if instant.utcoffset() is None:
        raise pytest.UsageError(f"{ENV}={raw!r} has no UTC offset; add one (e.g. -05:00 or Z)")
    return instant


def pytest_configure(config: pytest.Config) -> None:
    clock_instant()  # a bad value stops the run before any test


def pytest_report_header(config: pytest.Config) -> str | None:
    instant = clock_instant()
    if instant is None:
        return None
    return f"clock: every test starts at {instant.isoformat()} ({ENV}), ticking"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator:
    instant = clock_instant()
    fixtures = set(getattr(item, "fixturenames", ()))
    if instant is None or fixtures & REAL_CLOCK_FIXTURES:
        return (yield)
    with time_machine.travel(instant, tick=True):
        return (yield)


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    instant = clock_instant()
    if instant is not None:
        terminalreporter.write_line(f"Clock: every test started at {instant.isoformat()} ({ENV}).")
