"""One client address for throttling, the sign-in lockout and the audit trail,
decided by CLINIC_TRUSTED_PROXIES: a caller cannot choose theirs by writing
X-Forwarded-For."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import RequestFactory

from clinic.core.models import AuditEvent
from clinic.core.net import client_address
from tests.clinic.auth_helpers import NOW
from tests.clinic.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
PEER = "192.0.2.50"  # who connects to us: a caller, or our own proxy
REAL_CLIENT = "203.0.113.9"
OTHER_CLIENT = "198.51.100.4"


@pytest.fixture
def clock():
    # Rate limits count per minute: the clock stands still unless a test moves it.
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def forged(n: int) -> str:
    return f"10.{n // 250}.{n % 250}.1"


def sign_in(api, username: str, password: str, forwarded: str, peer: str = PEER):
    return api.post(
        "/api/v1/auth/token/",
        {"username": username, "password": password},
        format="json",
        REMOTE_ADDR=peer,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def address(meta: dict[str, str]) -> str | None:
    return client_address(RequestFactory().get("/", **meta))


# --- the one function ---------------------------------------------------------------------


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.CLINIC_TRUSTED_PROXIES = 0
    meta = {"REMOTE_ADDR": PEER, "HTTP_X_FORWARDED_FOR": f"{forged(1)}, {REAL_CLIENT}"}
    assert address(meta) == PEER


def test_behind_one_proxy_the_entry_it_appended_decides(settings):
    settings.CLINIC_TRUSTED_PROXIES = 1
    assert address({"REMOTE_ADDR": PEER, "HTTP_X_FORWARDED_FOR": REAL_CLIENT}) == REAL_CLIENT
    forged_first = {"REMOTE_ADDR": PEER, "HTTP_X_FORWARDED_FOR": f"{forged(1)}, {REAL_CLIENT}"}
    assert address(forged_first) == REAL_CLIENT


def test_behind_two_proxies_the_second_entry_from_the_right_decides(settings):
    settings.CLINIC_TRUSTED_PROXIES = 2
    meta = {
        "REMOTE_ADDR": PEER,
        "HTTP_X_FORWARDED_FOR": f"{forged(1)}, {forged(2)}, {REAL_CLIENT}, 10.9.9.9",
    }
    assert address(meta) == REAL_CLIENT


@pytest.mark.parametrize("header", ["", "   ", "not-an-address, ", "garbage"])
def test_a_missing_or_malformed_entry_falls_back_to_the_peer(settings, header):
    settings.CLINIC_TRUSTED_PROXIES = 1
    assert address({"REMOTE_ADDR": PEER, "HTTP_X_FORWARDED_FOR": header}) == PEER


def test_fewer_entries_than_proxies_trust_nothing_in_the_header(settings):
    settings.CLINIC_TRUSTED_PROXIES = 2
    assert address({"REMOTE_ADDR": PEER, "HTTP_X_FORWARDED_FOR": REAL_CLIENT}) == PEER


def test_ipv6_addresses_are_kept_in_their_short_form(settings):
    settings.CLINIC_TRUSTED_PROXIES = 1
    meta = {"REMOTE_ADDR": PEER, "HTTP_X_FORWARDED_FOR": "2001:0db8:0000:0000:0000:0000:0000:0001"}
    assert address(meta) == "2001:db8::1"


def test_the_setting_is_read_from_the_environment():
    env = {**os.environ, "CLINIC_TRUSTED_PROXIES": "2", "DJANGO_ENV": "test"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
            "'clinic.project.settings'); django.setup(); "
            "from django.conf import settings; print(settings.CLINIC_TRUSTED_PROXIES)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2"


# --- throttling ---------------------------------------------------------------------------


def test_forty_sign_ins_with_changing_headers_from_one_peer_are_throttled(clock, api, db, settings):
    settings.CLINIC_TRUSTED_PROXIES = 0
    # A different (unknown) username each time, so the lockout never decides: the throttle does.
    responses = [sign_in(api, f"guess{n}", "wrong", forged(n)) for n in range(40)]
    codes = [r.json()["code"] for r in responses]
    assert codes[:20] == ["invalid"] * 20
    assert codes[20:] == ["throttled"] * 20
    assert {r.status_code for r in responses[20:]} == {429}
    assert responses[-1].json()["retry_after_seconds"] == 60
    clock.shift(61)
    assert sign_in(api, "guess-later", "wrong", forged(41)).status_code == 400


def test_behind_a_proxy_a_forged_first_entry_does_not_buy_more_attempts(clock, api, db, settings):
    settings.CLINIC_TRUSTED_PROXIES = 1
    responses = [
        sign_in(api, f"guess{n}", "wrong", f"{forged(n)}, {REAL_CLIENT}") for n in range(40)
    ]
    assert [r.status_code for r in responses].count(429) == 20
    # Another person behind the same proxy has their own allowance.
    other = sign_in(api, "guess-other", "wrong", f"{forged(99)}, {OTHER_CLIENT}")
    assert other.status_code == 400


# --- the lockout --------------------------------------------------------------------------


def test_the_lockout_is_keyed_by_the_same_address(clock, api, front_desk, settings):
    settings.CLINIC_TRUSTED_PROXIES = 1
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(api, "frontdesk", "wrong", f"{forged(n)}, {REAL_CLIENT}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {REAL_CLIENT}
    locked = sign_in(api, "frontdesk", PASSWORD, f"{forged(77)}, {REAL_CLIENT}")
    assert locked.status_code == 429 and locked.json()["code"] == "locked_out"
    assert sign_in(api, "frontdesk", PASSWORD, f"{forged(78)}, {OTHER_CLIENT}").status_code == 200


def test_without_trusted_proxies_the_lockout_ignores_the_header(clock, api, front_desk, settings):
    settings.CLINIC_TRUSTED_PROXIES = 0
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(api, "frontdesk", "wrong", forged(n))
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {PEER}
    assert sign_in(api, "frontdesk", PASSWORD, forged(50)).status_code == 429


# --- the audit trail ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "forwarded", "recorded"),
    [
        (0, f"{forged(1)}, {REAL_CLIENT}", PEER),
        (1, f"{forged(1)}, {REAL_CLIENT}", REAL_CLIENT),
        (1, "<script>", PEER),
    ],
)
def test_the_audit_trail_records_the_same_address(
    api_as, front_desk, client_record, settings, proxies, forwarded, recorded
):
    settings.CLINIC_TRUSTED_PROXIES = proxies
    response = api_as("front_desk").get(
        f"/api/v1/clients/{client_record.pk}/", REMOTE_ADDR=PEER, HTTP_X_FORWARDED_FOR=forwarded
    )
    assert response.status_code == 200
    event = AuditEvent.objects.filter(object_id=str(client_record.pk), action="read").get()
    assert event.ip_address == recorded
