"""When CI says the real services are in use (CLINIC_REQUIRE_SERVICES=1), prove
it: a suite that quietly fell back to SQLite or the file broker must fail."""

from __future__ import annotations

import os

import pytest
from django.db import connection

from clinic.project.celery import app

REQUIRED = os.environ.get("CLINIC_REQUIRE_SERVICES") == "1"
pytestmark = pytest.mark.skipif(not REQUIRED, reason="runs when CI sets CLINIC_REQUIRE_SERVICES=1")


def test_the_database_is_postgresql(db):
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_the_broker_is_a_reachable_redis():
    assert app.conf.broker_url.startswith("redis://")
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=3)
        conn.default_channel.client.ping()
