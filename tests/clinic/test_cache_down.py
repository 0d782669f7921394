"""With the cache on a Redis that cannot be reached, signing in and every page
keep working: rate limits fall back to a cache in this process (and still
limit), the lockout counts in the database, the failure is logged once per
interval, and /healthz says the cache is down without taking the instance out.

No mocks: the cache is the real FailOpenRedisCache pointed at a loopback port
where nothing listens, or at a redis-server of the test's own."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import redis
import time_machine
from django.core.cache import caches
from kombu import Connection

from clinic.core.cache import FailOpenRedisCache
from clinic.core.models import ApiToken
from clinic.project.celery import app
from tests.clinic.auth_helpers import NOW, api_sign_in, browser, page_sign_in, token_client
from tests.clinic.factories import PASSWORD
from tests.support.processes import RedisServer, free_port

ROOT = Path(__file__).resolve().parents[2]
CLOSED_PORT = "redis://127.0.0.1:1/0"


def redis_cache(url: str, retry_seconds: float = 30.0) -> dict[str, object]:
    return {
        "default": {
            "BACKEND": "clinic.core.cache.FailOpenRedisCache",
            "LOCATION": url,
            "OPTIONS": {"RETRY_SECONDS": retry_seconds},
        }
    }


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def cache_down(settings) -> str:
    """The cache on a loopback port where nothing listens (a port of its own
    per test: the breaker is per Redis address and per process)."""
    url = f"redis://127.0.0.1:{free_port()}/0"
    settings.CACHES = redis_cache(url)  # the settings fixture puts CACHES back afterwards
    assert isinstance(caches["default"], FailOpenRedisCache)
    return url


def cache_warnings(caplog) -> list[logging.LogRecord]:
    return [
        r for r in caplog.records if r.name == "clinic.core.cache" and r.levelno == logging.WARNING
    ]


def test_signing_in_through_the_api_works_while_redis_is_down(cache_down, api, front_desk):
    response = api_sign_in(api, "frontdesk")
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    me = token_client(token).get("/api/v1/me/")
    assert me.status_code == 200 and me.json()["username"] == "frontdesk"


def test_the_sign_in_throttle_still_counts_in_this_process(clock, cache_down, api, db):
    statuses = [api_sign_in(api, f"guess{n}", "wrong").status_code for n in range(25)]
    assert statuses[:20] == [400] * 20
    assert statuses[20:] == [429] * 5


def test_the_lockout_still_locks_out(cache_down, api, front_desk, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api_sign_in(api, "frontdesk", "wrong")
    locked = api_sign_in(api, "frontdesk")
    assert locked.status_code == 429 and locked.json()["code"] == "locked_out"


def test_pages_and_the_admin_work_while_redis_is_down(cache_down, front_desk):
    page = browser()
    assert page.get("/accounts/login/").status_code == 200
    assert page_sign_in(page, "frontdesk", next_url="/admin/")["Location"] == "/admin/"
    assert page.get("/admin/").status_code == 200
    assert page.get("/", follow=True).status_code == 200  # the workspace


def test_the_failure_is_logged_once_per_interval(cache_down, api, front_desk, caplog):
    caplog.set_level(logging.WARNING, logger="clinic.core.cache")
    for _ in range(10):
        assert api_sign_in(api, "frontdesk").status_code == 200
    warnings = cache_warnings(caplog)
    assert len(warnings) == 1
    assert cache_down.removeprefix("redis://").removesuffix("/0") in warnings[0].getMessage()
    assert "local cache" in warnings[0].getMessage()


def test_healthz_says_degraded_but_serving_when_only_the_cache_is_down(cache_down, api, db):
    response = api.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["database"]["ok"] and body["checks"]["broker"]["ok"]


def test_healthz_is_503_when_the_broker_is_down_as_well(cache_down, api, db, monkeypatch):
    # As in test_health_docs_atlas: a real connection attempt to a closed port.
    monkeypatch.setattr(app, "connection_for_write", lambda: Connection(CLOSED_PORT))
    response = api.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


def test_healthz_says_ok_with_the_local_cache(api, db):
    body = api.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["checks"]["cache"]["ok"] is True


def test_a_redis_cache_url_gets_the_fail_open_cache():
    env = {**os.environ, "CACHE_URL": "redis://:secret@127.0.0.1:6390/3", "DJANGO_ENV": "test"}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
            "'clinic.project.settings'); django.setup(); "
            "from django.conf import settings; print(settings.CACHES['default']['BACKEND']); "
            "print(settings.SESSION_ENGINE); print(settings.AXES_HANDLER)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "clinic.core.cache.FailOpenRedisCache",
        "django.contrib.sessions.backends.db",
        "axes.handlers.database.AxesDatabaseHandler",
    ]


def test_the_log_never_shows_the_redis_password(caplog):
    backend = FailOpenRedisCache("redis://:hunter2@127.0.0.1:1/0", {})
    caplog.set_level(logging.WARNING, logger="clinic.core.cache")
    assert backend.get("anything", "fallback") == "fallback"
    assert backend.add("k", 1) is True and backend.incr("k") == 2
    assert "hunter2" not in caplog.text and "127.0.0.1:1" in caplog.text


@pytest.mark.slow
def test_redis_is_used_again_once_it_is_back(tmp_path, settings, api, front_desk, caplog):
    if shutil.which("redis-server") is None:
        if os.environ.get("CLINIC_REQUIRE_SERVICES") == "1":
            pytest.fail("redis-server is needed for this test")
        pytest.skip("needs redis-server on PATH")
    server = RedisServer(tmp_path)
    server.start()
    try:
        settings.CACHES = redis_cache(server.url, retry_seconds=0)
        direct = redis.Redis.from_url(server.url)
        assert api_sign_in(api, "frontdesk").status_code == 200
        assert any(b"throttle_login" in key for key in direct.scan_iter())  # counted in Redis

        server.stop()
        caplog.set_level(logging.INFO, logger="clinic.core.cache")
        assert api_sign_in(api, "frontdesk").status_code == 200
        assert api.get("/healthz").json()["status"] == "degraded"

        server.start()
        direct.flushdb()
        assert api_sign_in(api, "frontdesk").status_code == 200
        assert any(b"throttle_login" in key for key in direct.scan_iter())
        assert "answers again" in caplog.text
        assert api.get("/healthz").json()["status"] == "ok"
        assert ApiToken.objects.count() == 3
    finally:
        server.stop()


def test_sign_in_on_the_page_with_the_password_works_while_redis_is_down(cache_down, therapist):
    page = browser()
    response = page.post("/accounts/login/", {"username": "therapist", "password": PASSWORD})
    assert response.status_code == 302
