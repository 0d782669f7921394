"""The embedded default works end to end with no server at all: SQLite in a
file, the kombu file-system broker and the file e-mail and SMS outboxes, with
a real Celery worker and its beat, consuming every queue (sweep, email, sms,
default) as the Procfile's worker does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.processes import ROOT, CeleryWorker, wait_for, worker_env

pytestmark = pytest.mark.slow

ENQUEUE = """
from datetime import UTC, datetime, time
from clinic.core.models import Client, Clinic
from clinic.notifications import services
# No quiet hours: the worker keeps the real clock, and SMS wait out the night.
Clinic.objects.update(quiet_hours_start=time(0), quiet_hours_end=time(0))
for client in Client.objects.all():
    services.enqueue(
        recipient=client, template_key="clinic_notice",
        context={"headline": "Welcome", "body": "Thank you for choosing us."},
        send_after=datetime.now(UTC), idempotency_key=f"welcome-{client.pk}",
    )
print(Client.objects.filter(preferred_channel="email").count())
print(Client.objects.filter(preferred_channel="sms").count())
"""


STATUS = """
from collections import Counter
from clinic.notifications.models import Notification
print(Counter(Notification.objects.values_list("template_key", "status")))
"""


def test_a_worker_on_the_file_broker_delivers_to_the_file_outbox(tmp_path: Path):
    env = worker_env(database_url="", broker_url="", email_url="", CLINIC_VAR_DIR=str(tmp_path))
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_URL"):
        env.pop(name)  # the embedded default, as a newcomer has it

    def manage(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    manage("migrate", "--noinput")
    manage("seed_demo")
    expected, expected_sms = map(int, manage("shell", "-c", ENQUEUE).strip().splitlines()[-2:])
    assert expected >= 5 and expected_sms >= 1
    worker = CeleryWorker(env, tmp_path)
    worker.start()  # on every queue, as the Procfile's worker
    outbox = tmp_path / "mail"
    texts = tmp_path / "sms"

    def welcome_texts() -> list[str]:
        files = texts.glob("*.json") if texts.exists() else []
        return [f.name for f in files if "Thank you for choosing us." in f.read_text()]

    def welcomes() -> list[str]:
        # The file backend appends messages, separated by a line of dashes.
        text = "".join(f.read_text() for f in outbox.glob("*.log")) if outbox.exists() else ""
        return [m for m in text.split("-" * 79) if "Thank you for choosing us." in m]

    try:
        wait_for(
            lambda: len(welcomes()) >= expected and len(welcome_texts()) >= expected_sms,
            120,
            f"{expected} welcome e-mails and {expected_sms} texts",
            explain=lambda: manage("shell", "-c", STATUS) + worker.log_tail(),
        )
    finally:
        worker.stop()
    assert len(welcome_texts()) == expected_sms
    ids = [
        line
        for message in welcomes()
        for line in message.splitlines()
        if line.startswith("Message-ID:")
    ]
    assert len(ids) == len(set(ids)) == expected
    assert (tmp_path / "clinic.sqlite3").exists() and (tmp_path / "broker").is_dir()
