"""The client's plan page says how often, how to move and what to avoid, in
the clinic's words (issue 13, point 8)."""

from __future__ import annotations

import html as html_lib
import re
from datetime import UTC, date, datetime, time

import pytest
import time_machine
from django.test import Client as BrowserClient

from homework import services
from homework.models import DosingProfile, Exercise, HomeworkSettings
from homework.services.setup import DEFAULT_SETTINGS

pytestmark = pytest.mark.clock  # the page shows today's session

JUNE_1 = datetime(2026, 6, 1, 12, tzinfo=UTC)  # a Monday
MONDAY_EVENING = datetime(2026, 6, 1, 23, tzinfo=UTC)  # 19:00 in New York


@pytest.fixture
def live_plan(plan, therapist):
    with time_machine.travel(JUNE_1, tick=False):
        services.update_plan(
            plan=plan,
            changed_by=therapist,
            time_of_day=time(18),
            start_date=date(2026, 6, 1),
            end_date=date(2026, 6, 30),
        )
        return services.publish_plan(plan=plan, published_by=therapist)


def _page(plan) -> str:
    with time_machine.travel(MONDAY_EVENING, tick=False):
        response = BrowserClient().get(f"/homework/plan/{services.plan_token(plan)}/")
    assert response.status_code == 200
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return re.sub(r"\s+", " ", text)


def test_the_plan_page_says_how_often_how_to_move_and_what_to_avoid(live_plan):
    profile = live_plan.dosing_profile
    page = _page(live_plan)
    assert "How often" in page and "3 days a week: Monday, Wednesday and Friday" in page
    assert "How to move" in page and profile.how_to_move in page
    assert "slowly" in profile.how_to_move and "comfortable" in profile.how_to_move
    assert profile.if_it_hurts in page and "short" in profile.if_it_hurts
    assert "What to avoid" in page and DEFAULT_SETTINGS["what_to_avoid"] in page


def test_with_pain_the_page_gives_the_short_hold_profiles_words(live_plan, therapist):
    short = DosingProfile.objects.get(clinic=live_plan.clinic, name="Short active holds")
    with time_machine.travel(JUNE_1, tick=False):
        services.update_plan(plan=live_plan, changed_by=therapist, dosing_profile=short)
    page = _page(live_plan)
    assert short.how_to_move in page and short.if_it_hurts in page
    assert "5 days a week: Monday to Friday" in page
    assert "hold 5 s, 10 times" in page


def test_the_plan_page_words_are_the_clinics_to_edit(live_plan):
    HomeworkSettings.objects.filter(clinic=live_plan.clinic).update(
        what_to_avoid="Skip the stretches on a day your back flares up and call us."
    )
    DosingProfile.objects.filter(pk=live_plan.dosing_profile_id).update(
        how_to_move="", if_it_hurts=""
    )
    page = _page(live_plan)
    assert "Skip the stretches on a day your back flares up and call us." in page
    # A profile without its own words falls back on the clinic's.
    assert DEFAULT_SETTINGS["how_to_move"] in page and DEFAULT_SETTINGS["if_it_hurts"] in page


def test_a_cautioned_exercise_is_named_under_what_to_avoid(live_plan, therapist):
    with time_machine.travel(JUNE_1, tick=False):
        services.add_item(
            plan=live_plan,
            added_by=therapist,
            exercise=Exercise.objects.get(slug="rocking-frog"),
            override_reason="She is a dancer; hips already open",
        )
    page = _page(live_plan)
    avoid = page.split("What to avoid", 1)[1]
    assert (
        f"Rocking frog stretch (flexible hips): {DEFAULT_SETTINGS['flexible_only_words']}" in avoid
    )
    assert "10 slow movements, about 5 s each way, 2 sets" in page


def test_items_with_their_own_days_say_so_and_are_ticked_only_on_them(live_plan, therapist):
    first = live_plan.items.order_by("order").first()
    with time_machine.travel(JUNE_1, tick=False):
        services.update_item(item=first, changed_by=therapist, days_of_week=[1, 3])
    page = _page(live_plan)
    assert "Some exercises have their own days" in page
    assert "On Tuesday and Thursday." in page
    # Every day of the plan or of an item: five days a week now.
    assert "5 days a week: Monday to Friday" in page
    # Monday is not one of its days: no "Done" button for it today.
    section = page.split(first.exercise.name, 1)[1].split("2. ", 1)[0]
    assert "Done" not in section


def test_the_plan_page_keeps_to_the_strict_content_security_policy(live_plan):
    with time_machine.travel(MONDAY_EVENING, tick=False):
        body = BrowserClient().get(f"/homework/plan/{services.plan_token(live_plan)}/")
    html = body.content.decode()
    assert "style=" not in html and "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
