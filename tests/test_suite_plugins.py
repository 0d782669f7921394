"""The suite's own plugins: CLINIC_TEST_NOW moves every test's clock
(tests/support/clock.py), and a missing Chromium is said once, with how to
install it (tests/support/browser.py). Each runs pytest on a tiny test file
in a subprocess, with only that plugin, as a developer's run would."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import time_machine

from tests.support.processes import ROOT

CLOCK_TESTS = """
import os
from datetime import UTC, datetime, timedelta
import time_machine

EXPECTED = datetime.fromisoformat(os.environ["EXPECTED_NOW"])

def test_the_clock_starts_at_clinic_test_now():
    assert abs(datetime.now(UTC) - EXPECTED) < timedelta(minutes=1)

def test_the_clock_ticks():
    first = datetime.now(UTC)
    while datetime.now(UTC) == first:
        pass

def test_a_test_that_travels_itself_still_does():
    with time_machine.travel(datetime(2026, 6, 1, 12, tzinfo=UTC), tick=False):
        assert datetime.now(UTC) == datetime(2026, 6, 1, 12, tzinfo=UTC)
    assert abs(datetime.now(UTC) - EXPECTED) < timedelta(minutes=1)
"""

BROWSER_TESTS = """
from tests.support.browser import require_chromium

def test_one_page():
    require_chromium()

def test_another_page():
    require_chromium()
"""


def _pytest(tmp_path: Path, tests: str, plugin: str, **env: str) -> subprocess.CompletedProcess:
    (tmp_path / "test_tiny.py").write_text(tests)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST", "DJANGO_"))
        and k not in ("CLINIC_TEST_NOW", "CLINIC_CHROMIUM", "CLINIC_REQUIRE_SERVICES")
    }
    return subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "-q", "-p", plugin, "-p", "no:cacheprovider"),
            *("-p", "no:django", "-c", str(tmp_path / "pytest.ini"), str(tmp_path)),
        ],
        cwd=ROOT,
        env={**clean, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_clinic_test_now_runs_every_test_from_that_instant(tmp_path):
    result = _pytest(
        tmp_path,
        CLOCK_TESTS,
        "tests.support.clock",
        CLINIC_TEST_NOW="2027-03-14T02:30:00-05:00",
        EXPECTED_NOW="2027-03-14T02:30:00-05:00",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout
    assert "every test started at 2027-03-14T02:30:00-05:00 (CLINIC_TEST_NOW)" in result.stdout


def test_without_clinic_test_now_the_clock_is_the_real_one(tmp_path):
    # The real time, even when this very run has CLINIC_TEST_NOW set.
    hatch = time_machine.escape_hatch
    real_now = datetime.fromtimestamp(
        hatch.time.time() if hatch.is_travelling() else time.time(), UTC
    )
    result = _pytest(
        tmp_path, CLOCK_TESTS, "tests.support.clock", EXPECTED_NOW=real_now.isoformat()
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout and "CLINIC_TEST_NOW" not in result.stdout


def test_a_clinic_test_now_without_an_offset_stops_the_run(tmp_path):
    result = _pytest(
        tmp_path,
        CLOCK_TESTS,
        "tests.support.clock",
        CLINIC_TEST_NOW="2027-03-14T02:30:00",
        EXPECTED_NOW="2027-03-14T02:30:00-05:00",
    )
    assert result.returncode == 4  # a usage error, before any test
    assert "has no UTC offset" in result.stderr
    garbled = _pytest(
        tmp_path, CLOCK_TESTS, "tests.support.clock", CLINIC_TEST_NOW="03:30 NY", EXPECTED_NOW=""
    )
    assert garbled.returncode == 4 and "is not an ISO datetime" in garbled.stderr


def test_a_missing_chromium_is_said_once_with_how_to_install_it(tmp_path):
    result = _pytest(
        tmp_path, BROWSER_TESTS, "tests.support.browser", CLINIC_CHROMIUM="/nowhere/chromium"
    )
    assert result.returncode == 0 and "2 skipped" in result.stdout
    said = [line for line in result.stdout.splitlines() if "Browser tests skipped" in line]
    assert said == [
        "Browser tests skipped (2): Chromium not found at /nowhere/chromium; "
        "install it with `apt-get install chromium`"
    ]


def test_with_chromium_present_nothing_is_said(tmp_path):
    present = tmp_path / "chromium"
    present.write_text("#!/bin/sh\n")
    result = _pytest(tmp_path, BROWSER_TESTS, "tests.support.browser", CLINIC_CHROMIUM=str(present))
    assert "2 passed" in result.stdout and "Browser tests skipped" not in result.stdout
