"""bench/notifications.py's workload: N e-mails through a plain SMTP loop (the
ceiling), then through the outbox and real workers. Imported by that script
once Django is set up."""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime
from pathlib import Path

from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction

from clinic.core.models import Client, Clinic
from clinic.notifications import services
from clinic.notifications.models import Notification
from tests.support.processes import CeleryWorker, RedisServer, SmtpSink, wait_for


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
