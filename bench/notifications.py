"""Benchmark: how fast the outbox drains through real workers.

Enqueues N due e-mails (default 10,000) in a fresh PostgreSQL database, starts
a Celery worker with 2 processes (beat embedded) on a private Redis, and times
until an SMTP server on loopback has all N. As the ceiling it first sends the
same number of e-mails with a plain loop over Django's SMTP backend, to the
same server, in the same run. Prints both rates, their ratio, and duplicates.

    .venv/bin/python bench/notifications.py [--messages 10000] [--processes 2]

Needs PostgreSQL on 127.0.0.1:5432 (user postgres) and redis-server on PATH.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.processes import (  # noqa: E402
    CeleryWorker,
    RedisServer,
    SmtpSink,
    wait_for,
    worker_env,
)

DB_NAME = "clinic_bench_notifications"
PG = "postgres://postgres@127.0.0.1:5432"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    n = args.messages

    subprocess.run(
        ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DB_NAME], check=True
    )
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB_NAME], check=True)
    work = Path(tempfile.mkdtemp(prefix="bench-notifications-"))
    redis = RedisServer(work)
    redis.start()
    sink = SmtpSink()
    sink.start()
    env = worker_env(
        database_url=f"{PG}/{DB_NAME}",
        broker_url=redis.url,
        email_url=sink.url,
        NOTIFICATIONS_LEASE_SECONDS="300",
        LOG_LEVEL="WARNING",
    )
    os.environ.update(
        {
            k: env[k]
            for k in ("DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_URL", "DJANGO_ENV", "DEBUG")
        }
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "clinic.project.settings"
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)

    import django

    django.setup()
    from datetime import UTC, datetime

    from django.core.mail import EmailMultiAlternatives, get_connection
    from django.db import transaction

    from clinic.core.models import Client, Clinic
    from clinic.notifications import services
    from clinic.notifications.models import Notification

    clinic = Clinic.objects.create(name="Bench Clinic", timezone="UTC", phone="+12125550100")
    clients = Client.objects.bulk_create(
        Client(
            clinic=clinic,
            first_name=f"Client{i}",
            last_name="Bench",
            email=f"client{i}@example.com",
            timezone="UTC",
        )
        for i in range(n)
    )

    # The ceiling: a plain loop over Django's SMTP backend, one connection.
    start = time.perf_counter()
    with get_connection() as connection:
        for i in range(n):
            EmailMultiAlternatives(
                subject=f"Notice {i}",
                body="Hello.\n" * 5,
                to=[f"client{i}@example.com"],
                headers={"Message-ID": f"<ceiling-{i}@bench>"},
                connection=connection,
            ).send()
    ceiling_seconds = time.perf_counter() - start
    wait_for(lambda: sink.count >= n, 60, "the ceiling's messages")
    ceiling_rate = n / ceiling_seconds
    with sink.lock:
        sink.deliveries.clear()

    start = time.perf_counter()
    now = datetime.now(UTC)
    with transaction.atomic():
        for client in clients:
            services.enqueue(
                recipient=client,
                template_key="clinic_notice",
                context={"headline": "Notice", "body": "Hello."},
                send_after=now,
                idempotency_key=f"bench-{client.pk}",
            )
    enqueue_seconds = time.perf_counter() - start

    worker = CeleryWorker(env, work)
    worker.start(concurrency=args.processes)
    start = time.perf_counter()
    try:
        wait_for(lambda: sink.count >= n, 1800, f"{n} messages", interval=0.05)
        outbox_seconds = time.perf_counter() - start
        wait_for(
            lambda: not Notification.objects.exclude(status="sent").exists(),
            60,
            "every row marked sent",
        )
    finally:
        worker.stop()
        sink.stop()
        redis.stop()
    outbox_rate = n / outbox_seconds
    duplicates = sink.duplicate_deliveries()
    distinct = len(sink.mailbox())
    print(f"messages:                    {n}")
    print(
        f"enqueue (service, one tx):   {enqueue_seconds:7.2f} s  {n / enqueue_seconds:8.0f} msg/s"
    )
    print(f"ceiling (plain SMTP loop):   {ceiling_seconds:7.2f} s  {ceiling_rate:8.0f} msg/s")
    print(
        f"outbox ({args.processes} worker processes): {outbox_seconds:7.2f} s  "
        f"{outbox_rate:8.0f} msg/s"
    )
    print(f"ratio outbox / ceiling:      {outbox_rate / ceiling_rate:7.2f}")
    print(f"distinct received:           {distinct}   duplicate deliveries: {duplicates}")
    subprocess.run(
        ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DB_NAME], check=False
    )


if __name__ == "__main__":
    main()
