"""Tries, outcomes and failures, with the sender in this process talking to a
real SMTP server on loopback (aiosmtpd) and the clock under time-machine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
import time_machine
from django.core import mail

from clinic.notifications import services
from clinic.notifications.models import Notification
from clinic.notifications.services import outcomes
from tests.clinic.factories import ClientFactory
from tests.support.processes import free_port

NOTICE = {"headline": "Holiday hours", "body": "We are closed on Monday."}
START = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)


def _enqueue(recipient, key="k1", when=START, template_key="clinic_notice"):
    return services.enqueue(
        recipient=recipient,
        template_key=template_key,
        context=NOTICE,
        send_after=when,
        idempotency_key=key,
    )


def _sweep_until_settled(sweep, row, start=START, limit=60):
    """Sweep at each next try of ``row`` until it is sent or failed; return
    the instants of its tries."""
    now, tries = start, []
    for _ in range(limit):
        with time_machine.travel(now, tick=False):
            sweep(now)
        tries.append(now)
        row.refresh_from_db()
        if row.status != "pending":
            return tries
        assert row.next_attempt_at > now
        now = row.next_attempt_at
    raise AssertionError(f"still pending after {limit} tries")


def test_a_claim_that_ran_out_before_its_try_keeps_its_attempts(client_record, eager_celery):
    row = _enqueue(client_record)
    for claim in range(3):  # the workers died three times before reaching the row
        later = START + timedelta(seconds=claim * 301)
        with time_machine.travel(later, tick=False):
            services.claim_due(now=later)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.attempt_started_at) == ("sending", 0, None)


def test_a_try_cut_short_is_sent_again_marked_maybe_delivered_and_never_failed_untried(
    client_record, sweep, settings
):
    """What a worker killed mid-send leaves: the try counted and marked under
    way, no outcome. With a single attempt allowed, it used to be failed the
    moment it was taken again, without a try."""
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 1
    row = _enqueue(client_record)
    with time_machine.travel(START, tick=False):
        claim = services.claim_due(now=START)
        row.refresh_from_db()
        assert outcomes.start_attempt(row=row, token=claim.token, now=START)
    # ...and the worker stops here. The lease runs out; the next sweep takes it.
    later = START + timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        assert sweep(later) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.maybe_delivered_at) == ("sent", 2, START)
    assert row.attempt_started_at is None and row.last_error == ""
    assert len(mail.outbox) == 1


def test_a_message_taken_before_the_line_dropped_is_retried_and_never_failed(
    client_record, sweep, smtp_server, settings
):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 1
    smtp_server.hang_up_after.add(client_record.email)
    row = _enqueue(client_record)
    with time_machine.travel(START, tick=False):
        sweep(START)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.maybe_delivered) == ("pending", 1, True)
    smtp_server.hang_up_after.clear()
    with time_machine.travel(row.next_attempt_at, tick=False):
        sweep(row.next_attempt_at)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.maybe_delivered) == ("sent", 2, True)
    # The one duplicate an at-least-once sender cannot avoid: the same Message-ID.
    assert smtp_server.count == 2 and smtp_server.duplicate_deliveries() == 1


@pytest.mark.parametrize("reply", ["451 4.3.0 Try again later", "421 4.7.0 Too busy, bye"])
def test_a_temporary_refusal_is_retried_with_capped_backoff_for_the_whole_window(
    client_record, sweep, smtp_server, settings, owner, reply
):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3  # bounds unknown errors only
    smtp_server.defer.add(client_record.email)
    smtp_server.defer_reply = reply
    row = _enqueue(client_record)
    tries = _sweep_until_settled(sweep, row)
    assert row.status == "failed" and reply[:3] in row.last_error
    assert row.attempts == len(tries) == smtp_server.deferred[client_record.email] > 6
    gaps = [(b - a).total_seconds() for a, b in pairwise(tries)]
    assert 30 <= gaps[0] <= 90 and 60 <= gaps[1] <= 180  # 60 s, then 120 s, ±50 %
    assert max(gaps) <= settings.NOTIFICATIONS_RETRY_MAX_SECONDS
    window = timedelta(seconds=settings.NOTIFICATIONS_RETRY_WINDOW_SECONDS)
    assert tries[-1] - tries[0] == window  # the last try at the window's end
    assert Notification.objects.filter(user=owner, template_key="delivery_failed").count() == 1


def test_an_unreachable_server_pauses_the_channel_and_keeps_the_rest_untried(
    clinic, sweep, settings, owner
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    settings.EMAIL_TIMEOUT = 5
    people = [ClientFactory(clinic=clinic, email=f"p{i}@example.com") for i in range(3)]
    rows = [_enqueue(person, key=f"k{i}") for i, person in enumerate(people)]
    with time_machine.travel(START, tick=False):
        sweep(START)
    first, *rest = [Notification.objects.get(pk=row.pk) for row in rows]
    assert (first.status, first.attempts) == ("pending", 1)
    assert "ConnectionRefusedError" in first.last_error
    pause = timedelta(seconds=settings.NOTIFICATIONS_CHANNEL_PAUSE_SECONDS)
    for row in rest:  # given back without a try, until the pause is over
        assert (row.status, row.attempts, row.last_error) == ("pending", 0, "")
        assert START + pause <= row.next_attempt_at <= START + pause * 1.5
    Notification.objects.filter(pk__in=[row.pk for row in rest]).update(status="cancelled")
    tries = _sweep_until_settled(sweep, first, start=first.next_attempt_at)
    assert first.status == "failed" and first.attempts == len(tries) + 1 > 6
    window = timedelta(seconds=settings.NOTIFICATIONS_RETRY_WINDOW_SECONDS)
    assert tries[-1] == START + window  # retried for the whole window, an hour apart at most


def test_a_permanent_refusal_fails_at_once_and_tells_the_owner_once_an_hour(
    clinic, sweep, smtp_server, owner
):
    people = [ClientFactory(clinic=clinic, email=f"gone{i}@example.com") for i in range(3)]
    smtp_server.refuse.update(person.email for person in people)
    first, second = _enqueue(people[0], key="a"), _enqueue(people[1], key="b")
    with time_machine.travel(START, tick=False):
        sweep(START)
    for row in (first, second):
        row.refresh_from_db()
        assert (row.status, row.attempts) == ("failed", 1)
        assert "550" in row.last_error and not row.maybe_delivered
    notice = Notification.objects.get(template_key="delivery_failed")
    assert notice.user == owner and notice.status == "pending"
    with time_machine.travel(START + timedelta(minutes=1), tick=False):
        sweep(START + timedelta(minutes=1))  # the notice goes out
    (to_owner,) = [d for d in smtp_server.deliveries if d["to"] == [owner.email]]
    text = to_owner["message"].get_payload()[0].get_payload(decode=True).decode()
    assert "could not deliver a message to" in text and "turned it away" in text
    assert "/admin/notifications/notification/?status__exact=failed" in text
    later = START + timedelta(hours=1, minutes=5)
    _enqueue(people[2], key="c", when=later)
    with time_machine.travel(later, tick=False):
        sweep(later)
    assert Notification.objects.filter(template_key="delivery_failed").count() == 2


def test_a_notice_that_fails_tells_nobody(clinic, sweep, smtp_server, owner):
    smtp_server.refuse.update({"gone@example.com", owner.email})
    _enqueue(ClientFactory(clinic=clinic, email="gone@example.com"))
    for minute in (0, 1, 2):
        when = START + timedelta(minutes=minute)
        with time_machine.travel(when, tick=False):
            sweep(when)
    notice = Notification.objects.get(template_key="delivery_failed")
    assert notice.status == "failed"
    assert Notification.objects.count() == 2


def test_a_message_that_cannot_be_prepared_gets_its_tries_then_fails(
    client_record, sweep, settings, owner
):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    row = _enqueue(client_record)
    Notification.objects.filter(pk=row.pk).update(attachments=[{"filename": "broken.ics"}])
    tries = _sweep_until_settled(sweep, row)
    assert (row.status, row.attempts, len(tries)) == ("failed", 3, 3)
    assert "KeyError" in row.last_error and not mail.outbox
    assert Notification.objects.filter(user=owner, template_key="delivery_failed").exists()


@pytest.mark.parametrize("attempts", range(1, 12))
def test_backoff_doubles_from_the_base_with_jitter_and_stays_under_the_cap(attempts, settings):
    base = settings.NOTIFICATIONS_RETRY_BASE_SECONDS
    cap = settings.NOTIFICATIONS_RETRY_MAX_SECONDS
    expected = base * 2 ** (attempts - 1)
    for _ in range(50):
        delay = outcomes.backoff(attempts).total_seconds()
        assert min(cap, expected * 0.5) <= delay <= min(cap, expected * 1.5)
