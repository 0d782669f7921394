"""A client fills the intake form in a real browser on a phone-sized screen.

Playwright drives Debian's Chromium against the live test server: taps
regions on the SVG body map, fills the rest, submits, and the test reads the
stored submission back. Screenshots go to var/screenshots/. (A file of its
own: the live server needs a transactional database.)"""

from __future__ import annotations

import pytest

from intake import services
from intake.models import Submission
from tests.intake.helpers import link_path
from tests.support.browser import SCREENSHOTS, chromium

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _orm_beside_playwright(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls in
    # these tests are made around it, never from inside it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


PHONE = {"width": 375, "height": 812}


def _fill_the_rest(page) -> None:
    page.fill("#id_phone", "+1 212 555 0177")
    page.fill("#id_emergency_name", "Sam Brooks")
    page.fill("#id_emergency_phone", "+1 212 555 0178")
    page.check("label:has-text('Standing up after sitting for a while') input")
    for name, value in (("nrs_now", "6"), ("nrs_worst", "8"), ("nrs_best", "3")):
        page.check(f"input[name='{name}'][value='{value}']")
    page.fill("#id_onset", "Slowly over the winter, long days at my desk.")
    page.select_option("#id_duration", "months")
    page.check("input[name='earlier_episodes'][value='no']")
    page.fill("#id_sitting_hours", "9")
    page.check("#id_consent_treatment")
    page.check("#id_consent_privacy")
    page.fill("#id_signature", "Daniel Brooks")


def test_a_client_fills_the_form_on_a_phone_tapping_the_body_map(
    live_server, client_record, front_desk
):
    services.ensure_default_rules(client_record.clinic)
    invitation = services.send_intake_link(client=client_record, sent_by=front_desk)
    url = live_server.url + link_path(invitation)
    with chromium() as browser:
        page = browser.new_page(
            viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
        )
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        back = "svg[data-view='back']"
        page.tap(f"{back} [data-region='lower_back_left']")
        page.tap(f"{back} [data-region='lower_back_right']")
        page.tap("svg[data-view='front'] [data-region='front_thigh_left']")
        page.tap(f"{back} [data-region='buttock_right']")
        page.tap(f"{back} [data-region='buttock_right']")  # changed their mind
        assert page.is_checked("input[name='pain_map'][value='lower_back_left']")
        assert not page.is_checked("input[name='pain_map'][value='buttock_right']")
        assert "on" in page.get_attribute(f"{back} [data-region='lower_back_left']", "class")
        page.locator("#q-pain_map").screenshot(path=str(SCREENSHOTS / "intake-body-map.png"))
        _fill_the_rest(page)
        page.screenshot(path=str(SCREENSHOTS / "intake-form-filled.png"), full_page=True)
        page.click("button[type=submit]")
        page.wait_for_selector("h1:has-text('Thank you')")
        page.screenshot(path=str(SCREENSHOTS / "intake-thank-you.png"), full_page=True)
    submission = Submission.objects.get(invitation=invitation)
    assert submission.pain_regions == ["lower_back_left", "lower_back_right", "front_thigh_left"]
    assert submission.triggers == ["standing_up_after_sitting"]
    assert (submission.nrs_now, submission.nrs_worst, submission.nrs_best) == (6, 8, 3)
    assert submission.signature_name == "Daniel Brooks"
    assert submission.suggestions.filter(muscle__slug="rectus-femoris").exists()
    assert (SCREENSHOTS / "intake-form-filled.png").stat().st_size > 10_000


def test_without_javascript_the_regions_are_checkboxes_and_errors_keep_the_input(
    live_server, client_record, front_desk
):
    invitation = services.send_intake_link(client=client_record, sent_by=front_desk)
    with chromium() as browser:
        context = browser.new_context(viewport=PHONE, java_script_enabled=False)
        page = context.new_page()
        page.goto(live_server.url + link_path(invitation))
        page.check("label:has-text('Lower back, middle') input")
        _fill_the_rest(page)
        page.uncheck("#id_consent_privacy")
        page.click("button[type=submit]")
        error = page.locator("#q-consent_privacy .errorlist")
        assert error.is_visible()
        assert page.is_checked("label:has-text('Lower back, middle') input")
        assert page.input_value("#id_onset").startswith("Slowly over the winter")
        page.screenshot(path=str(SCREENSHOTS / "intake-form-error.png"), full_page=True)
        page.check("#id_consent_privacy")
        page.click("button[type=submit]")
        page.wait_for_selector("h1:has-text('Thank you')")
        context.close()
    assert Submission.objects.get(invitation=invitation).pain_regions == ["lower_back_centre"]
