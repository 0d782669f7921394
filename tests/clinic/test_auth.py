from __future__ import annotations

from django.test import Client as BrowserClient
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from tests.clinic.factories import PASSWORD


def _login(api: APIClient, username: str, password: str, ip: str = "192.0.2.10"):
    return api.post(
        "/api/v1/auth/token/",
        {"username": username, "password": password},
        format="json",
        REMOTE_ADDR=ip,
    )


def test_signing_in_returns_a_token_that_opens_the_api(api, front_desk):
    response = _login(api, "frontdesk", PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["role"] == "front_desk"
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert other.get("/api/v1/me/").json()["username"] == "frontdesk"


def test_a_wrong_password_is_a_400_naming_the_field(api, front_desk):
    response = _login(api, "frontdesk", "wrong")
    assert response.status_code == 400
    assert "password" in response.json()["fields"]


def test_missing_credentials_name_both_fields(api, db):
    response = api.post("/api/v1/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"username", "password"}


def test_repeated_failures_lock_the_account_out_even_with_the_right_password(
    api, front_desk, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(api, "frontdesk", "wrong")
    locked = _login(api, "frontdesk", PASSWORD)
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out"
    # Another address is not locked out for this username.
    assert _login(api, "frontdesk", PASSWORD, ip="198.51.100.7").status_code == 200


def test_sign_in_is_throttled_per_address(api, front_desk, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK}
    original = ScopedRateThrottle.THROTTLE_RATES
    ScopedRateThrottle.THROTTLE_RATES = {"login": "3/min"}
    try:
        statuses = [_login(api, "frontdesk", PASSWORD).status_code for _ in range(4)]
    finally:
        ScopedRateThrottle.THROTTLE_RATES = original
    assert statuses == [200, 200, 200, 429]


def test_signing_out_revokes_the_token(api, front_desk):
    token = _login(api, "frontdesk", PASSWORD).json()["token"]
    signed_in = APIClient()
    signed_in.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert signed_in.delete("/api/v1/auth/token/").status_code == 204
    assert signed_in.get("/api/v1/me/").status_code == 401


def test_admin_login_is_locked_out_after_repeated_failures(front_desk, settings):
    browser = BrowserClient(REMOTE_ADDR="192.0.2.44")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        browser.post("/admin/login/", {"username": "frontdesk", "password": "nope"})
    response = browser.post("/admin/login/", {"username": "frontdesk", "password": PASSWORD})
    assert response.status_code == 429
