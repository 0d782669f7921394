"""Two-factor sign-in for staff: setting up an authenticator app, signing in
with a code or a recovery code, wrong codes and the lockout, the clinic's
requirement, the admin, and API tokens.

Codes are worked out from the device's key at a frozen instant (time-machine),
exactly as the person's phone would; the clock moves on by a 30-second step
between two codes, because a code is accepted once only."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.core.models import ApiToken, AuditEvent
from clinic.core.two_factor import devices
from tests.clinic.auth_helpers import (
    NOW,
    STEP,
    api_sign_in,
    app_code,
    browser,
    enrol,
    page_sign_in,
    token_client,
    wrong_code,
)
from tests.clinic.factories import PASSWORD

pytestmark = pytest.mark.clock  # time-based codes, lockouts and the second step's time limit

SETUP = "/accounts/two-factor/setup/"
SECOND_STEP = "/accounts/two-factor/"
SETTINGS = "/accounts/two-factor/settings/"
CODES = re.compile(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>")


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def next_step(clock) -> None:
    clock.shift(timedelta(seconds=STEP))


def signed_in(page) -> bool:
    return "_auth_user_id" in page.session


def sign_in_fully(clock, page, username: str, device: TOTPDevice) -> None:
    assert page_sign_in(page, username).status_code == 302
    next_step(clock)
    assert page.post(SECOND_STEP, {"code": app_code(device)}).status_code == 302
    assert signed_in(page)


# --- setting up an app --------------------------------------------------------------------


def test_staff_set_up_an_app_and_see_their_ten_recovery_codes_once(clock, front_desk):
    page = browser()
    page.force_login(front_desk)
    setup = page.get(SETUP)
    assert setup.status_code == 200
    html = setup.content.decode()
    device = TOTPDevice.objects.get(user=front_desk, confirmed=False)
    assert '<svg width="' in html and 'class="qr-code"' in html  # drawn here, nothing fetched
    assert devices.secret_for_people(device) in html
    assert "no-store" in setup["Cache-Control"]

    refused = page.post(SETUP, {"code": wrong_code(device)})
    assert refused.status_code == 200
    assert "That code is not right" in refused.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    next_step(clock)
    done = page.post(SETUP, {"code": app_code(device)})
    assert done.status_code == 200
    shown = CODES.findall(done.content.decode())
    assert len(shown) == len(set(shown)) == 10
    stored = set(
        StaticToken.objects.filter(device__user=front_desk).values_list("token", flat=True)
    )
    assert {code.replace("-", "") for code in shown} == stored
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(object_id=str(front_desk.pk), detail__two_factor="set up")

    # Never shown again: the set-up page now leads to the settings, which count them.
    assert page.get(SETUP)["Location"] == SETTINGS
    settings_page = page.get(SETTINGS).content.decode()
    assert "10 recovery codes left" in settings_page
    assert not CODES.findall(settings_page)


def test_the_setup_page_is_for_staff(client):
    page = browser()
    page.force_login(client)
    assert page.get(SETUP).status_code == 302
    assert page.get(SETTINGS).status_code == 404
    assert not TOTPDevice.objects.exists()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("anonymous", 302), ("client", 404), ("therapist", 200), ("front_desk", 200), ("owner", 200)],
)
def test_the_settings_page_answers_each_role(request, persona, expected):
    page = browser()
    if persona != "anonymous":
        page.force_login(request.getfixturevalue(persona))
    response = page.get(SETTINGS)
    assert response.status_code == expected
    if persona == "anonymous":
        assert response["Location"].startswith("/accounts/login/")


# --- signing in on the staff pages --------------------------------------------------------


def test_a_password_alone_does_not_sign_in_someone_with_an_app(clock, front_desk):
    device, _ = enrol(front_desk)
    next_step(clock)
    page = browser()
    response = page_sign_in(page, "frontdesk", next_url="/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{SECOND_STEP}?next=%2Fadmin%2F"
    assert not signed_in(page)
    assert page.get("/admin/")["Location"].startswith("/admin/login/")
    assert page.get("/api/v1/me/").status_code == 401

    assert page.get(response["Location"]).status_code == 200
    done = page.post(SECOND_STEP, {"code": app_code(device), "next": "/admin/"})
    assert done.status_code == 302 and done["Location"] == "/admin/"
    assert signed_in(page)
    assert page.get("/admin/").status_code == 200
    assert page.get("/api/v1/me/").json()["username"] == "frontdesk"


def test_a_wrong_code_is_refused_and_counts_as_a_failed_sign_in(clock, front_desk):
    device, _ = enrol(front_desk)
    next_step(clock)
    page = browser()
    page_sign_in(page, "frontdesk")
    refused = page.post(SECOND_STEP, {"code": wrong_code(device)})
    assert refused.status_code == 200
    assert "That code is not right" in refused.content.decode()
    assert not signed_in(page)
    assert AccessAttempt.objects.get(username="frontdesk").failures_since_start == 1

    next_step(clock)
    assert page.post(SECOND_STEP, {"code": app_code(device)}).status_code == 302
    assert signed_in(page)
    # The completed sign-in resets the count (AXES_RESET_ON_SUCCESS).
    assert not AccessAttempt.objects.filter(username="frontdesk").exists()


def test_an_empty_code_is_asked_for_again_without_counting(clock, front_desk):
    enrol(front_desk)
    page = browser()
    page_sign_in(page, "frontdesk")
    response = page.post(SECOND_STEP, {"code": "  "})
    assert response.status_code == 200
    assert "Please enter the code." in response.content.decode()
    assert not AccessAttempt.objects.exists()


def test_a_recovery_code_signs_in_once_only(clock, front_desk):
    _, codes = enrol(front_desk)
    page = browser()
    page_sign_in(page, "frontdesk")
    # As people type it: any case, with the hyphen.
    typed = devices.format_recovery_code(codes[0]).upper()
    assert page.post(SECOND_STEP, {"code": typed}).status_code == 302
    assert signed_in(page)
    assert StaticToken.objects.filter(device__user=front_desk).count() == 9
    used = AuditEvent.objects.get(detail__two_factor="recovery code used")
    assert used.detail["left"] == 9

    page.post("/accounts/logout/")
    next_step(clock)
    again = browser()
    page_sign_in(again, "frontdesk")
    refused = again.post(SECOND_STEP, {"code": codes[0]})
    assert refused.status_code == 200
    assert not signed_in(again)


def test_repeated_wrong_codes_lock_the_sign_in_out_like_wrong_passwords(
    clock, front_desk, settings
):
    device, _ = enrol(front_desk)
    next_step(clock)
    page = browser()
    page_sign_in(page, "frontdesk")
    statuses = [
        page.post(SECOND_STEP, {"code": wrong_code(device)}).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    # The half-finished sign-in is gone, and the password is paused too.
    next_step(clock)
    assert page.post(SECOND_STEP, {"code": app_code(device)})["Location"].startswith(
        "/accounts/login/"
    )
    assert page_sign_in(browser(), "frontdesk").status_code == 429
    # After the cool-off (counted from the last try), the right password and
    # the right code sign in again.
    clock.shift(settings.AXES_COOLOFF_TIME + timedelta(minutes=1))
    fresh = browser()
    sign_in_fully(clock, fresh, "frontdesk", device)


def test_a_right_password_in_between_does_not_reset_the_count_of_wrong_codes(
    clock, front_desk, settings
):
    device, _ = enrol(front_desk)
    page = browser()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        page_sign_in(page, "frontdesk")  # the right password, then a wrong code
        page.post(SECOND_STEP, {"code": wrong_code(device)})
    page_sign_in(page, "frontdesk")
    assert page.post(SECOND_STEP, {"code": wrong_code(device)}).status_code == 429


def test_the_second_step_must_follow_the_password_in_time(clock, front_desk, settings):
    device, _ = enrol(front_desk)
    page = browser()
    page_sign_in(page, "frontdesk")
    clock.shift(timedelta(seconds=settings.CLINIC_TWO_FACTOR_STEP_SECONDS + 1))
    late = page.post(SECOND_STEP, {"code": app_code(device)})
    assert late["Location"].startswith("/accounts/login/")
    assert not signed_in(page)


def test_a_next_address_on_another_site_is_ignored(clock, front_desk):
    device, _ = enrol(front_desk)
    next_step(clock)
    page = browser()
    response = page_sign_in(page, "frontdesk", next_url="https://evil.example/")
    assert response["Location"] == f"{SECOND_STEP}?next=%2F"
    done = page.post(SECOND_STEP, {"code": app_code(device), "next": "https://evil.example/"})
    assert done["Location"] == "/"


def test_staff_without_an_app_sign_in_with_their_password_when_the_clinic_allows(therapist):
    page = browser()
    response = page_sign_in(page, "therapist")
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in(page)


# --- the clinic's requirement -------------------------------------------------------------


def require_two_factor(clinic) -> None:
    clinic.require_two_factor_for_staff = True
    clinic.save(update_fields=["require_two_factor_for_staff"])


def test_when_the_clinic_requires_it_staff_set_up_an_app_before_anything_else(
    clock, front_desk, clinic
):
    require_two_factor(clinic)
    page = browser()
    response = page_sign_in(page, "frontdesk", next_url="/admin/")
    assert response["Location"] == f"{SETUP}?next=%2Fadmin%2F"
    assert not signed_in(page)
    assert page.get("/admin/")["Location"].startswith("/admin/login/")

    setup = page.get(response["Location"])
    assert "Your clinic asks everyone on the team" in setup.content.decode()
    device = TOTPDevice.objects.get(user=front_desk, confirmed=False)
    done = page.post(SETUP, {"code": app_code(device), "next": "/admin/"})
    assert len(CODES.findall(done.content.decode())) == 10
    assert 'href="/admin/"' in done.content.decode()
    assert signed_in(page)
    assert page.get("/admin/").status_code == 200


def test_a_session_from_before_the_requirement_is_sent_to_set_up_an_app(front_desk, clinic):
    page = browser()
    page.force_login(front_desk)
    assert page.get("/admin/").status_code == 200
    require_two_factor(clinic)
    response = page.get("/admin/clinic/client/")
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Fadmin%2Fclinic%2Fclient%2F"
    # The API does not count that session either.
    assert page.get("/api/v1/me/").status_code == 401
    assert page.get(SETUP).status_code == 200


def test_the_admin_refuses_a_session_that_has_not_passed_the_second_step(clock, owner):
    device, _ = enrol(owner)
    page = browser()
    page.force_login(owner)  # e.g. signed in on another computer before setting up the app
    response = page.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{SECOND_STEP}?next=%2Fadmin%2F"
    assert page.get("/admin/clinic/client/").status_code == 302
    assert page.get(SETTINGS)["Location"].startswith(f"{SECOND_STEP}?next=")
    next_step(clock)
    done = page.post(SECOND_STEP, {"code": app_code(device), "next": "/admin/"})
    assert done["Location"] == "/admin/"
    assert page.get("/admin/").status_code == 200


def test_the_admin_sign_in_has_the_same_second_step(clock, owner):
    device, _ = enrol(owner)
    next_step(clock)
    page = browser()
    response = page.post("/admin/login/?next=/admin/", {"username": "owner", "password": "x"})
    assert response.status_code == 200  # wrong password: the form again
    response = page.post("/admin/login/?next=/admin/", {"username": "owner", "password": PASSWORD})
    assert response["Location"] == f"{SECOND_STEP}?next=%2Fadmin%2F"
    assert not signed_in(page)
    page.post(SECOND_STEP, {"code": app_code(device), "next": "/admin/"})
    assert page.get("/admin/").status_code == 200


def test_clients_are_never_asked_for_a_second_factor(api, client, clinic):
    require_two_factor(clinic)
    page = browser()
    assert page_sign_in(page, "client")["Location"] == "/"
    assert signed_in(page)
    assert api_sign_in(api, "client").status_code == 200


def test_turning_it_off_when_the_clinic_requires_it_leads_to_setting_up_a_new_phone(
    clock, therapist, clinic
):
    device, _ = enrol(therapist)
    require_two_factor(clinic)
    page = browser()
    sign_in_fully(clock, page, "therapist", device)
    next_step(clock)
    response = page.post(SETTINGS, {"action": "turn_off", "code": app_code(device)})
    assert response["Location"] == f"{SETUP}?next=%2Faccounts%2Ftwo-factor%2Fsettings%2F"
    assert not TOTPDevice.objects.filter(user=therapist, confirmed=True).exists()
    assert page.get("/admin/")["Location"].startswith(SETUP)


# --- changing it --------------------------------------------------------------------------


def test_new_recovery_codes_and_turning_it_off_need_a_current_code(clock, front_desk):
    device, old_codes = enrol(front_desk)
    page = browser()
    sign_in_fully(clock, page, "frontdesk", device)

    next_step(clock)
    refused = page.post(SETTINGS, {"action": "new_codes", "code": wrong_code(device)})
    assert "That code is not right" in refused.content.decode()
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(old_codes)

    next_step(clock)
    renewed = page.post(SETTINGS, {"action": "new_codes", "code": app_code(device)})
    new_codes = {c.replace("-", "") for c in CODES.findall(renewed.content.decode())}
    assert len(new_codes) == 10 and not new_codes & set(old_codes)
    assert set(StaticToken.objects.values_list("token", flat=True)) == new_codes

    next_step(clock)
    refused = page.post(SETTINGS, {"action": "turn_off", "code": old_codes[0]})
    assert "That code is not right" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=front_desk).exists()

    next_step(clock)
    off = page.post(SETTINGS, {"action": "turn_off", "code": app_code(device)})
    assert off["Location"] == f"{SETTINGS}?turned_off=1"
    assert not TOTPDevice.objects.filter(user=front_desk).exists()
    assert not StaticToken.objects.exists()
    assert "Two-step sign-in is off" in page.get(off["Location"]).content.decode()
    # Setting it up again starts with a new secret.
    assert page.get(SETUP).status_code == 200
    assert TOTPDevice.objects.get(user=front_desk).key != device.key


# --- the API ------------------------------------------------------------------------------


def test_the_api_asks_someone_with_an_app_for_a_code_before_issuing_a_token(clock, api, front_desk):
    device, _ = enrol(front_desk)
    next_step(clock)
    missing = api_sign_in(api, "frontdesk")
    assert missing.status_code == 400
    assert missing.json()["code"] == "second_factor_required"
    assert "otp" in missing.json()["fields"]
    assert not AccessAttempt.objects.exists()  # asking for the code is not a failure

    wrong = api_sign_in(api, "frontdesk", otp=wrong_code(device))
    assert wrong.status_code == 400
    assert "otp" in wrong.json()["fields"]
    assert AccessAttempt.objects.get(username="frontdesk").failures_since_start == 1
    assert not ApiToken.objects.exists()

    next_step(clock)
    right = api_sign_in(api, "frontdesk", otp=app_code(device))
    assert right.status_code == 200
    assert token_client(right.json()["token"]).get("/api/v1/me/").status_code == 200
    assert ApiToken.objects.get().second_factor is True


def test_a_recovery_code_opens_the_api_once(clock, api, front_desk):
    _, codes = enrol(front_desk)
    assert api_sign_in(api, "frontdesk", recovery_code=codes[0]).status_code == 200
    again = api_sign_in(api, "frontdesk", recovery_code=codes[0])
    assert again.status_code == 400
    assert "recovery_code" in again.json()["fields"]


def test_wrong_codes_through_the_api_lock_the_sign_in_out(clock, api, front_desk, settings):
    device, _ = enrol(front_desk)
    next_step(clock)
    statuses = [
        api_sign_in(api, "frontdesk", otp=wrong_code(device)).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses == [400] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    next_step(clock)
    locked = api_sign_in(api, "frontdesk", otp=app_code(device))
    assert locked.status_code == 429 and locked.json()["code"] == "locked_out"
    # Keyed by username and address: the same person elsewhere is not locked out.
    elsewhere = api_sign_in(api, "frontdesk", ip="198.51.100.7", otp=app_code(device))
    assert elsewhere.status_code == 200


def test_staff_without_an_app_get_no_token_when_the_clinic_requires_one(api, front_desk, clinic):
    require_two_factor(clinic)
    response = api_sign_in(api, "frontdesk")
    assert response.status_code == 403
    assert response.json()["code"] == "second_factor_setup_required"
    assert not ApiToken.objects.exists()


def test_the_requirement_ends_staff_tokens_issued_without_a_second_factor(
    api, api_as, front_desk, client, owner
):
    staff_token = api_sign_in(api, "frontdesk").json()["token"]
    client_token = api_sign_in(api, "client").json()["token"]
    turned_on = api_as("owner").patch(
        "/api/v1/clinic/", {"require_two_factor_for_staff": True}, format="json"
    )
    assert turned_on.status_code == 200
    assert turned_on.json()["require_two_factor_for_staff"] is True
    assert token_client(staff_token).get("/api/v1/me/").status_code == 401
    assert token_client(client_token).get("/api/v1/me/").status_code == 200


def test_the_requirement_must_be_a_yes_or_no(api_as, owner):
    response = api_as("owner").patch(
        "/api/v1/clinic/", {"require_two_factor_for_staff": "perhaps"}, format="json"
    )
    assert response.status_code == 400
    assert "require_two_factor_for_staff" in response.json()["fields"]


def test_setting_up_an_app_ends_the_tokens_issued_without_it(clock, api, therapist):
    old = api_sign_in(api, "therapist").json()["token"]
    enrol(therapist)
    assert token_client(old).get("/api/v1/me/").status_code == 401
    assert not ApiToken.objects.filter(user=therapist).exists()
