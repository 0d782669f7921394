from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core import signing
from django.test import Client as BrowserClient

from clinic.core.errors import InvalidInput
from clinic.core.signing import Purpose
from clinic.notifications.models import Notification
from homework import services
from homework.models import HomeworkAlert, HomeworkReply
from intake.models import PainRating
from notes import services as notes
from tests.conftest import PERSONAS

pytestmark = pytest.mark.clock  # replies are for dates; links expire

MONDAY_EVENING = datetime(2026, 6, 1, 23, tzinfo=UTC)  # 19:00 in New York


@pytest.fixture
def live_plan(plan, therapist):
    with time_machine.travel(datetime(2026, 6, 1, 12, tzinfo=UTC), tick=False):
        services.update_plan(
            plan=plan,
            changed_by=therapist,
            days_of_week=[0, 2, 4],
            time_of_day=time(18),
            start_date=date(2026, 6, 1),
            end_date=date(2026, 6, 30),
        )
        return services.publish_plan(plan=plan, published_by=therapist)


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


@time_machine.travel(MONDAY_EVENING, tick=False)
def test_replies_are_recorded_once_and_pain_joins_the_series(live_plan, client_record):
    day = date(2026, 6, 1)
    first, created = services.record_reply(plan=live_plan, session_date=day, kind="done")
    again, created_again = services.record_reply(plan=live_plan, session_date=day, kind="done")
    assert created and not created_again and again == first
    skipped, recorded = services.record_reply(plan=live_plan, session_date=day, kind="skipped")
    assert not recorded and skipped == first  # the first answer for the session stands
    services.record_reply(plan=live_plan, session_date=day, kind="pain", pain_score=4)
    services.record_reply(plan=live_plan, session_date=day, kind="pain", pain_score=9)
    assert list(PainRating.objects.filter(client=client_record).values_list("source", "score")) == [
        ("homework", 4)
    ]
    assert HomeworkReply.objects.filter(plan=live_plan).count() == 2


@time_machine.travel(MONDAY_EVENING, tick=False)
def test_bad_replies_name_the_field(live_plan):
    cases = [
        ({"session_date": date(2026, 6, 3), "kind": "done"}, "session_date"),  # future
        ({"session_date": date(2026, 5, 31), "kind": "done"}, "session_date"),  # no session
        ({"session_date": date(2026, 6, 1), "kind": "pain"}, "pain_score"),
        ({"session_date": date(2026, 6, 1), "kind": "pain", "pain_score": 11}, "pain_score"),
        ({"session_date": date(2026, 6, 1), "kind": "done", "pain_score": 3}, "pain_score"),
    ]
    for kwargs, field in cases:
        with pytest.raises(InvalidInput) as refused:
            services.record_reply(plan=live_plan, **kwargs)
        assert field in refused.value.fields


def test_the_e_mails_links_open_a_page_and_the_tap_records_once(live_plan, client_record):
    reminder = (
        Notification.objects.filter(template_key="homework_reminder").order_by("send_after").first()
    )
    assert reminder.context["date"] == "2026-06-01"
    done = _path(reminder.context["done_url"])
    browser = BrowserClient()
    with time_machine.travel(MONDAY_EVENING, tick=False):
        page = browser.get(done)
        assert page.status_code == 200 and b"Yes, I did my exercises" in page.content
        assert not HomeworkReply.objects.exists()  # opening the link records nothing
        assert browser.post(done).status_code == 200
        second = browser.post(done)
        assert b"already have your answer" in second.content
        pain_page = browser.get(_path(reminder.context["pain_url"]))
        assert pain_page.content.count(b'name="pain_score"') == 11
        browser.post(_path(reminder.context["pain_url"]), {"pain_score": "3"})
    assert list(HomeworkReply.objects.values_list("kind", "pain_score")) == [
        ("done", None),
        ("pain", 3),
    ]


def test_a_link_for_another_client_or_an_expired_one_is_refused_kindly(live_plan, clinic):
    forged = signing.dumps(
        {"p": live_plan.pk, "c": live_plan.client_id + 999, "d": "2026-06-01", "k": "done"},
        salt=Purpose.HOMEWORK_REPLY,
    )
    response = BrowserClient().post(f"/homework/reply/{forged}/")
    assert response.status_code == 404 and b"does not work" in response.content
    token = services.reply_token(live_plan, date(2026, 6, 1), "done")
    with time_machine.travel(MONDAY_EVENING + timedelta(days=30), tick=False):
        late = BrowserClient().post(f"/homework/reply/{token}/")
    # Too old (three weeks): a kind "expired" page, no longer "does not work".
    assert late.status_code == 410 and b"This link has expired" in late.content
    assert not HomeworkReply.objects.exists()


def test_the_plan_page_lists_todays_exercises_with_dose_and_a_done_button(live_plan):
    path = f"/homework/plan/{services.plan_token(live_plan)}/"
    browser = BrowserClient()
    with time_machine.travel(MONDAY_EVENING, tick=False):
        page = browser.get(path)
        html = page.content.decode()
        assert page.status_code == 200 and "Half-kneeling hip flexor stretch" in html
        # The print rules live in the static stylesheet (strict CSP: no inline
        # styles); tests/test_csp_browser.py prints the page to prove them.
        assert "hold 60 s, each side" in html and "/static/homework/homework.css" in html
        item = live_plan.items.order_by("order").first()
        browser.post(path, {"exercise": item.exercise_id})
        assert "Done today ✓" in browser.get(path).content.decode()
    reply = HomeworkReply.objects.get()
    assert (reply.exercise_id, reply.via, reply.session_date) == (
        item.exercise_id,
        "page",
        date(2026, 6, 1),
    )


def test_rising_pain_alerts_the_therapist_once(live_plan, therapist):
    with time_machine.travel(datetime(2026, 6, 3, 23, tzinfo=UTC), tick=False):
        services.record_reply(
            plan=live_plan, session_date=date(2026, 6, 1), kind="pain", pain_score=3
        )
        services.record_reply(
            plan=live_plan, session_date=date(2026, 6, 3), kind="pain", pain_score=5
        )
    alert = HomeworkAlert.objects.get()
    assert (alert.kind, alert.detail) == ("pain_rising", {"from": 3, "to": 5})
    message = Notification.objects.get(template_key="therapist_alert")
    assert message.user == therapist and message.context["to"] == 5


def test_low_adherence_for_a_week_alerts_the_therapist(live_plan, clinic):
    with time_machine.travel(datetime(2026, 6, 9, 12, tzinfo=UTC), tick=False):
        services.record_reply(plan=live_plan, session_date=date(2026, 6, 3), kind="done")
        assert services.check_all_plans() == 1  # 1 of 3 done: 33 % < 50 %
        assert services.check_all_plans() == 0  # once a week
    alert = HomeworkAlert.objects.get(kind="low_adherence")
    assert alert.detail == {"done": 1, "prescribed": 3, "percent": 33}
    assert Notification.objects.filter(template_key="therapist_alert").count() == 1


def test_the_next_note_is_prefilled_with_the_replies(live_plan, client_record, therapist):
    with time_machine.travel(datetime(2026, 6, 5, 23, tzinfo=UTC), tick=False):
        services.record_reply(plan=live_plan, session_date=date(2026, 6, 1), kind="done")
        services.record_reply(plan=live_plan, session_date=date(2026, 6, 3), kind="skipped")
        services.record_reply(
            plan=live_plan, session_date=date(2026, 6, 5), kind="pain", pain_score=2
        )
        note = notes.start_note(client=client_record, written_by=therapist, kind="phone")
    assert note.subjective_data["homework"]["done"] == 1
    assert "1 session(s) done, 1 skipped; pain replies 2/10." in note.subjective


A, C, OC, T, OT, FD, OW = PERSONAS
MATRIX = [
    (
        "exercises",
        "get",
        "/api/v1/exercises/",
        None,
        {A: 401, C: 200, OC: 200, T: 200, OT: 200, FD: 200, OW: 200},
    ),
    (
        "dosing profiles",
        "get",
        "/api/v1/dosing-profiles/",
        None,
        {A: 401, C: 403, OC: 403, T: 200, OT: 200, FD: 200, OW: 200},
    ),
    (
        "plans",
        "get",
        "/api/v1/homework-plans/",
        None,
        {A: 401, C: 200, OC: 200, T: 200, OT: 200, FD: 403, OW: 200},
    ),
    (
        "plan",
        "get",
        "/api/v1/homework-plans/{plan}/",
        None,
        {A: 401, C: 200, OC: 404, T: 200, OT: 404, FD: 403, OW: 200},
    ),
    (
        "adherence",
        "get",
        "/api/v1/homework-plans/{plan}/adherence/",
        None,
        {A: 401, C: 200, OC: 404, T: 200, OT: 404, FD: 403, OW: 200},
    ),
    (
        "propose",
        "post",
        "/api/v1/homework-plans/propose/",
        {"note": "{note}"},
        {A: 401, C: 403, OC: 403, T: 201, OT: 400, FD: 403, OW: 403},
    ),
    (
        "schedule",
        "patch",
        "/api/v1/homework-plans/{plan}/",
        {"time_of_day": "07:30"},
        {A: 401, C: 403, OC: 403, T: 200, OT: 404, FD: 403, OW: 403},
    ),
    (
        "add item",
        "post",
        "/api/v1/homework-plans/{plan}/items/",
        {"exercise": "strap-hamstring-outer", "side": "left"},
        {A: 401, C: 403, OC: 403, T: 201, OT: 404, FD: 403, OW: 403},
    ),
    (
        "pause",
        "post",
        "/api/v1/homework-plans/{plan}/pause/",
        None,
        {A: 401, C: 403, OC: 403, T: 200, OT: 404, FD: 403, OW: 403},
    ),
    (
        "reply",
        "post",
        "/api/v1/homework-plans/{plan}/replies/",
        {"session_date": "2026-06-01", "kind": "done"},
        {A: 401, C: 201, OC: 404, T: 403, OT: 403, FD: 403, OW: 403},
    ),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("name", "method", "url", "body", "expected"), MATRIX, ids=[row[0] for row in MATRIX]
)
def test_homework_permission_matrix(
    api_as,
    live_plan,
    signed_note,
    owner,
    front_desk,
    other_therapist,
    client,
    other_client,
    persona,
    name,
    method,
    url,
    body,
    expected,
):
    ids = {"plan": live_plan.pk, "note": signed_note.pk}
    if body:
        body = {
            k: int(v.format(**ids)) if isinstance(v, str) and v.startswith("{") else v
            for k, v in body.items()
        }
    with time_machine.travel(MONDAY_EVENING, tick=False):
        response = getattr(api_as(persona), method)(url.format(**ids), body, format="json")
    assert response.status_code == expected[persona], response.content[:400]


def test_a_victim_stretch_through_the_api_is_a_409_naming_the_override(api_as, plan):
    response = api_as("therapist").post(
        f"/api/v1/homework-plans/{plan.pk}/items/",
        {"exercise": "doorframe-ql", "side": "left"},
        format="json",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "victim_muscle_stretch" and "override_reason" in body["fields"]
    kept = api_as("therapist").post(
        f"/api/v1/homework-plans/{plan.pk}/items/",
        {"exercise": "doorframe-ql", "side": "left", "override_reason": "Gentle, after release"},
        format="json",
    )
    assert kept.status_code == 201
    item = next(i for i in kept.json()["items"] if i["exercise_slug"] == "doorframe-ql")
    assert item["override_reason"] == "Gentle, after release" and item["safety_warnings"]
