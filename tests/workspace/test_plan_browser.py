"""The therapist builds and publishes homework in a real browser, after signing
the note: proposes the plan, moves an exercise up (htmx), changes a dose,
publishes; the client's plan message is then in the outbox. axe-core finds no
serious or critical problem; screenshots at desk and tablet size go to
var/screenshots/. (A file of its own: the live server needs a transactional
database.)"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client as DjangoClient
from playwright.sync_api import expect

from clinic.notifications.models import Notification
from homework.models import Exercise, HomeworkPlan, PlanItem, PlanStatus
from tests.homework.conftest import signed_note  # noqa: F401 (fixtures)
from tests.notes.conftest import note, visit  # noqa: F401 (fixtures)
from tests.scheduling.conftest import frozen_now, massage, room  # noqa: F401 (fixtures)
from tests.support.browser import SCREENSHOTS, chromium

pytestmark = [
    pytest.mark.slow,
    pytest.mark.clock,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DESK = {"width": 1280, "height": 800}
TABLET = {"width": 768, "height": 1024}


@pytest.fixture(autouse=True)
def _orm_beside_playwright(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls in
    # these tests are made around it, never from inside it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _sign_in(context, live_server, user) -> None:
    django_client = DjangoClient()
    django_client.force_login(user)
    session = django_client.cookies["sessionid"].value
    context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])


def _serious(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


def _order(plan_id: int) -> list[int]:
    return list(
        PlanItem.objects.filter(plan_id=plan_id)
        .order_by("order", "id")
        .values_list("pk", flat=True)
    )


def test_the_therapist_proposes_reorders_doses_and_publishes_the_plan(
    live_server,
    signed_note,  # noqa: F811
    therapist,
):
    with chromium() as browser:
        context = browser.new_context(viewport=DESK)
        _sign_in(context, live_server, therapist)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on(
            "console",
            lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.goto(f"{live_server.url}/work/notes/{signed_note.pk}/plan/")
        page.screenshot(path=str(SCREENSHOTS / "plan-from-note-1280.png"), caret="initial")
        assert _serious(page) == []
        page.click("button:has-text('Build the homework plan')")
        page.wait_for_selector("h1:has-text('Homework plan for Daniel Brooks')")
        plan = HomeworkPlan.objects.get()
        before = _order(plan.pk)
        assert len(before) >= 2

        # Move the second exercise up: htmx swaps the plan in place, focus stays.
        page.click(f"#up-{before[1]}")
        expect(page.locator(".items > li").first).to_have_id(f"item-{before[1]}")
        expect(page.locator(f"#up-{before[1]}")).to_be_focused()  # the keyboard stays put
        assert _order(plan.pk) == [before[1], before[0], *before[2:]]

        # Change the dose of the first exercise.
        first = page.locator(f"#item-{before[1]}")
        first.locator("summary").click()
        first.get_by_label("Repetitions").fill("4")
        first.locator("button:has-text('Save')").click()
        expect(page.locator(f"#item-{before[1]} .dose")).to_contain_text("4 ")
        assert PlanItem.objects.get(pk=before[1]).repetitions == 4

        # caret="initial": hiding the caret leaves empty style attributes on the
        # inputs, which htmx's next swap would copy over (and the CSP refuse).
        page.screenshot(path=str(SCREENSHOTS / "plan-1280.png"), full_page=True, caret="initial")
        # axe in a tab of its own, so this tab is exactly what the therapist has.
        check = context.new_page()
        check.goto(f"{live_server.url}/work/plans/{plan.pk}/")
        assert _serious(check) == []
        check.close()

        # A stretch of the recorded victim: refused with the reason asked for, then kept.
        ql = Exercise.objects.get(slug="doorframe-ql")
        page.select_option("#add-exercise", str(ql.pk))
        page.select_option("#add-side", "left")
        page.click("button:has-text('Add to the plan')")
        expect(page.locator("#add-override")).to_be_visible()
        expect(page.locator("#add-exercise")).to_have_value(str(ql.pk))  # nothing lost
        page.screenshot(
            path=str(SCREENSHOTS / "plan-victim-warning-1280.png"), full_page=True, caret="initial"
        )
        page.fill("#add-override", "Gentle only, after release work")
        page.click("button:has-text('Add to the plan')")
        expect(page.locator(".items")).to_contain_text("Kept because")
        assert PlanItem.objects.filter(plan=plan, exercise=ql).exists()

        page.click("button:has-text('Publish and send to the client')")
        page.wait_for_selector("h2:has-text('This plan is active')")
        page.screenshot(
            path=str(SCREENSHOTS / "plan-published-1280.png"), full_page=True, caret="initial"
        )
        assert _serious(page) == []
        assert errors == []
        context.close()

        # The same page on a tablet in portrait, in a tab of its own.
        tablet = browser.new_context(viewport=TABLET)
        _sign_in(tablet, live_server, therapist)
        page = tablet.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on(
            "console",
            lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.goto(f"{live_server.url}/work/plans/{plan.pk}/")
        page.screenshot(path=str(SCREENSHOTS / "plan-768.png"), full_page=True, caret="initial")
        assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]
        assert _serious(page) == []
        assert errors == []
        tablet.close()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    message = Notification.objects.get(template_key="homework_plan")
    assert message.about_id == str(plan.pk)
