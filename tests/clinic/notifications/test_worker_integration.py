"""The engine with its real parts: a Celery worker process (beat embedded)
consuming from a real Redis, sending to a real SMTP server on loopback, with
the outbox in the test's PostgreSQL database.

These run wherever PostgreSQL is the database (a worker process cannot see an
in-memory SQLite test database); CI runs them with CLINIC_REQUIRE_SERVICES=1,
where being unable to run them is a failure, not a skip."""

from __future__ import annotations

import logging
import os
import random
import time
from datetime import UTC, datetime, timedelta

import pytest

from clinic.notifications import services
from clinic.notifications.models import Notification
from tests.clinic.factories import ClientFactory
from tests.support.processes import SmtpSink, can_run_worker_stack, wait_for

# Decided before any database is set up: a transactional test that skipped
# after its setup would still flush the database for the tests after it.
logger = logging.getLogger(__name__)  # MEASURE lines: pytest --log-cli-level=WARNING

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not can_run_worker_stack() and os.environ.get("CLINIC_REQUIRE_SERVICES") != "1",
        reason="needs PostgreSQL as the database and redis-server on PATH",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _enqueue_many(clinic, n: int, *, refuse: str | None = None) -> list[str]:
    clients = [ClientFactory(clinic=clinic, email=f"person{i}@example.com") for i in range(n)]
    if refuse:
        clients[0].email = refuse
        clients[0].save()
    now = datetime.now(UTC) - timedelta(seconds=1)
    keys = []
    for i, person in enumerate(clients):
        key = f"integration-{i}"
        services.enqueue(
            recipient=person,
            template_key="clinic_notice",
            context={"headline": f"Notice {i}", "body": "Hello."},
            send_after=now,
            idempotency_key=key,
        )
        keys.append(key)
    return keys


def _all_settled() -> bool:
    return not Notification.objects.filter(status__in=["pending", "sending"]).exists()


def _assert_each_received_once(sink: SmtpSink, n: int, max_duplicate_deliveries: int = 0) -> None:
    mailbox = sink.mailbox()
    assert len(mailbox) == n, f"{len(mailbox)} distinct messages received, expected {n}"
    sent = dict(
        Notification.objects.filter(status="sent").values_list("provider_message_id", "sent_to")
    )
    assert set(sent) == set(mailbox)
    for message_id, delivery in mailbox.items():
        assert delivery["to"] == [sent[message_id]]
    assert sink.duplicate_deliveries() <= max_duplicate_deliveries


def test_n_messages_enqueued_are_n_received_each_once(worker_stack, clinic):
    _redis, sink, start_worker = worker_stack
    _enqueue_many(clinic, 60)
    start_worker()
    wait_for(lambda: sink.count >= 60 and _all_settled(), 60, "60 messages to arrive")
    _assert_each_received_once(sink, 60)
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    assert set(Notification.objects.values_list("attempts", flat=True)) == {1}


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(worker_stack, clinic):
    _redis, sink, start_worker = worker_stack
    n = 400
    _enqueue_many(clinic, n)
    first = start_worker()
    wait_for(lambda: sink.count >= 40, 60, "the first messages to arrive")
    first.kill()  # SIGKILL: the pool dies mid-chunk, rows stay "sending"
    at_kill = sink.count
    assert at_kill < n, "the batch finished before the kill; make it larger"
    assert Notification.objects.filter(status="sending").exists()
    start_worker()  # takes the rows again once their lease runs out
    wait_for(lambda: _all_settled() and sink.count >= n, 90, "every message after the kill")
    # A message the dead worker had handed to SMTP but not yet recorded is sent
    # again with the same Message-ID, so the mailbox holds it once; at most one
    # such message per pool process (2) can be in that window at the kill.
    _assert_each_received_once(sink, n, max_duplicate_deliveries=2)
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


def test_repeated_kills_lose_nothing_and_repeat_at_most_one_message_per_process(
    worker_stack, clinic
):
    """Five SIGKILLs at random moments of sending. Each try is marked sent in a
    committed UPDATE the moment the server takes it, so a kill can repeat only
    a message whose answer was on its way: at most one per pool process, and
    in practice far fewer (the measured figure is printed; bench/notifications.py
    --kills measures it over many kills)."""
    _redis, sink, start_worker = worker_stack
    n, kills = 600, 5
    _enqueue_many(clinic, n)
    worker = start_worker()
    for _ in range(kills):
        progress = sink.count
        wait_for(lambda p=progress: sink.count >= p + 20, 60, "sending to go on")
        time.sleep(random.uniform(0, 0.3))
        worker.kill()
        worker = start_worker()
    assert sink.count < n, "the batch finished before the last kill; make it larger"
    wait_for(lambda: _all_settled() and len(sink.mailbox()) >= n, 120, "every message")
    duplicates = sink.duplicate_deliveries()
    logger.warning(
        "MEASURE %s kills: %s duplicate(s), %.2f per kill", kills, duplicates, duplicates / kills
    )
    _assert_each_received_once(sink, n, max_duplicate_deliveries=2 * kills)
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    # A row tried twice is one whose first try was cut short, and says so.
    assert not Notification.objects.filter(maybe_delivered_at=None, attempts__gt=1).exists()


def test_a_redis_restart_in_the_middle_loses_nothing(worker_stack, clinic):
    redis, sink, start_worker = worker_stack
    n = 300
    _enqueue_many(clinic, n)
    start_worker()
    wait_for(lambda: sink.count >= 30, 60, "the first messages to arrive")
    redis.restart(down_for=1.5)  # queued send tasks vanish with it (no persistence)
    wait_for(lambda: _all_settled() and sink.count >= n, 90, "every message after the restart")
    _assert_each_received_once(sink, n, max_duplicate_deliveries=2)


def test_a_refused_message_fails_at_once_with_its_error_and_the_owner_hears(
    worker_stack, clinic, owner
):
    _redis, sink, start_worker = worker_stack
    sink.refuse.add("refused@example.com")
    _enqueue_many(clinic, 10, refuse="refused@example.com")
    start_worker()
    wait_for(
        lambda: _all_settled() and sink.count >= 10, 60, "every message and the owner's notice"
    )
    failed = Notification.objects.get(status="failed")
    # A permanent refusal (5xx) is not retried: one try, and the owner is told.
    assert failed.sent_to == "" and failed.attempts == 1 and not failed.maybe_delivered
    assert "550" in failed.last_error and "Mailbox unavailable" in failed.last_error
    assert sink.refused["refused@example.com"] == 1
    assert Notification.objects.filter(status="sent").count() == 10
    notice = Notification.objects.get(template_key="delivery_failed")
    assert (notice.user, notice.status, notice.sent_to) == (owner, "sent", owner.email)
    assert sink.mailbox()[notice.provider_message_id]["to"] == [owner.email]
    _assert_each_received_once(sink, 10)
