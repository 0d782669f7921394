"""Every benchmark in bench/ runs as the README says, at tiny sizes: the
script itself, in its own process, against a database it makes for itself.

On the PostgreSQL pass of CI the slot and homework benchmarks run on
PostgreSQL (their default) and the outbox benchmark runs with its real workers
and redis-server; on the embedded pass the first two run with ``--sqlite``,
and the outbox benchmark, which needs PostgreSQL and redis-server, is skipped.
Figures are printed, never asserted on (tests never assert on time)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from django.db import connection

from tests.support.processes import ROOT

pytestmark = pytest.mark.slow


def _on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _bench(script: str, *args: str) -> str:
    """Run ``.venv/bin/python bench/<script> <args>`` from the checkout; its output."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST", "DJANGO_")) and k not in ("DATABASE_URL", "CLINIC_TEST_NOW")
    }
    result = subprocess.run(
        [sys.executable, f"bench/{script}", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, f"bench/{script} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _where() -> list[str]:
    """PostgreSQL (a database of this run's own) on the PostgreSQL pass, else SQLite."""
    if _on_postgresql():
        return ["--database", f"clinic_bench_smoke_{os.getpid()}"]
    return ["--sqlite"]


def test_the_slot_search_benchmark_runs_at_tiny_sizes():
    out = _bench("slots.py", "--smoke", *_where())
    assert f"database: {connection.vendor}; 2 therapists x 2 days" in out
    assert "one therapist-day" in out and "whole range (2 x 2 days)" in out
    assert "slots 0" not in out  # the search found free time around the bookings


def test_the_homework_reminder_benchmark_runs_at_tiny_sizes():
    out = _bench("homework.py", "--smoke", *_where())
    assert f"database: {connection.vendor}" in out
    assert "10 plans" in out and "second pass over all 10 plans: 0 new rows" in out
    assert "outbox rows: 60 (6.0 per plan)" in out  # Mon, Wed, Fri for 14 days


def test_the_outbox_benchmark_runs_at_tiny_sizes():
    if not (_on_postgresql() and shutil.which("redis-server")):
        if os.environ.get("CLINIC_REQUIRE_SERVICES") == "1":
            pytest.fail("bench/notifications.py needs PostgreSQL and redis-server")
        pytest.skip(
            "bench/notifications.py needs PostgreSQL and redis-server (the CI PostgreSQL pass)"
        )
    out = _bench(
        "notifications.py",
        *("--messages", "20", "--processes", "1"),
        *("--database", f"clinic_bench_smoke_outbox_{os.getpid()}"),
    )
    assert "messages:                    20" in out
    assert "distinct received:           20   duplicate deliveries: 0" in out
