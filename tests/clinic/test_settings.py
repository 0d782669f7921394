"""Production settings fail loudly when a required value is missing, and pass
Django's deployment checklist when they are all given."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k3Jf9!sd0a-Lq2mZ8xYc7#pR4tV1wN6bE5hG0uI9oP3aS2dF8gH7jK6lQ4zX",
    "ALLOWED_HOSTS": "clinic.example.com",
    "DATABASE_URL": "postgres://clinic:secret@db.internal:5432/clinic",
    "CELERY_BROKER_URL": "redis://cache.internal:6379/0",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    leave_out = {*PRODUCTION_ENV, "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "EMAIL_URL", "CACHE_URL"}
    clean = {k: v for k, v in os.environ.items() if k not in leave_out}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CELERY_BROKER_URL"]
)
def test_a_missing_production_value_stops_start_up_naming_it(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert f"{missing} must be set when DJANGO_ENV=production" in result.stderr


def test_an_unknown_environment_name_is_refused():
    result = _manage("check", env={"DJANGO_ENV": "staging"})
    assert result.returncode != 0
    assert "DJANGO_ENV must be" in result.stderr
