"""Markers for tests that only PostgreSQL can run."""

from __future__ import annotations

import os

import pytest
from django.db import connection

REQUIRED = os.environ.get("CLINIC_REQUIRE_SERVICES") == "1"

# Skipped on the embedded default; with CLINIC_REQUIRE_SERVICES=1 they run,
# and require_postgres() fails them if the database is not PostgreSQL.
needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql" and not REQUIRED,
    reason="PostgreSQL only (SQLite serializes bookings instead)",
)


def require_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.fail("CLINIC_REQUIRE_SERVICES=1 but the database is not PostgreSQL")
