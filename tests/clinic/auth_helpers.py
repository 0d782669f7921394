"""Signing in for the authentication tests: the API's token endpoint, a TOTP
code worked out from a device's key at the (frozen) current time, and
enrolment through the real services."""

from __future__ import annotations

from datetime import UTC, datetime

from django.test import Client as BrowserClient
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from clinic.core.models import User
from clinic.core.two_factor import devices
from tests.clinic.factories import PASSWORD

# A quiet Tuesday morning; TOTP steps are 30 s, so tests move on by STEP
# between two codes (a code is accepted once only).
NOW = datetime(2026, 6, 2, 9, 0, 10, tzinfo=UTC)
STEP = 30


def app_code(device: TOTPDevice) -> str:
    """The code the person's authenticator app shows right now."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def wrong_code(device: TOTPDevice) -> str:
    right = int(app_code(device))
    return f"{(right + 500_000) % 1_000_000:06d}"


def enrol(user: User) -> tuple[TOTPDevice, list[str]]:
    """Set up an authenticator app for ``user`` as the set-up page does."""
    device = devices.start_app_enrolment(user=user)
    enrolment = devices.confirm_app_enrolment(user=user, code=app_code(device))
    return enrolment.device, enrolment.recovery_codes


def api_sign_in(
    api: APIClient, username: str, password: str = PASSWORD, ip: str = "192.0.2.10", **extra: str
):
    return api.post(
        "/api/v1/auth/token/",
        {"username": username, "password": password, **extra},
        format="json",
        REMOTE_ADDR=ip,
    )


def token_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def browser(ip: str = "192.0.2.20") -> BrowserClient:
    return BrowserClient(REMOTE_ADDR=ip)


def page_sign_in(page: BrowserClient, username: str, password: str = PASSWORD, next_url: str = ""):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return page.post("/accounts/login/", data)
