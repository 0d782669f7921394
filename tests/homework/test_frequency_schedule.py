"""Frequency and schedule agree: a profile's sessions a week set the plan's
days, days set by hand are kept with a warning, items may have their own days
and the reminders follow them (issue 13, point 6)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time

import pytest
import time_machine

from clinic.notifications import rendering
from clinic.notifications.models import Notification
from homework import services
from homework.demo import seed_homework
from homework.dosing import effective_dose
from homework.models import DosingProfile, HomeworkPlan
from homework.schedule import DAYS_FOR_SESSIONS, default_days, scheduled_dates

pytestmark = pytest.mark.clock  # reminders at local times on given dates

JUNE_1 = datetime(2026, 6, 1, 12, tzinfo=UTC)  # a Monday


def _profile(plan, name):
    return DosingProfile.objects.get(clinic=plan.clinic, name=name)


def _reminders():
    """Reminder date -> the exercises it lists."""
    out: dict[str, list[str]] = defaultdict(list)
    for row in Notification.objects.filter(template_key="homework_reminder", status="pending"):
        out[row.context["date"]] = row.context["exercises"]
    return dict(out)


def test_sessions_a_week_map_to_clear_days():
    assert default_days(3) == [0, 2, 4]  # Monday, Wednesday, Friday
    assert default_days(5) == [0, 1, 2, 3, 4]  # Monday to Friday
    assert default_days(7) == list(range(7))  # every day
    assert all(len(DAYS_FOR_SESSIONS[n]) == n for n in range(1, 8))
    assert default_days(14) == list(range(7))


def test_a_proposal_takes_its_days_from_the_default_profile(plan):
    assert plan.dosing_profile.sessions_per_week == 3
    assert plan.days_of_week == [0, 2, 4] and not plan.days_set_by_hand


def test_switching_to_the_45_second_profile_sets_daily_days(plan, therapist, api_as):
    daily = _profile(plan, "Static 45 seconds")
    body = (
        api_as("therapist")
        .patch(f"/api/v1/homework-plans/{plan.pk}/", {"dosing_profile": daily.pk}, format="json")
        .json()
    )
    assert body["days_of_week"] == list(range(7)) and body["sessions_per_week"] == 7
    assert body["schedule_warnings"] == []
    assert {item["dose"]["sessions_per_week"] for item in body["items"]} == {7}
    services.update_plan(
        plan=plan, changed_by=therapist, dosing_profile=_profile(plan, "Short active holds")
    )
    plan.refresh_from_db()
    assert plan.days_of_week == [0, 1, 2, 3, 4]


def test_days_set_by_hand_are_kept_when_the_profile_changes_and_the_answer_warns(
    plan, therapist, api_as
):
    api = api_as("therapist")
    path = f"/api/v1/homework-plans/{plan.pk}/"
    assert api.patch(path, {"days_of_week": [3, 1]}, format="json").status_code == 200
    daily = _profile(plan, "Static 45 seconds")
    body = api.patch(path, {"dosing_profile": daily.pk}, format="json").json()
    assert body["days_of_week"] == [1, 3] and body["days_set_by_hand"]
    assert body["sessions_per_week"] == 2
    [warning] = body["schedule_warnings"]
    assert "7 session(s) a week" in warning and "Tuesday and Thursday (2 a week)" in warning
    # Choosing the profile's days follows the profile again: no more warning.
    body = api.patch(path, {"days_of_week": list(range(7))}, format="json").json()
    assert body["schedule_warnings"] == [] and not body["days_set_by_hand"]


def test_changing_the_days_changes_the_stated_frequency(plan, therapist):
    services.update_plan(plan=plan, changed_by=therapist, days_of_week=[0, 1, 2, 3, 4])
    plan.refresh_from_db()
    item = plan.items.first()
    assert effective_dose(item, plan.dosing_profile).sessions_per_week == 5


def test_bad_item_days_are_a_400_naming_days_of_week(plan, api_as):
    item = plan.items.first()
    response = api_as("therapist").patch(
        f"/api/v1/homework-plans/{plan.pk}/items/{item.pk}/",
        {"days_of_week": [1, 1]},
        format="json",
    )
    assert response.status_code == 400 and "days_of_week" in response.json()["fields"]


def test_item_days_reach_the_reminders(plan, therapist):
    """Five core days and three leg days in one plan: each reminder lists that day's items."""
    with time_machine.travel(JUNE_1, tick=False):
        services.update_plan(
            plan=plan,
            changed_by=therapist,
            days_of_week=[0, 1, 2, 3, 4],
            time_of_day=time(18),
            start_date=date(2026, 6, 1),
            end_date=date(2026, 6, 7),
        )
        first, *others = list(plan.items.order_by("order").select_related("exercise"))
        services.update_item(item=first, changed_by=therapist, days_of_week=[0, 2, 5])
        services.publish_plan(plan=plan, published_by=therapist)
        reminders = _reminders()
    rest = [item.exercise.name for item in others]
    assert sorted(reminders) == [
        "2026-06-01",
        "2026-06-02",
        "2026-06-03",
        "2026-06-04",
        "2026-06-05",
        "2026-06-06",
    ]
    assert reminders["2026-06-01"] == [first.exercise.name, *rest]  # Monday: both
    assert reminders["2026-06-02"] == rest  # Tuesday: the plan's days only
    assert reminders["2026-06-06"] == [first.exercise.name]  # Saturday: its own day only
    assert "2026-06-07" not in reminders  # Sunday: nothing to do, no reminder


def test_a_day_with_no_items_has_no_reminder(plan, therapist):
    with time_machine.travel(JUNE_1, tick=False):
        services.update_plan(
            plan=plan,
            changed_by=therapist,
            time_of_day=time(18),
            start_date=date(2026, 6, 1),
            end_date=date(2026, 6, 14),
        )
        for item in plan.items.all():
            services.update_item(item=item, changed_by=therapist, days_of_week=[1])
        services.publish_plan(plan=plan, published_by=therapist)
        reminders = _reminders()
        # Changing an item's days moves the live plan's reminders.
        item = plan.items.order_by("order").first()
        services.update_item(item=item, changed_by=therapist, days_of_week=[1, 3])
        moved = _reminders()
    assert sorted(reminders) == ["2026-06-02", "2026-06-09"]  # Tuesdays only
    assert sorted(moved) == ["2026-06-02", "2026-06-04", "2026-06-09", "2026-06-11"]
    assert moved["2026-06-04"] == [item.exercise.name]


def test_the_demo_plan_reminds_on_its_profiles_days(signed_note, therapist, clinic):
    with time_machine.travel(datetime(2026, 6, 10, 12, tzinfo=UTC), tick=False):
        seed_homework(clinic)
        plan = HomeworkPlan.objects.get(client=signed_note.client)
        per_week = plan.dosing_profile.sessions_per_week
        assert plan.days_of_week == default_days(per_week) and not plan.days_set_by_hand
        reminders = _reminders()
    assert reminders and {date.fromisoformat(d).weekday() for d in reminders} <= set(
        plan.days_of_week
    )
    replied = set(plan.replies.values_list("session_date", flat=True))
    assert replied and all(d in scheduled_dates(plan, d, d) for d in replied)


def test_the_reminder_e_mail_lists_that_days_exercises(plan, therapist):
    with time_machine.travel(JUNE_1, tick=False):
        services.update_plan(
            plan=plan,
            changed_by=therapist,
            days_of_week=[0, 1, 2, 3, 4],
            time_of_day=time(18),
            start_date=date(2026, 6, 1),
            end_date=date(2026, 6, 7),
        )
        first, *others = list(plan.items.order_by("order").select_related("exercise"))
        services.update_item(item=first, changed_by=therapist, days_of_week=[0])
        services.publish_plan(plan=plan, published_by=therapist)
    tuesday = Notification.objects.get(template_key="homework_reminder", context__date="2026-06-02")
    parts = rendering.render(
        template_key="homework_reminder",
        channel="email",
        context=tuesday.context,
        recipient_name="Dana",
        clinic=plan.clinic,
        unsubscribe_url="https://example.test/stop",
    )
    for body in (parts["email.txt"], parts["email.html"]):
        assert "Today's exercises" in body or "Today&#x27;s exercises" in body
        assert all(item.exercise.name in body for item in others)
        assert first.exercise.name not in body  # Monday only
