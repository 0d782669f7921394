"""API tokens: one per device, with an expiry, listed and revoked by their
owner, and all ended by a password change, whichever way it is changed."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client as BrowserClient
from rest_framework.test import APIClient

from clinic.core import accounts, services
from clinic.core.errors import InvalidInput
from clinic.core.models import ApiToken, AuditEvent
from tests.clinic.auth_helpers import NOW, api_sign_in, browser, page_sign_in, token_client
from tests.clinic.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.clock  # tokens expire

NEW_PASSWORD = "a-brand-new-passphrase-42"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def sign_in(api, username: str = "frontdesk", **extra) -> str:
    response = api_sign_in(api, username, **extra)
    assert response.status_code == 200, response.content
    return response.json()["token"]


def works(token: str) -> bool:
    return token_client(token).get("/api/v1/me/").status_code == 200


def test_each_sign_in_gets_a_token_of_its_own_with_an_expiry(clock, api, front_desk, settings):
    response = api_sign_in(api, "frontdesk", device="Front desk iPad")
    body = response.json()
    assert set(body) == {"token", "expiry", "user"}
    assert body["user"]["username"] == "frontdesk"
    expiry = NOW + timedelta(days=settings.API_TOKEN_DAYS)
    assert body["expiry"] == expiry.isoformat().replace("+00:00", "Z")
    second = sign_in(api)
    assert second != body["token"]
    assert works(body["token"]) and works(second)
    stored = ApiToken.objects.get(device="Front desk iPad")
    assert body["token"] not in (stored.digest, stored.token_key)  # only a hash is kept


def test_signing_out_ends_only_the_token_of_that_device(api, front_desk):
    phone, laptop = sign_in(api), sign_in(api)
    assert token_client(phone).delete("/api/v1/auth/token/").status_code == 204
    assert not works(phone)
    assert works(laptop)


def test_signing_out_without_a_token_is_a_401(api, db):
    response = api.delete("/api/v1/auth/token/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_token_stops_working_when_it_expires(clock, api, front_desk, settings):
    token = sign_in(api)
    clock.shift(timedelta(days=settings.API_TOKEN_DAYS) - timedelta(minutes=1))
    assert works(token)  # used every day: the expiry is fixed, not extended
    clock.shift(timedelta(minutes=2))
    response = token_client(token).get("/api/v1/me/")
    assert response.status_code == 401
    assert not ApiToken.objects.exists()


def test_a_token_400_days_old_does_not_work(clock, api, front_desk):
    token = sign_in(api)
    clock.shift(timedelta(days=400))
    assert not works(token)


def test_an_old_style_token_or_a_made_up_one_is_refused(api, front_desk):
    sign_in(api)
    for made_up in ("9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b", "é" * 10, "0" * 64):
        assert token_client(made_up).get("/api/v1/me/").status_code == 401


def test_owners_list_their_own_tokens_and_no_one_elses(clock, api, front_desk, therapist):
    mine = sign_in(api, device="Reception PC")
    clock.shift(timedelta(minutes=5))
    from_app = api.post(
        "/api/v1/auth/token/",
        {"username": "frontdesk", "password": PASSWORD},
        format="json",
        HTTP_USER_AGENT="ClinicApp/2.1 (iPhone)",
    )
    assert from_app.status_code == 200
    sign_in(api, "therapist", device="Therapist phone")
    clock.shift(timedelta(minutes=5))
    listed = token_client(mine).get("/api/v1/auth/tokens/")
    assert listed.status_code == 200
    rows = listed.json()["results"]
    assert [row["device"] for row in rows] == ["ClinicApp/2.1 (iPhone)", "Reception PC"]
    newest, current = rows
    assert current["current"] is True and newest["current"] is False
    assert set(current) == {
        "id",
        "prefix",
        "device",
        "created",
        "expiry",
        "last_used_at",
        "second_factor",
        "current",
    }
    assert mine.startswith(current["prefix"]) and len(current["prefix"]) == 8
    assert current["last_used_at"] == (NOW + timedelta(minutes=10)).isoformat().replace(
        "+00:00", "Z"
    )
    assert newest["last_used_at"] is None
    assert mine not in listed.content.decode()


def test_last_use_is_written_at_most_once_a_minute(clock, api, front_desk):
    token = sign_in(api)
    assert works(token)
    stored = ApiToken.objects.get()
    first = stored.last_used_at
    clock.shift(timedelta(seconds=20))
    assert works(token)
    stored.refresh_from_db()
    assert stored.last_used_at == first
    clock.shift(timedelta(minutes=1))
    assert works(token)
    stored.refresh_from_db()
    assert stored.last_used_at == NOW + timedelta(seconds=80)


def test_revoking_one_of_my_tokens_signs_that_device_out(api, front_desk):
    here, there = sign_in(api), sign_in(api)
    there_id = ApiToken.objects.order_by("-id").first().pk
    assert token_client(here).delete(f"/api/v1/auth/tokens/{there_id}/").status_code == 204
    assert not works(there)
    assert works(here)


def test_someone_elses_token_is_not_found_and_keeps_working(api, front_desk, therapist):
    mine = sign_in(api)
    theirs = sign_in(api, "therapist")
    their_id = ApiToken.objects.get(user=therapist).pk
    response = token_client(mine).delete(f"/api/v1/auth/tokens/{their_id}/")
    assert response.status_code == 404
    assert works(theirs)


def test_a_password_change_through_the_service_ends_every_token(api, front_desk):
    tokens = [sign_in(api) for _ in range(3)]
    services.change_password(user=front_desk, new_password=NEW_PASSWORD)
    assert not any(works(token) for token in tokens)
    assert not ApiToken.objects.exists()
    event = AuditEvent.objects.get(detail__password="changed")
    assert event.detail["api_tokens_revoked"] == 3
    assert sign_in(api, password=NEW_PASSWORD)


def test_a_weak_new_password_is_refused_naming_the_field(front_desk):
    with pytest.raises(InvalidInput) as refused:
        services.change_password(user=front_desk, new_password="123")
    assert "new_password" in refused.value.fields
    front_desk.refresh_from_db()
    assert front_desk.check_password(PASSWORD)


def test_a_password_changed_any_other_way_ends_every_token_too(api, front_desk):
    # As `manage.py changepassword`, the shell or any future page would do it:
    # no service, no signal.
    token = sign_in(api)
    front_desk.set_password(NEW_PASSWORD)
    front_desk.save()
    assert not works(token)
    assert accounts.list_api_tokens_for(front_desk).count() == 0


def test_a_password_changed_in_the_admin_ends_tokens_and_other_sessions(api, front_desk):
    token = sign_in(api)
    elsewhere = browser(ip="198.51.100.9")
    assert page_sign_in(elsewhere, "frontdesk").status_code == 302
    here = BrowserClient()
    here.force_login(front_desk)
    response = here.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.content
    assert not works(token)
    assert here.get("/admin/").status_code == 200  # this session stays signed in
    assert elsewhere.get("/admin/")["Location"].startswith("/admin/login/")


def test_the_token_list_keeps_only_the_newest_tokens_per_person(api, front_desk, settings):
    settings.API_TOKENS_PER_USER = 3
    tokens = [sign_in(api) for _ in range(5)]
    assert [works(token) for token in tokens] == [False, False, True, True, True]
    assert ApiToken.objects.count() == 3


def test_the_token_list_needs_a_sign_in(api, db):
    assert api.get("/api/v1/auth/tokens/").status_code == 401


def test_signing_in_on_another_account_does_not_touch_my_tokens(api, front_desk):
    mine = sign_in(api)
    UserFactory(username="colleague", clinic=front_desk.clinic, role="front_desk")
    sign_in(api, "colleague")
    assert works(mine)


@pytest.mark.parametrize("header", ["Token", "Token two parts", "Bearer abc", "Basic Zm9vOmJhcg=="])
def test_a_malformed_or_foreign_authorization_header_is_a_401(api, front_desk, header):
    sign_in(api)
    caller = APIClient()
    caller.credentials(HTTP_AUTHORIZATION=header)
    response = caller.get("/api/v1/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
