"""The therapist at work in a real browser: Playwright drives Debian's
Chromium against the live test server. The therapist signs in, opens My day,
writes the note, accepts an intake suggestion, adds a culprit and a victim by
choosing body regions, links them and signs; axe-core finds no serious or
critical accessibility problem; screenshots at 1280 and 768 px go to
var/screenshots/. (A file of its own: the live server needs a transactional
database.)"""

from __future__ import annotations

import re

import pytest
import time_machine
from axe_playwright_python.sync_playwright import Axe

from clinic.core.models import Role
from intake import services as intake_services
from notes import services as note_services
from notes.models import FindingRole, NoteStatus, SessionNote, TugOfWar
from scheduling import services as scheduling
from tests.clinic.factories import PASSWORD, ClientFactory, TherapistFactory, UserFactory
from tests.intake.helpers import submit_intake
from tests.scheduling.conftest import NOW, ny
from tests.scheduling.factories import RoomFactory, ServiceFactory, weekday_hours
from tests.support.browser import SCREENSHOTS, chromium

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DESK = {"width": 1280, "height": 800}
TABLET = {"width": 768, "height": 1024}


@pytest.fixture(autouse=True)
def _orm_beside_playwright(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls in
    # these tests are made around it, never from inside it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _monday_morning():
    # The clock moves (the live server needs it to), from a fixed Monday 08:00 in New York.
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def morning(clinic, location):
    """Maya's Monday: Daniel (intake done, back pain on bending) at 10:00 and
    Rosa at 11:15."""
    intake_services.ensure_default_rules(clinic)
    note_services.ensure_default_templates(clinic)
    RoomFactory(location=location, name="Room 1")
    maya = TherapistFactory(
        user=UserFactory(
            username="maya",
            clinic=clinic,
            role=Role.THERAPIST,
            first_name="Maya",
            last_name="Ortiz",
        )
    )
    maya.locations.add(location)
    weekday_hours(maya, location)
    desk = UserFactory(username="desk", clinic=clinic, role=Role.FRONT_DESK)
    massage = ServiceFactory(clinic=clinic, name="Deep tissue massage", therapists=[maya])
    daniel = ClientFactory(clinic=clinic, first_name="Daniel", last_name="Brooks", care_team=[maya])
    rosa = ClientFactory(clinic=clinic, first_name="Rosa", last_name="Flagg", care_team=[maya])
    submit_intake(daniel, pain_map=["lower_back_centre"], triggers=["bending_to_pick_up"])
    for client, at in ((daniel, ny(2026, 6, 1, 10)), (rosa, ny(2026, 6, 1, 11, 15))):
        scheduling.book_appointment(
            client=client,
            service=massage,
            therapist=maya,
            location=location,
            starts_at=at,
            booked_by=desk,
        )
    return maya, daniel


def _no_serious_violations(page) -> None:
    results = Axe().run(page)
    bad = [
        (v["id"], v["impact"], v["help"], [n["html"][:120] for n in v["nodes"]][:2])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == []


def _shots(page, name: str) -> None:
    for size in (DESK, TABLET):
        page.set_viewport_size(size)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{size['width']}.png"), full_page=True)
    page.set_viewport_size(DESK)


def test_the_therapist_writes_and_signs_a_note_from_my_day(live_server, morning):
    _maya, daniel = morning
    with chromium() as browser:
        page = browser.new_page(viewport=DESK)
        page.goto(live_server.url + "/accounts/login/?next=/work/")
        page.get_by_label("Username").fill("maya")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/work/my-day/**")
        assert page.get_by_text("10:00").first.is_visible()
        assert page.get_by_text("(New York time)").first.is_visible()
        _no_serious_violations(page)
        _shots(page, "my-day")

        page.get_by_role("button", name="Write the note for Daniel Brooks").click()
        page.wait_for_url("**/work/notes/**")
        assessment = page.locator("#id_assessment")
        assessment.fill("Short hip flexors pulling on the low back")
        assessment.press_sequentially(".")  # typing: a key goes up, the draft saves
        page.wait_for_selector("#save-status:has-text('Saved at')")
        assessment.blur()  # a change saves too; let it land (SQLite takes one writer)
        page.wait_for_load_state("networkidle")

        page.get_by_role("button", name=re.compile("Accept as culprit.*Adductor longus")).click()
        page.locator(".suggestions li", has_text="Adductor longus").get_by_text(
            "In the note"
        ).wait_for()

        page.get_by_role("link", name="Thigh").click()
        page.get_by_label("Rectus femoris").check()
        page.locator("#picker").get_by_label("Left").check()
        page.get_by_label("Culprit (short, pulling)").check()
        page.get_by_label("Tension").select_option("2")
        page.get_by_role("button", name="Add the finding").click()
        page.locator(".findings li", has_text="Rectus femoris (left)").wait_for()

        page.get_by_role("link", name="Lower back").click()
        page.get_by_label("Erector spinae").check()
        page.locator("#picker").get_by_label("Left").check()
        page.get_by_label("Victim (overstretched, painful)").check()
        _no_serious_violations(page)
        _shots(page, "note-picker")
        page.get_by_role("button", name="Add the finding").click()
        page.locator(".findings li", has_text="Erector spinae (left)").wait_for()

        page.get_by_label("Culprit", exact=True).select_option(label="Rectus femoris (left)")
        page.get_by_label("pulls on the victim").select_option(label="Erector spinae (left)")
        page.get_by_role("button", name="Link them").click()
        page.get_by_text("pulls on Erector spinae (left)").wait_for()

        page.get_by_label("Test", exact=True).select_option("thomas")
        page.get_by_role("group", name="Side tested").get_by_label("Right").check()
        page.get_by_label("Positive (short / restricted)").check()
        page.get_by_role("button", name="Add the test").click()
        page.get_by_text("Thomas test (hip flexors), right").wait_for()
        _no_serious_violations(page)
        _shots(page, "note-draft")

        page.get_by_role("button", name="Sign the note").click()
        page.get_by_text("Content hash (SHA-256)").wait_for()
        _no_serious_violations(page)
        _shots(page, "note-signed")

    note = SessionNote.objects.get(client=daniel)
    assert note.status == NoteStatus.SIGNED and note.content_hash
    assert note.assessment == "Short hip flexors pulling on the low back."
    culprit = note.findings.get(muscle__slug="rectus-femoris")
    assert (culprit.role, culprit.side, culprit.tension) == (FindingRole.CULPRIT, "left", 2)
    assert (
        note.findings.filter(muscle__slug="adductor-longus", role=FindingRole.CULPRIT).count() == 2
    )
    assert note.tests.get().result == "positive"
    assert TugOfWar.objects.filter(culprit=culprit, victim__muscle__slug="erector-spinae").exists()
    assert (SCREENSHOTS / "note-draft-1280.png").stat().st_size > 10_000
