"""bench/notifications.py's workload: N e-mails through a plain SMTP loop (the
ceiling), then through the outbox and real workers (killed K times if asked),
then a sample sent in this process to count the database round trips of one
message. Imported by that script once Django is set up."""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction

from clinic.core.models import Client, Clinic
from clinic.notifications import services
from clinic.notifications.models import Notification
from tests.support.processes import CeleryWorker, RedisServer, SmtpSink, wait_for

SAMPLE = 500  # messages sent in this process to count round trips


def _transactions() -> int:
    """Transactions committed in this database so far (all sessions)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
        )
        return int(cursor.fetchone()[0])


def _ceiling(n: int, sink: SmtpSink) -> float:
    """A plain loop over Django's SMTP backend, one connection: seconds for n."""
    start = time.perf_counter()
    with get_connection() as smtp:
        for i in range(n):
            EmailMultiAlternatives(
                subject=f"Notice {i}",
                body="Hello.\n" * 5,
                to=[f"client{i}@example.com"],
                headers={"Message-ID": f"<ceiling-{i}@bench>"},
                connection=smtp,
            ).send()
    seconds = time.perf_counter() - start
    wait_for(lambda: sink.count >= n, 60, "the ceiling's messages")
    with sink.lock:
        sink.deliveries.clear()
    return seconds


def _enqueue(clients: list[Client], prefix: str) -> None:
    now = datetime.now(UTC)
    with transaction.atomic():
        for client in clients:
            services.enqueue(
                recipient=client,
                template_key="clinic_notice",
                context={"headline": "Notice", "body": "Hello."},
                send_after=now,
                idempotency_key=f"{prefix}-{client.pk}",
            )


def _drain(args: argparse.Namespace, env: dict[str, str], work: Path, sink: SmtpSink) -> float:
    """Start the worker and wait until the sink has every message; kill and
    restart it ``args.kills`` times on the way. Seconds until all arrived."""
    n = args.messages
    worker = CeleryWorker(env, work)
    worker.start(concurrency=args.processes)
    start = time.perf_counter()
    try:
        for kill in range(args.kills):
            progress = len(sink.mailbox())
            if progress >= n:
                print(f"(drained before kill {kill + 1}: use more messages)")
                break
            wait_for(lambda p=progress: sink.count >= min(n, p + 10), 120, "progress")
            time.sleep(random.uniform(0, 0.5))  # a random moment of sending
            worker.kill()
            worker = CeleryWorker(env, work, name=f"worker-after-kill-{kill + 1}")
            worker.start(concurrency=args.processes)
        wait_for(lambda: len(sink.mailbox()) >= n, 1800, f"{n} messages", interval=0.05)
        seconds = time.perf_counter() - start
        wait_for(
            lambda: not Notification.objects.exclude(status="sent").exists(),
            120,
            "every row marked sent",
        )
    finally:
        worker.stop()
    return seconds


def _count_round_trips(clients: list[Client]) -> tuple[float, float]:
    """Send a sample through the real sender in this process: statements and
    commits per message (the claim and the lease included)."""
    _enqueue(clients, "sample")
    statements = 0

    def count(execute: Callable[..., Any], *args: Any) -> Any:
        nonlocal statements
        statements += 1
        return execute(*args)

    before = _transactions()
    with connection.execute_wrapper(count):
        claim = services.claim_due(now=datetime.now(UTC), batch_size=len(clients))
        for _channel, chunk in claim.chunks(25):
            services.send_claimed(ids=chunk, token=claim.token)
    commits = _transactions() - before - 2  # the two readings' own
    return statements / len(clients), commits / len(clients)


def run(
    args: argparse.Namespace, *, env: dict[str, str], work: Path, redis: RedisServer, sink: SmtpSink
) -> None:
    n = args.messages
    clinic = Clinic.objects.create(name="Bench Clinic", timezone="UTC", phone="+12125550100")
    clients = Client.objects.bulk_create(
        Client(
            clinic=clinic,
            first_name=f"Client{i}",
            last_name="Bench",
            email=f"client{i}@example.com",
            timezone="UTC",
        )
        for i in range(n + min(SAMPLE, n))
    )
    sample, clients = clients[n:], clients[:n]
    ceiling_seconds = _ceiling(n, sink)
    ceiling_rate = n / ceiling_seconds

    start = time.perf_counter()
    _enqueue(clients, "bench")
    enqueue_seconds = time.perf_counter() - start

    before = _transactions()
    outbox_seconds = _drain(args, env, work, sink)
    time.sleep(1.5)  # the workers' statistics reach the server within a second
    drain_commits = (_transactions() - before) / n
    outbox_rate = n / outbox_seconds
    duplicates = sink.duplicate_deliveries()
    distinct = len(sink.mailbox())
    statements, commits = _count_round_trips(sample)

    print(f"messages:                    {n}")
    print(
        f"enqueue (service, one tx):   {enqueue_seconds:7.2f} s  {n / enqueue_seconds:8.0f} msg/s"
    )
    print(f"ceiling (plain SMTP loop):   {ceiling_seconds:7.2f} s  {ceiling_rate:8.0f} msg/s")
    print(
        f"outbox ({args.processes} worker processes): {outbox_seconds:7.2f} s  "
        f"{outbox_rate:8.0f} msg/s{'  (with kills)' if args.kills else ''}"
    )
    print(f"ratio outbox / ceiling:      {outbox_rate / ceiling_rate:7.2f}")
    print(f"distinct received:           {distinct}   duplicate deliveries: {duplicates}")
    if args.kills:
        print(
            f"worker kills:                {args.kills}   duplicates per kill: "
            f"{duplicates / args.kills:.2f}"
        )
    print(
        f"database per message:        {statements:.2f} statements, {commits:.2f} commits "
        f"(sender, {len(sample)} sent in-process); {drain_commits:.2f} commits in the drain"
    )
