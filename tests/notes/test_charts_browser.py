"""The body chart and the pain trend rendered by Chromium (screenshots in
var/screenshots/). A file of its own: the live server needs a transactional
database."""

from __future__ import annotations

from datetime import timedelta

import pytest

from notes import services
from tests.intake.helpers import submit_intake
from tests.notes.conftest import muscle
from tests.support.browser import SCREENSHOTS, chromium

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _orm_beside_playwright(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_chromium_renders_the_body_chart_and_pain_trend(
    live_server, client_record, therapist, note
):
    submit_intake(client_record, nrs_now="7")
    for slug, side, role, tension in (
        ("psoas-major", "both", "culprit", 3),
        ("rectus-femoris", "left", "culprit", 2),
        ("erector-spinae", "left", "victim", 1),
        ("quadratus-lumborum", "right", "victim", 1),
    ):
        services.add_finding(
            note=note,
            added_by=therapist,
            muscle=muscle(slug),
            side=side,
            role=role,
            tension=tension,
        )
    services.update_note(note=note, changed_by=therapist, nrs_before=6, nrs_after=3)
    services.sign_note(note=note, signed_by=therapist)
    later = services.start_note(
        client=client_record,
        written_by=therapist,
        kind="phone",
        seen_at=note.seen_at + timedelta(days=7),
    )
    services.update_note(note=later, changed_by=therapist, nrs_before=4, nrs_after=2)
    services.sign_note(note=later, signed_by=therapist)
    therapist.set_password("chart-pass-123")
    therapist.save()
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.goto(live_server.url + "/accounts/login/")
        page.fill("#id_username", therapist.username)
        page.fill("#id_password", "chart-pass-123")
        page.click("button[type=submit]")
        page.goto(f"{live_server.url}/clients/{client_record.pk}/timeline/")
        charts = page.locator("figure svg")
        assert charts.count() == 2
        body, trend = charts.nth(0), charts.nth(1)
        assert body.locator("[data-role=culprit]").count() == 3  # psoas twice, rectus femoris
        assert body.locator("[data-role=victim]").count() == 2
        fill = body.locator("[data-muscle=rectus-femoris]").evaluate(
            "e => getComputedStyle(e).fill"
        )
        assert fill == "rgb(217, 72, 15)"  # the culprit colour, as the browser paints it
        box = body.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 300
        body.screenshot(path=str(SCREENSHOTS / "body-chart.png"))
        trend.screenshot(path=str(SCREENSHOTS / "pain-trend.png"))
        assert trend.locator("circle[data-score]").count() == 5
    assert (SCREENSHOTS / "body-chart.png").stat().st_size > 5_000
