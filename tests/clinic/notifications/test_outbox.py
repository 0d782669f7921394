from __future__ import annotations

import smtplib
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core import mail
from django.db import transaction

from clinic.core.errors import InvalidInput
from clinic.notifications import services, tasks
from clinic.notifications.models import Notification, NotificationStatus
from tests.clinic.factories import ClientFactory

NOTICE = {"headline": "Holiday hours", "body": "We are closed on Monday."}


def _enqueue(recipient, key="k1", when=None, **kwargs):
    return services.enqueue(
        recipient=recipient,
        template_key="clinic_notice",
        context=NOTICE,
        send_after=when or datetime.now(UTC) - timedelta(seconds=1),
        idempotency_key=key,
        **kwargs,
    )


def test_the_same_idempotency_key_twice_keeps_one_row(client_record):
    first = _enqueue(client_record, key="booking-1-confirmation")
    second = _enqueue(client_record, key="booking-1-confirmation")
    assert first.pk == second.pk
    assert Notification.objects.count() == 1


def test_a_rolled_back_transaction_leaves_no_message(client_record):
    with pytest.raises(RuntimeError), transaction.atomic():
        _enqueue(client_record, key="doomed")
        raise RuntimeError("the booking failed")
    assert not Notification.objects.exists()


def test_enqueue_refuses_what_it_cannot_send(client_record):
    with pytest.raises(InvalidInput) as unknown:
        services.enqueue(
            recipient=client_record,
            template_key="no_such_message",
            context={},
            send_after=datetime.now(UTC),
            idempotency_key="x",
        )
    assert "template_key" in unknown.value.fields
    with pytest.raises(InvalidInput) as naive:
        services.enqueue(
            recipient=client_record,
            template_key="clinic_notice",
            context={},
            send_after=datetime(2026, 1, 1, 9),
            idempotency_key="y",
        )
    assert "send_after" in naive.value.fields
    with pytest.raises(InvalidInput) as not_json:
        services.enqueue(
            recipient=client_record,
            template_key="clinic_notice",
            context={"when": datetime.now(UTC)},
            send_after=datetime.now(UTC),
            idempotency_key="z",
        )
    assert "context" in not_json.value.fields


def test_the_recipients_chosen_channel_is_used(clinic):
    sms_client = ClientFactory(clinic=clinic, preferred_channel="sms", phone="+12125550123")
    assert _enqueue(sms_client).channel == "sms"


def test_a_due_message_is_sent_once_with_its_idempotent_message_id(client_record, sweep):
    row = _enqueue(client_record)
    assert sweep() == 1
    assert sweep() == 0
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [client_record.email]
    assert "Holiday hours" in sent.subject
    assert "We are closed on Monday." in sent.body
    assert sent.alternatives and "We are closed on Monday." in sent.alternatives[0][0]
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    row.refresh_from_db()
    assert row.status == NotificationStatus.SENT
    assert row.provider_message_id == sent.extra_headers["Message-ID"]
    assert row.sent_to == client_record.email and row.attempts == 1


@pytest.mark.clock
def test_a_future_message_waits_and_a_past_one_goes_at_the_next_sweep(client_record, sweep):
    now = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)
    _enqueue(client_record, key="later", when=now + timedelta(hours=2))
    _enqueue(client_record, key="overdue", when=now - timedelta(days=3))
    with time_machine.travel(now, tick=False):
        assert sweep(now) == 1
    assert mail.outbox[0].to == [client_record.email]
    with time_machine.travel(now + timedelta(hours=2), tick=False):
        assert sweep(now + timedelta(hours=2)) == 1
    assert len(mail.outbox) == 2


def test_a_stale_or_repeated_send_task_sends_nothing(client_record, eager_celery):
    row = _enqueue(client_record)
    now = datetime.now(UTC)
    tasks.dispatch_due(now=now)  # claimed; the send task was not run (no commit hook)
    row.refresh_from_db()
    old_token = row.claim_token
    # The worker died: the lease runs out and a new sweep claims it again.
    later = now + timedelta(seconds=301)
    tasks.dispatch_due(now=later)
    row.refresh_from_db()
    # Two claims, no try: a claim that runs out before its send never started
    # counts no attempt (it used to count one per claim).
    assert row.claim_token != old_token and row.attempts == 0
    assert services.send_claimed(ids=[row.pk], token=old_token) == 0
    assert services.send_claimed(ids=[row.pk], token=row.claim_token) == 1
    assert services.send_claimed(ids=[row.pk], token=row.claim_token) == 0
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.maybe_delivered) == ("sent", 1, False)


def test_a_failing_channel_is_retried_with_backoff_then_failed(client_record, settings, sweep):
    """A temporary refusal (4xx) is retried with backoff until the retry window
    closes (here an hour), the last try at its end; a permanent one (5xx) is
    not retried (test_tries_and_failures.py)."""
    settings.EMAIL_BACKEND = "tests.clinic.notifications.test_outbox.RefusingBackend"
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3  # bounds errors we cannot classify, not these
    settings.NOTIFICATIONS_RETRY_WINDOW_SECONDS = 3600
    row = _enqueue(client_record)
    first = now = datetime.now(UTC)
    delays = []
    for _ in range(20):
        with time_machine.travel(now, tick=False):
            sweep(now)
        row.refresh_from_db()
        if row.status != NotificationStatus.PENDING:
            break
        delays.append((row.next_attempt_at - now).total_seconds())
        now = row.next_attempt_at
    assert row.status == NotificationStatus.FAILED
    assert "451" in row.last_error and row.attempts == len(delays) + 1 > 3
    # exponential: ~60 s then ~120 s, each with ±50 % jitter
    assert 30 <= delays[0] <= 90 and 60 <= delays[1] <= 180
    assert now == first + timedelta(hours=1)  # the last try at the window's end


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPDataError(451, b"try again later")


def test_an_opted_out_client_gets_nothing_and_the_row_says_why(client_record, sweep):
    client_record.message_opt_in = False
    client_record.save()
    row = _enqueue(client_record)
    assert row.status == NotificationStatus.CANCELLED
    assert "opted out" in row.cancelled_reason
    assert sweep() == 0 and not mail.outbox


def test_opting_out_after_enqueue_cancels_at_send_time(client_record, sweep):
    row = _enqueue(client_record)
    type(client_record).objects.filter(pk=client_record.pk).update(message_opt_in=False)
    sweep()
    row.refresh_from_db()
    assert row.status == NotificationStatus.CANCELLED and not mail.outbox


def test_a_message_with_no_address_is_cancelled(clinic, sweep):
    no_email = ClientFactory(clinic=clinic, email="", preferred_channel="sms", phone="+12125550100")
    row = _enqueue(no_email, channel="email")
    sweep()
    row.refresh_from_db()
    assert row.status == NotificationStatus.CANCELLED
    assert "address" in row.cancelled_reason


def test_cancelling_the_thing_cancels_its_pending_messages(client_record, therapist_profile):
    about = therapist_profile  # any model instance will do as "what it is about"
    _enqueue(client_record, key="a", about=about)
    _enqueue(client_record, key="b", about=about)
    _enqueue(client_record, key="c")
    assert services.cancel_pending_for(about=about, reason="Appointment cancelled") == 2
    assert Notification.objects.filter(status="pending").count() == 1


def berlin_sms_files(row):
    # django.conf.settings, read at call time: the path the test's ``settings`` fixture set.
    sms_dir = django_settings.SMS_FILE_PATH
    return sms_dir.glob("*.json") if sms_dir.exists() else []


@pytest.mark.clock
def test_sms_in_quiet_hours_waits_until_morning_local_time(clinic, sweep, settings, tmp_path):
    settings.SMS_FILE_PATH = tmp_path / "sms"
    clinic.quiet_hours_start, clinic.quiet_hours_end = time(21), time(8)
    clinic.save()
    berlin = ClientFactory(
        clinic=clinic, preferred_channel="sms", phone="+4915112345678", timezone="Europe/Berlin"
    )
    due = datetime(2026, 3, 10, 21, 30, tzinfo=UTC)  # 22:30 in Berlin
    row = _enqueue(berlin, when=due)
    with time_machine.travel(due, tick=False):
        sweep(due)
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 0)
    assert not list(berlin_sms_files(row))
    assert row.next_attempt_at == datetime(2026, 3, 11, 7, 0, tzinfo=UTC)  # 08:00 Berlin


@pytest.mark.clock
def test_email_in_quiet_hours_goes_when_the_clinic_allows_it(clinic, client_record, sweep):
    due = datetime(2026, 3, 10, 3, 30, tzinfo=UTC)  # 23:30 in New York
    _enqueue(client_record, when=due)
    clinic.email_in_quiet_hours = True
    clinic.save()
    with time_machine.travel(due, tick=False):
        sweep(due)
    assert len(mail.outbox) == 1
    clinic.email_in_quiet_hours = False
    clinic.save()
    second = _enqueue(client_record, key="second", when=due)
    with time_machine.travel(due, tick=False):
        sweep(due)
    second.refresh_from_db()
    assert second.status == "pending" and len(mail.outbox) == 1


@pytest.mark.clock
@pytest.mark.parametrize(
    ("zone", "due", "expected"),
    [
        # New York springs forward on 8 March 2026: 22:30 EST -> 08:00 EDT
        (
            "America/New_York",
            datetime(2026, 3, 8, 3, 30, tzinfo=UTC),
            datetime(2026, 3, 8, 12, 0, tzinfo=UTC),
        ),
        # and falls back on 1 November: 22:30 EDT -> 08:00 EST
        (
            "America/New_York",
            datetime(2026, 11, 1, 2, 30, tzinfo=UTC),
            datetime(2026, 11, 1, 13, 0, tzinfo=UTC),
        ),
        # Berlin springs forward on 29 March: 22:30 CET -> 08:00 CEST
        (
            "Europe/Berlin",
            datetime(2026, 3, 28, 21, 30, tzinfo=UTC),
            datetime(2026, 3, 29, 6, 0, tzinfo=UTC),
        ),
        # and falls back on 25 October: 22:30 CEST -> 08:00 CET
        (
            "Europe/Berlin",
            datetime(2026, 10, 24, 20, 30, tzinfo=UTC),
            datetime(2026, 10, 25, 7, 0, tzinfo=UTC),
        ),
    ],
)
def test_quiet_hours_hold_across_a_dst_change(
    clinic, sweep, zone, due, expected, settings, tmp_path
):
    settings.SMS_FILE_PATH = tmp_path / "sms"
    phone = "+4915112345678" if zone == "Europe/Berlin" else "+12125550123"
    person = ClientFactory(clinic=clinic, preferred_channel="sms", phone=phone, timezone=zone)
    row = _enqueue(person, when=due)
    with time_machine.travel(due, tick=False):
        sweep(due)
    row.refresh_from_db()
    assert (row.status, row.next_attempt_at) == ("pending", expected)
    with time_machine.travel(expected - timedelta(minutes=1), tick=False):
        sweep(expected - timedelta(minutes=1))
    row.refresh_from_db()
    assert row.status == "pending"
    with time_machine.travel(expected, tick=False):
        sweep(expected)
    row.refresh_from_db()
    assert (row.status, row.sent_at, row.attempts) == ("sent", expected, 1)


@pytest.mark.clock
def test_sms_goes_to_the_file_outbox_once_per_key(clinic, sweep, settings, tmp_path):
    settings.SMS_FILE_PATH = tmp_path / "sms"
    person = ClientFactory(clinic=clinic, preferred_channel="sms", phone="+12125550123")
    daytime = datetime(2026, 6, 2, 15, 0, tzinfo=UTC)  # 11:00 in New York: no quiet hours
    row = _enqueue(person, when=daytime)
    with time_machine.travel(daytime, tick=False):
        sweep(daytime)
    files = list((tmp_path / "sms").glob("*.json"))
    assert len(files) == 1
    assert "We are closed on Monday." in files[0].read_text()
    row.refresh_from_db()
    assert row.status == "sent" and row.provider_message_id == f"file:{files[0].name}"


def test_a_live_worker_keeps_its_lease_so_no_second_claim_overtakes_it(
    client_record, eager_celery, settings
):
    """A slow chunk renews its lease as it goes: a sweep in the middle finds
    nothing to take again, so nothing is sent twice."""
    settings.NOTIFICATIONS_LEASE_SECONDS = 60
    rows = [_enqueue(client_record, key=f"slow-{i}") for i in range(3)]
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False):
        tasks.dispatch_due(now=start)
    token = Notification.objects.get(pk=rows[0].pk).claim_token
    # The task starts 50 s later (a backlog): it renews the lease to 50 + 60 s.
    later = start + timedelta(seconds=50)
    with time_machine.travel(later, tick=False):
        keeper = services.LeaseKeeper(ids=[r.pk for r in rows], token=token)
        assert keeper.renew() == {r.pk for r in rows}
    # A sweep at 70 s (past the original lease) claims nothing.
    with time_machine.travel(start + timedelta(seconds=70), tick=False):
        assert tasks.dispatch_due(now=start + timedelta(seconds=70)) == 0
    # A task that only starts after the lease ran out and the rows were taken
    # again holds nothing.
    with time_machine.travel(start + timedelta(seconds=200), tick=False):
        tasks.dispatch_due(now=start + timedelta(seconds=200))
        assert services.LeaseKeeper(ids=[r.pk for r in rows], token=token).renew() == set()
        assert services.send_claimed(ids=[r.pk for r in rows], token=token) == 0
    assert not mail.outbox
