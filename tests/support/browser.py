"""Playwright driving Debian's Chromium (never a downloaded browser).

Without Chromium the browser tests skip, and the run ends with one line saying
so and how to install it (``pytest_terminal_summary`` below; this module is a
plugin registered by tests/conftest.py). ``CLINIC_CHROMIUM`` points at another
binary. With ``CLINIC_REQUIRE_SERVICES=1`` (CI) a missing browser fails."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("CLINIC_CHROMIUM", "/usr/bin/chromium")
INSTALL = "apt-get install chromium"
SKIPPED = f"Chromium not found at {CHROMIUM}"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
# Chromium as root, headless, with nothing reaching out to the network.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> None:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CLINIC_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{SKIPPED} ({INSTALL})")
        pytest.skip(SKIPPED)


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """One line, once per run, when browser tests were skipped for want of Chromium."""
    skipped = terminalreporter.stats.get("skipped", [])
    count = sum(1 for report in skipped if SKIPPED in str(report.longrepr))
    if count:
        terminalreporter.write_line(
            f"Browser tests skipped ({count}): {SKIPPED}; install it with `{INSTALL}`",
            yellow=True,
            bold=True,
        )


@contextmanager
def chromium() -> Iterator[object]:
    require_chromium()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()
