"""The engine with its real parts: a Celery worker process (beat embedded)
consuming from a real Redis, sending to a real SMTP server on loopback, with
the outbox in the test's PostgreSQL database.

These run wherever PostgreSQL is the database (a worker process cannot see an
in-memory SQLite test database); CI runs them with CLINIC_REQUIRE_SERVICES=1,
where being unable to run them is a failure, not a skip."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest

from clinic.notifications import services
from clinic.notifications.models import Notification
from tests.clinic.factories import ClientFactory
from tests.support.processes import SmtpSink, can_run_worker_stack, wait_for

# Decided before any database is set up: a transactional test that skipped
# after its setup would still flush the database for the tests after it.
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


def test_a_redis_restart_in_the_middle_loses_nothing(worker_stack, clinic):
    redis, sink, start_worker = worker_stack
    n = 300
    _enqueue_many(clinic, n)
    start_worker()
    wait_for(lambda: sink.count >= 30, 60, "the first messages to arrive")
    redis.restart(down_for=1.5)  # queued send tasks vanish with it (no persistence)
    wait_for(lambda: _all_settled() and sink.count >= n, 90, "every message after the restart")
    _assert_each_received_once(sink, n, max_duplicate_deliveries=2)


def test_a_rejected_message_is_retried_then_failed_with_its_error(worker_stack, clinic):
    _redis, sink, start_worker = worker_stack
    sink.refuse.add("refused@example.com")
    _enqueue_many(clinic, 10, refuse="refused@example.com")
    start_worker()
    wait_for(_all_settled, 60, "every message to be sent or failed")
    failed = Notification.objects.get(status="failed")
    assert failed.sent_to == "" and failed.attempts == 3
    assert "550" in failed.last_error and "Mailbox unavailable" in failed.last_error
    assert sink.refused["refused@example.com"] == 3
    assert Notification.objects.filter(status="sent").count() == 9
    _assert_each_received_once(sink, 9)
