from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.core import mail
from django.test import Client as BrowserClient

from clinic.core.models import AuditEvent
from clinic.notifications import rendering, services
from clinic.notifications.channels import HttpSmsBackend, OutgoingMessage, SendError
from clinic.notifications.models import Notification
from tests.clinic.factories import ClientFactory
from tests.support.processes import free_port

DAYTIME = datetime(2026, 6, 2, 15, 0, tzinfo=UTC)  # 11:00 in New York: no quiet hours


class FakeProvider(BaseHTTPRequestHandler):
    """A local SMS provider: dedupes by Idempotency-Key, refuses a bad token."""

    received: list[dict] = []
    ids: dict[str, str] = {}
    fail_next = 0
    answer_next: list[int] = []  # error statuses to answer, in order
    slow_next = 0  # requests taken, then answered too late

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        cls = type(self)
        if self.headers["Authorization"] != "Bearer secret-token":
            return self._answer(401, {"error": "bad token"})
        if cls.fail_next:
            cls.fail_next -= 1
            return self._answer(503, {"error": "try later"})
        if cls.answer_next:
            return self._answer(cls.answer_next.pop(0), {"error": "refused"})
        key = self.headers["Idempotency-Key"]
        if key not in cls.ids:
            cls.ids[key] = f"SM{len(cls.ids) + 1:04d}"
            cls.received.append(body)
        if cls.slow_next:
            cls.slow_next -= 1
            time.sleep(1.0)  # past the client's timeout: it never hears that it was taken
        return self._answer(201, {"id": cls.ids[key]})

    def _answer(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def sms_provider(settings):
    FakeProvider.received, FakeProvider.ids, FakeProvider.fail_next = [], {}, 0
    FakeProvider.answer_next, FakeProvider.slow_next = [], 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeProvider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "clinic.notifications.channels.HttpSmsBackend"
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{server.server_port}/messages"
    settings.SMS_HTTP_TOKEN = "secret-token"
    yield FakeProvider
    server.shutdown()


def test_the_http_provider_gets_each_message_once_by_key(sms_provider):
    backend = HttpSmsBackend()
    message = OutgoingMessage("appointment-7-reminder", "+12125550123", "See you tomorrow")
    assert backend.send(message) == "SM0001"
    assert backend.send(message) == "SM0001"  # the repeat is recognised by its key
    assert sms_provider.received == [
        {"to": "+12125550123", "from": "Clinic", "body": "See you tomorrow"}
    ]


def test_a_provider_error_is_a_send_error(sms_provider, settings):
    settings.SMS_HTTP_TOKEN = "wrong"
    with pytest.raises(SendError, match="401"):
        HttpSmsBackend().send(OutgoingMessage("k", "+12125550123", "hi"))


@pytest.mark.clock
def test_an_sms_through_the_provider_is_retried_after_a_503(sms_provider, clinic, sweep):
    person = ClientFactory(clinic=clinic, preferred_channel="sms", phone="+12125550123")
    row = services.enqueue(
        recipient=person,
        template_key="clinic_notice",
        context={"headline": "Closed", "body": "Back on Tuesday."},
        send_after=DAYTIME,
        idempotency_key="notice-1",
    )
    sms_provider.fail_next = 1
    with time_machine.travel(DAYTIME, tick=False):  # SMS wait out quiet hours
        sweep(DAYTIME)
    row.refresh_from_db()
    assert row.status == "pending" and "503" in row.last_error
    with time_machine.travel(row.next_attempt_at, tick=False):
        sweep(row.next_attempt_at)
    row.refresh_from_db()
    assert row.status == "sent" and row.provider_message_id == "SM0001"
    assert "Back on Tuesday." in sms_provider.received[0]["body"]


def _enqueue_sms(clinic, key="notice-1"):
    person = ClientFactory(clinic=clinic, preferred_channel="sms", phone="+12125550123")
    return services.enqueue(
        recipient=person,
        template_key="clinic_notice",
        context={"headline": "Closed", "body": "Back on Tuesday."},
        send_after=DAYTIME,
        idempotency_key=key,
    )


@pytest.mark.parametrize(
    ("status", "outcome"),
    [(400, "failed"), (404, "failed"), (422, "failed"), (401, "pending"), (429, "pending")],
)
def test_a_provider_refusal_fails_at_once_but_a_rate_limit_or_credentials_are_retried(
    sms_provider, clinic, sweep, status, outcome
):
    row = _enqueue_sms(clinic)
    sms_provider.answer_next = [status]
    with time_machine.travel(DAYTIME, tick=False):
        sweep(DAYTIME)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (outcome, 1)
    assert str(status) in row.last_error and not row.maybe_delivered


def test_an_sms_taken_but_answered_too_late_is_retried_and_the_key_keeps_it_single(
    sms_provider, clinic, sweep, settings
):
    settings.SMS_HTTP_TIMEOUT = 0.3
    row = _enqueue_sms(clinic)
    sms_provider.slow_next = 1
    with time_machine.travel(DAYTIME, tick=False):
        sweep(DAYTIME)
    row.refresh_from_db()
    assert (row.status, row.maybe_delivered) == ("pending", True)
    assert "did not answer" in row.last_error
    with time_machine.travel(row.next_attempt_at, tick=False):
        sweep(row.next_attempt_at)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.provider_message_id) == ("sent", 2, "SM0001")
    assert len(sms_provider.received) == 1  # the provider recognised the repeat by its key


def test_an_unreachable_provider_is_retried(clinic, sweep, settings):
    settings.SMS_BACKEND = "clinic.notifications.channels.HttpSmsBackend"
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{free_port()}/messages"  # nobody listens
    row = _enqueue_sms(clinic)
    with time_machine.travel(DAYTIME, tick=False):
        sweep(DAYTIME)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.maybe_delivered) == ("pending", 1, False)
    assert "unreachable" in row.last_error


def _unsubscribe_url(client_record) -> str:
    return rendering.unsubscribe_path(rendering.unsubscribe_token(client=client_record))


def test_the_unsubscribe_link_asks_first_then_records_the_opt_out(client_record):
    row = services.enqueue(
        recipient=client_record,
        template_key="clinic_notice",
        context={"headline": "h", "body": "b"},
        send_after=datetime.now(UTC) + timedelta(days=1),
        idempotency_key="future",
    )
    browser = BrowserClient(enforce_csrf_checks=True)
    page = browser.get(_unsubscribe_url(client_record))
    assert page.status_code == 200 and b"Stop messages" in page.content
    client_record.refresh_from_db()
    assert client_record.message_opt_in is True  # a GET changes nothing
    done = browser.post(_unsubscribe_url(client_record))
    assert done.status_code == 200
    client_record.refresh_from_db()
    assert client_record.message_opt_in is False
    row.refresh_from_db()
    assert row.status == "cancelled"
    assert AuditEvent.objects.filter(client=client_record, detail__via="unsubscribe link").exists()


def test_one_click_unsubscribe_from_a_mail_app_works(client_record):
    response = BrowserClient().post(
        _unsubscribe_url(client_record), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    client_record.refresh_from_db()
    assert client_record.message_opt_in is False


def test_a_tampered_unsubscribe_link_is_refused_kindly(client_record):
    url = _unsubscribe_url(client_record)
    response = BrowserClient().post(url[:-3] + "xyz/")
    assert response.status_code == 400
    assert b"does not work" in response.content
    client_record.refresh_from_db()
    assert client_record.message_opt_in is True


def test_every_email_carries_a_working_unsubscribe_link(client_record, sweep):
    services.enqueue(
        recipient=client_record,
        template_key="clinic_notice",
        context={"headline": "h", "body": "b"},
        send_after=datetime.now(UTC),
        idempotency_key="with-link",
    )
    sweep()
    sent = mail.outbox[0]
    link = sent.extra_headers["List-Unsubscribe"].strip("<>")
    assert link in sent.body and link in sent.alternatives[0][0]
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert BrowserClient().post("/" + path).status_code == 200


def test_the_admin_resends_a_failed_row_and_cancels_a_pending_one(front_desk, client_record):
    failed = services.enqueue(
        recipient=client_record,
        template_key="clinic_notice",
        context={"headline": "h", "body": "b"},
        send_after=datetime.now(UTC),
        idempotency_key="f",
    )
    Notification.objects.filter(pk=failed.pk).update(status="failed", attempts=6, last_error="550")
    pending = services.enqueue(
        recipient=client_record,
        template_key="clinic_notice",
        context={"headline": "h", "body": "b"},
        send_after=datetime.now(UTC) + timedelta(days=1),
        idempotency_key="p",
    )
    browser = BrowserClient()
    browser.force_login(front_desk)
    listing = browser.get("/admin/notifications/notification/?status__exact=failed")
    assert listing.status_code == 200 and b"550" in listing.content
    browser.post(
        "/admin/notifications/notification/",
        {"action": "resend_failed", "_selected_action": [failed.pk]},
    )
    browser.post(
        "/admin/notifications/notification/",
        {"action": "cancel_pending", "_selected_action": [pending.pk]},
    )
    failed.refresh_from_db()
    pending.refresh_from_db()
    assert (failed.status, failed.attempts) == ("pending", 0)
    assert pending.status == "cancelled"


def test_an_anymail_provider_is_used_by_setting_and_its_message_id_recorded(
    client_record, sweep, settings
):
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    settings.ANYMAIL = {"TEST_SEND_DEFAULTS": {}}
    row = services.enqueue(
        recipient=client_record,
        template_key="clinic_notice",
        context={"headline": "h", "body": "b"},
        send_after=datetime.now(UTC),
        idempotency_key="anymail",
    )
    sweep()
    row.refresh_from_db()
    assert row.status == "sent"
    sent = mail.outbox[0]
    assert row.provider_message_id == str(sent.anymail_status.message_id)
    assert row.provider_message_id != sent.extra_headers["Message-ID"]
