"""Homework links do not live for ever: a plan's page and its reminders' reply
links stop working HOMEWORK_LINK_GRACE_DAYS (14) after the plan's last day, or
after the plan was stopped or replaced; a stopped or replaced plan's links
record nothing, and say so kindly."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.test import Client as BrowserClient

from homework import services
from homework.models import HomeworkReply, PlanStatus

pytestmark = pytest.mark.clock

# The plan runs Monday 1 June to Tuesday 30 June 2026 (Mon, Wed, Fri at 18:00
# in New York); its last session is Monday 29 June.
PUBLISHED = datetime(2026, 6, 1, 12, tzinfo=UTC)
LAST_SESSION = date(2026, 6, 29)
# The links stop at midnight in New York 14 days after the last day (30 June).
EXPIRY = datetime(2026, 7, 15, 4, tzinfo=UTC)


def _live(plan, therapist, *, end_date: date | None = date(2026, 6, 30)):
    with time_machine.travel(PUBLISHED, tick=False):
        services.update_plan(
            plan=plan,
            changed_by=therapist,
            days_of_week=[0, 2, 4],
            time_of_day=time(18),
            start_date=date(2026, 6, 1),
            end_date=end_date,
        )
        return services.publish_plan(plan=plan, published_by=therapist)


@pytest.fixture
def live_plan(plan, therapist):
    return _live(plan, therapist)


def _plan_path(plan) -> str:
    return f"/homework/plan/{services.plan_token(plan)}/"


def _reply_path(plan, day: date, kind: str = "done") -> str:
    return f"/homework/reply/{services.reply_token(plan, day, kind)}/"


def test_a_reply_for_the_last_session_still_counts_within_the_grace_period(live_plan):
    with time_machine.travel(datetime(2026, 7, 2, 22, tzinfo=UTC), tick=False):
        path = _reply_path(live_plan, LAST_SESSION)
        assert BrowserClient().post(path).status_code == 200
    with time_machine.travel(EXPIRY - timedelta(seconds=1), tick=False):
        page = BrowserClient().get(_plan_path(live_plan))
    assert page.status_code == 200 and b"Your exercises" in page.content
    assert HomeworkReply.objects.filter(plan=live_plan, session_date=LAST_SESSION).count() == 1


def test_the_links_expire_fourteen_days_after_the_plan_ends(live_plan, clinic):
    with time_machine.travel(datetime(2026, 7, 10, 22, tzinfo=UTC), tick=False):
        reply_path = _reply_path(live_plan, LAST_SESSION)
    with time_machine.travel(EXPIRY, tick=False):
        page = BrowserClient().get(_plan_path(live_plan))
        tapped = BrowserClient().post(reply_path)
        opened = BrowserClient().get(reply_path)
    for response in (page, tapped, opened):
        assert response.status_code == 410
        html = response.content.decode()
        assert "This link has expired" in html and clinic.phone in html
        assert "send you a new one" in html
    assert not HomeworkReply.objects.exists()


def test_a_plan_link_minted_400_days_ago_records_nothing(live_plan):
    with time_machine.travel(PUBLISHED, tick=False):
        path = _plan_path(live_plan)  # as in the message the plan was published with
    item = live_plan.items.order_by("order").first()
    with time_machine.travel(PUBLISHED + timedelta(days=400), tick=False):
        tapped = BrowserClient().post(path, {"exercise": item.exercise_id})
    assert tapped.status_code == 410 and b"This link has expired" in tapped.content
    assert not HomeworkReply.objects.exists()


def test_a_stopped_plans_reply_links_record_nothing_and_say_it_has_ended(live_plan, therapist):
    with time_machine.travel(datetime(2026, 6, 3, 23, tzinfo=UTC), tick=False):
        path = _reply_path(live_plan, date(2026, 6, 3))
        services.stop_plan(plan=live_plan, stopped_by=therapist)
        opened = BrowserClient().get(path)
        tapped = BrowserClient().post(path)
        page = BrowserClient().get(_plan_path(live_plan))
    for response in (opened, tapped):
        assert response.status_code == 410
        assert b"This plan has ended" in response.content
        assert b"stopped this plan" in response.content
    assert b"Yes, I did my exercises" not in opened.content
    assert not HomeworkReply.objects.exists()
    # The page itself still shows the exercises, read only, for a while.
    assert page.status_code == 200 and b"This plan is stopped" in page.content
    assert b'class="done-button"' not in page.content


def test_a_replaced_plans_links_point_to_the_new_plan(live_plan, signed_note, therapist):
    with time_machine.travel(datetime(2026, 6, 8, 12, tzinfo=UTC), tick=False):
        old_reply = _reply_path(live_plan, date(2026, 6, 5))
        newer = _live(services.propose_plan(note=signed_note, proposed_by=therapist), therapist)
        live_plan.refresh_from_db()
        assert live_plan.status == PlanStatus.SUPERSEDED
        answer = BrowserClient().post(old_reply)
        old_page = BrowserClient().get(_plan_path(live_plan))
        assert answer.status_code == 410 and b"given you a new plan" in answer.content
        assert old_page.status_code == 200 and b"given you a new plan" in old_page.content
        for response in (answer, old_page):
            link = re.search(r'href="https?://[^/"]+(/homework/plan/[^"]+)"', response.text)
            followed = BrowserClient().get(link.group(1))
            assert followed.status_code == 200
            assert followed.context["plan"].pk == newer.pk
    assert not HomeworkReply.objects.exists()


def test_a_stopped_plan_without_an_end_date_keeps_its_page_for_the_grace_period(
    plan, therapist, settings
):
    settings.HOMEWORK_LINK_GRACE_DAYS = 3
    open_ended = _live(plan, therapist, end_date=None)
    path = _plan_path(open_ended)
    stopped_at = datetime(2026, 9, 1, 12, tzinfo=UTC)
    with time_machine.travel(stopped_at, tick=False):
        assert BrowserClient().get(path).status_code == 200  # runs months on: still fine
        services.stop_plan(plan=open_ended, stopped_by=therapist)
    with time_machine.travel(stopped_at + timedelta(days=3) - timedelta(seconds=1), tick=False):
        assert BrowserClient().get(path).status_code == 200
    with time_machine.travel(stopped_at + timedelta(days=3), tick=False):
        assert BrowserClient().get(path).status_code == 410


def test_an_open_ended_plan_keeps_working_while_it_runs(plan, therapist):
    open_ended = _live(plan, therapist, end_date=None)
    path = _plan_path(open_ended)
    later = datetime(2027, 7, 5, 22, tzinfo=UTC)  # a Monday, 400 days on, 18:00 in New York
    item = open_ended.items.order_by("order").first()
    with time_machine.travel(later, tick=False):
        assert BrowserClient().post(path, {"exercise": item.exercise_id}).status_code == 200
    assert HomeworkReply.objects.get().session_date == date(2027, 7, 5)
