"""Every kind of page works in Chromium under the strict Content-Security-Policy.

Playwright drives Debian's Chromium against the live test server. Each page
must arrive with the strict policy (no 'unsafe-inline', no 'unsafe-eval'; a
nonce only on the API docs page, whose start-up script needs one), raise no
CSP violation (a ``securitypolicyviolation`` listener installed before any
page script, and Chromium's console) and no script error, and its own script
must visibly have run: the body map ticks a region, the admin builds its
widgets, Swagger UI lists the operations. Screenshots go to var/screenshots/.
A scan of every page template, needing no browser, finds what the policy would
block before any page is opened. (A file of its own: the live server needs a
transactional database.)"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib import admin
from django.test import Client as DjangoClient
from django.test import RequestFactory
from django.urls import reverse

from clinic.core.models import User
from clinic.notifications import rendering
from clinic.notifications.models import Notification
from homework import services as homework
from intake import services as intake
from scheduling import services as scheduling
from tests.clinic.factories import ClientFactory
from tests.homework.conftest import plan, signed_note  # noqa: F401 (fixtures)
from tests.intake.helpers import link_path, submit_intake
from tests.notes.conftest import note, visit  # noqa: F401 (fixtures)
from tests.scheduling.conftest import frozen_now, massage, ny, room  # noqa: F401 (fixtures)
from tests.support.browser import SCREENSHOTS, chromium

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MONDAY_EVENING = datetime(2026, 6, 1, 23, tzinfo=UTC)  # 19:00 in New York, an exercise day

STRICT = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "connect-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
}

# Installed before any script of the page runs (Playwright's init scripts are
# not subject to the page's policy): every violation of this document is kept.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(
    `${e.effectiveDirective} blocked ${e.blockedURI || "?"} at ${e.sourceFile}:${e.lineNumber}`
  );
});
"""

ROOT = Path(__file__).resolve().parents[1]
# What the policy would block in a page template, found without a browser.
INLINE = {
    "a <style> element": re.compile(r"<style\b", re.I),
    "a style attribute": re.compile(r"<[^>]*\sstyle\s*=", re.I),
    "an event handler attribute": re.compile(r"<[^>]*\son[a-z]+\s*=", re.I),
    "a javascript: URL": re.compile(r"javascript:", re.I),
    "an inline <script> without the nonce": re.compile(
        r"<script\b(?![^>]*\bsrc=)(?![^>]*nonce=\"\{\{ CSP_NONCE \}\}\")", re.I
    ),
}


def page_templates() -> list[Path]:
    """Our apps' templates, but not e-mails (not pages: mail apps need inline styles)."""
    apps = ("clinic", "intake", "scheduling", "notes", "homework", "records")
    found = [path for app in apps for path in (ROOT / app).rglob("templates/**/*.html")]
    return sorted(p for p in found if p.name not in ("email.html", "email_base.html"))


def test_no_page_template_has_inline_script_style_or_handlers():
    templates = page_templates()
    assert len(templates) > 20
    found = [
        f"{path.relative_to(ROOT)}: {what}"
        for path in templates
        for what, pattern in INLINE.items()
        if pattern.search(path.read_text())
    ]
    assert found == []


@pytest.fixture(autouse=True)
def _orm_beside_playwright(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls in
    # these tests are made around it, never from inside it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def parse_policy(header: str) -> dict[str, set[str]]:
    policy = {}
    for directive in header.split(";"):
        name, *sources = directive.split()
        policy[name] = set(sources)
    return policy


def assert_strict(header: str | None, *, nonce: bool = False) -> None:
    """The header holds the strict directives; a nonce only where asked for."""
    assert header, "the response has no Content-Security-Policy header"
    assert "unsafe" not in header, header
    policy = parse_policy(header)
    nonces = {s for s in policy.get("script-src", set()) if s.startswith("'nonce-")}
    policy["script-src"] = policy.get("script-src", set()) - nonces
    assert len(nonces) == (1 if nonce else 0), header
    assert "'nonce-" not in " ".join(policy.get("style-src", set())), header
    for directive, sources in STRICT.items():
        assert policy.get(directive) == sources, f"{directive} in {header}"


class Watch:
    """One browser tab, watched for CSP violations, console reports and
    script errors; every document it loads is checked for the strict header."""

    def __init__(self, browser: Any, **context_options: Any) -> None:
        self.context = browser.new_context(**context_options)
        self.context.add_init_script(LISTEN)
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def sign_in(self, live_server: Any, user: User) -> None:
        """A session cookie for ``user``, made by Django's test client."""
        django_client = DjangoClient()
        django_client.force_login(user)
        session = django_client.cookies["sessionid"].value
        self.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])

    def goto(self, url: str, *, nonce: bool = False) -> Any:
        response = self.page.goto(url)
        assert response is not None and response.ok, f"{url}: {response and response.status}"
        assert_strict(response.headers.get("content-security-policy"), nonce=nonce)
        return response

    def submit(self, selector: str, *, status: int = 200) -> Any:
        """Click a submit button; the page it leads to is strict too."""
        with self.page.expect_navigation() as navigation:
            self.page.click(selector)
        response = navigation.value
        assert response.status == status, response.url
        assert_strict(response.headers.get("content-security-policy"))
        return response

    def violations(self) -> list[str]:
        self.page.wait_for_load_state("load")
        seen: list[str] = self.page.evaluate("window.__cspViolations || []")
        return seen + self.console + self.errors

    def assert_clean(self, screenshot: str, *, full_page: bool = True) -> None:
        assert self.violations() == [], screenshot
        self.page.screenshot(path=str(SCREENSHOTS / f"csp-{screenshot}.png"), full_page=full_page)

    def colour(self, selector: str, prop: str = "color") -> str:
        return str(
            self.page.locator(selector).first.evaluate(f"e => getComputedStyle(e)['{prop}']")
        )


def test_the_watch_sees_an_inline_script_and_style_the_policy_blocks(live_server):
    # The control: without it, a listener that heard nothing would prove nothing.
    with chromium() as browser:
        tab = Watch(browser)
        tab.goto(live_server.url + "/")
        tab.page.evaluate(
            """() => {
              const p = document.createElement("p");
              p.setAttribute("style", "color: rgb(255, 0, 0)");
              p.id = "injected";
              p.textContent = "injected";
              document.body.append(p);
              const s = document.createElement("script");
              s.textContent = "window.__ran = true;";
              document.body.append(s);
            }"""
        )
        tab.page.wait_for_function("window.__cspViolations.length >= 2")
        found = tab.violations()
        assert any(v.startswith("style-src-attr blocked inline") for v in found), found
        assert any(v.startswith("script-src-elem blocked inline") for v in found), found
        assert tab.page.evaluate("window.__ran === undefined")
        assert tab.colour("#injected") != "rgb(255, 0, 0)"


def test_home_sign_in_and_unsubscribe_pages_work_under_the_policy(
    live_server, client_record, owner
):
    with chromium() as browser:
        tab = Watch(browser, viewport={"width": 900, "height": 700})
        tab.goto(live_server.url + "/")
        assert tab.page.is_visible("a[href='/api/docs/']")
        # The stylesheet applied: the card is white on the page's grey.
        assert tab.colour(".card", "backgroundColor") == "rgb(255, 255, 255)"
        tab.assert_clean("home")

        tab.goto(live_server.url + "/accounts/login/")
        tab.page.fill("#id_username", owner.username)
        tab.page.fill("#id_password", "not-the-password")
        tab.submit("button[type=submit]")
        assert tab.page.is_visible("[role=alert]")
        assert tab.colour("[role=alert]") == "rgb(180, 35, 24)"  # .form-error, not style=
        tab.assert_clean("sign-in-error")

        tab.goto(
            live_server.url
            + rendering.unsubscribe_path(rendering.unsubscribe_token(client=client_record))
        )
        tab.assert_clean("unsubscribe")
        tab.submit("button[type=submit]")
        assert tab.page.is_visible("h1:has-text('no more messages')")
        tab.assert_clean("unsubscribed")
    client_record.refresh_from_db()
    assert client_record.message_opt_in is False


def test_the_admin_builds_its_widgets_under_the_policy(
    live_server,
    owner,
    client_record,
    signed_note,  # noqa: F811
):
    with chromium() as browser:
        tab = Watch(browser, viewport={"width": 1280, "height": 900})
        tab.goto(live_server.url + "/admin/login/")
        tab.assert_clean("admin-login")
        tab.sign_in(live_server, owner)

        tab.goto(live_server.url + "/admin/")
        # theme.js ran: it set the theme, and the toggle changes it.
        assert tab.page.get_attribute("html", "data-theme") == "auto"
        tab.page.locator("button.theme-toggle").first.click()
        assert tab.page.get_attribute("html", "data-theme") in ("light", "dark")
        tab.page.locator("button.theme-toggle").first.click()
        tab.page.locator("button.theme-toggle").first.click()
        assert tab.page.get_attribute("html", "data-theme") == "auto"
        tab.assert_clean("admin-index")

        tab.goto(live_server.url + "/admin/clinic/client/?q=brooks")
        assert tab.page.is_visible("text=Brooks")
        tab.assert_clean("admin-client-list")

        tab.goto(live_server.url + f"/admin/clinic/client/{client_record.pk}/change/")
        # SelectFilter2.js turned the care team <select> into its two boxes,
        # DateTimeShortcuts.js put a calendar beside the date of birth.
        tab.page.wait_for_selector(".selector-available")
        assert tab.page.is_visible(".datetimeshortcuts")
        tab.assert_clean("admin-client-change")

        tab.goto(live_server.url + "/admin/clinic/muscle/add/")
        tab.page.locator("#id_name").press_sequentially("Flexor digitorum longus")
        assert tab.page.input_value("#id_slug") == "flexor-digitorum-longus"  # prepopulate.js
        tab.assert_clean("admin-muscle-add")

        tab.goto(live_server.url + f"/admin/notes/sessionnote/{signed_note.pk}/change/")
        chart = tab.page.locator("svg[aria-labelledby=chart-title]")
        assert chart.locator("[data-role=culprit]").count() == 3
        fill = chart.locator("[data-muscle=rectus-femoris]").evaluate(
            "e => getComputedStyle(e).fill"
        )
        assert fill == "rgb(217, 72, 15)"  # painted by presentation attributes
        tab.assert_clean("admin-note-body-chart")


def test_every_admin_list_and_add_page_loads_without_a_violation(live_server, owner):
    pages = []
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        if model_admin.has_add_permission(_request_for(owner)):
            pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert len(pages) > 10
    with chromium() as browser:
        tab = Watch(browser, viewport={"width": 1280, "height": 900})
        tab.sign_in(live_server, owner)
        opened = 0
        for path in pages:
            response = tab.page.goto(live_server.url + path)
            assert response is not None
            if response.status == 403:  # not the owner's to see: nothing rendered
                continue
            assert response.ok, path
            assert_strict(response.headers.get("content-security-policy"))
            assert tab.violations() == [], path
            opened += 1
        assert opened > 10


def _request_for(user: User) -> Any:
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_the_api_docs_render_their_operations_under_the_policy(live_server):
    with chromium() as browser:
        tab = Watch(browser, viewport={"width": 1280, "height": 900})
        tab.goto(live_server.url + "/api/docs/", nonce=True)
        tab.page.wait_for_selector(".opblock", timeout=60_000)
        assert tab.page.locator(".opblock").count() > 20
        tab.page.locator(".opblock-summary").first.click()  # Swagger UI reacts
        tab.page.wait_for_selector(".opblock.is-open")
        tab.assert_clean("api-docs", full_page=False)


def test_the_intake_body_map_ticks_regions_under_the_policy(live_server, client_record, front_desk):
    invitation = intake.send_intake_link(client=client_record, sent_by=front_desk)
    with chromium() as browser:
        tab = Watch(browser, viewport={"width": 375, "height": 812}, has_touch=True)
        tab.goto(live_server.url + link_path(invitation))
        region = "svg[data-view='back'] [data-region='lower_back_left']"
        assert "on" not in (tab.page.get_attribute(region, "class") or "").split()
        tab.page.tap(region)
        assert "on" in (tab.page.get_attribute(region, "class") or "").split()
        assert tab.page.is_checked("input[name='pain_map'][value='lower_back_left']")
        assert tab.colour(region, "fill") == "rgb(220, 38, 38)"  # .region.on, from intake.css
        tab.page.uncheck("input[name='pain_map'][value='lower_back_left']")
        assert "on" not in (tab.page.get_attribute(region, "class") or "").split()
        tab.page.tap(region)
        tab.page.locator("#q-pain_map").screenshot(path=str(SCREENSHOTS / "csp-body-map.png"))
        tab.assert_clean("intake-form")
        tab.submit("button[type=submit]", status=400)  # incomplete: the errors come back
        assert tab.page.evaluate("document.activeElement.id") == "error-summary"  # focused by JS
        assert tab.page.is_checked("input[name='pain_map'][value='lower_back_left']")
        assert "on" in (tab.page.get_attribute(region, "class") or "").split()
        tab.assert_clean("intake-form-errors")


@pytest.fixture
def live_plan(plan, therapist):  # noqa: F811
    homework.update_plan(
        plan=plan,
        changed_by=therapist,
        days_of_week=[0, 2, 4],
        time_of_day=time(18),
        start_date=date(2026, 6, 1),
        end_date=date(2026, 6, 30),
    )
    return homework.publish_plan(plan=plan, published_by=therapist)


def test_the_homework_plan_and_reply_pages_work_under_the_policy(live_server, live_plan):
    plan_path = f"/homework/plan/{homework.plan_token(live_plan)}/"
    monday = date(2026, 6, 1)
    with time_machine.travel(MONDAY_EVENING, tick=False), chromium() as browser:
        tab = Watch(browser, viewport={"width": 390, "height": 844})
        tab.goto(live_server.url + plan_path)
        # plan.js ran: it showed the print button and wired it to window.print.
        tab.page.evaluate("window.print = () => { window.__printed = true; }")
        tab.page.click("button[data-print-plan]")
        assert tab.page.evaluate("window.__printed === true")
        assert tab.colour(".dose") == "rgb(47, 133, 90)"
        tab.page.emulate_media(media="print")  # the print rules of homework.css
        assert not tab.page.is_visible(".done-button")
        assert not tab.page.is_visible("button[data-print-plan]")
        tab.page.emulate_media(media="screen")
        tab.assert_clean("homework-plan")
        tab.submit(".exercise .done-button")
        assert tab.page.is_visible("text=Done today ✓")
        tab.assert_clean("homework-plan-done")

        for kind, colour in (("done", "rgb(47, 133, 90)"), ("skipped", "rgb(82, 96, 109)")):
            tab.goto(
                f"{live_server.url}/homework/reply/{homework.reply_token(live_plan, monday, kind)}/"
            )
            assert tab.colour("button.big", "backgroundColor") == colour  # a class, not style=
            tab.assert_clean(f"homework-reply-{kind}")
        tab.goto(
            f"{live_server.url}/homework/reply/{homework.reply_token(live_plan, monday, 'pain')}/"
        )
        assert tab.page.locator(".scores button").count() == 11
        tab.assert_clean("homework-reply-pain")
        tab.submit(".scores button[value='3']")
        assert tab.page.is_visible("text=Noted: 3/10")
        tab.assert_clean("homework-reply-thanks")


def test_the_timeline_draws_its_charts_under_the_policy(
    live_server,
    client_record,
    therapist,
    signed_note,  # noqa: F811
):
    submit_intake(client_record, nrs_now="7")
    with chromium() as browser:
        tab = Watch(browser, viewport={"width": 1100, "height": 900})
        tab.sign_in(live_server, therapist)
        tab.goto(f"{live_server.url}/clients/{client_record.pk}/timeline/")
        charts = tab.page.locator("figure svg")
        assert charts.count() == 2
        body, trend = charts.nth(0), charts.nth(1)
        assert body.locator("[data-role=culprit]").count() == 3
        assert (
            body.locator("[data-muscle=quadratus-lumborum]").evaluate(
                "e => getComputedStyle(e).fill"
            )
            == "rgb(28, 126, 214)"
        )  # the victim colour
        assert trend.locator("circle[data-score]").count() >= 1
        assert (
            trend.locator(".grid").first.evaluate("e => getComputedStyle(e).stroke")
            == "rgb(228, 231, 235)"
        )
        box = body.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 300
        tab.assert_clean("timeline")


def test_the_waitlist_offer_page_books_under_the_policy(
    live_server,
    frozen_now,  # noqa: F811
    massage,  # noqa: F811
    client_record,
    therapist_profile,
    location,
    front_desk,
    clinic,
):
    booked = scheduling.book_appointment(
        client=client_record,
        service=massage,
        therapist=therapist_profile,
        location=location,
        starts_at=ny(2026, 6, 3, 10),
        booked_by=front_desk,
    )
    scheduling.join_waitlist(
        client=ClientFactory(clinic=clinic),
        service=massage,
        location=location,
        earliest_date=ny(2026, 6, 2).date(),
        latest_date=ny(2026, 6, 5).date(),
        created_by=front_desk,
    )
    scheduling.cancel_appointment(appointment=booked, cancelled_by=front_desk, reason="Away")
    link = Notification.objects.get(template_key="waitlist_offer").context["offer_url"]
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    with chromium() as browser:
        tab = Watch(browser, viewport={"width": 390, "height": 844})
        tab.goto(live_server.url + path)
        tab.assert_clean("waitlist-offer")
        tab.submit("button[type=submit]")
        assert tab.page.is_visible("h1:has-text('You are booked')")
        tab.assert_clean("waitlist-booked")
