"""Consistent answers for homework plans: one draft per note however often it
is proposed, and no publishing of a plan whose dates are long gone. The clock
is frozen at Monday 1 June 2026, 08:00 in New York (the client's zone).
Simultaneous proposals, on PostgreSQL, are in test_concurrent_proposals.py."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from clinic.core.errors import InvalidInput
from homework import services
from homework.models import HomeworkPlan


def test_proposing_twice_from_one_note_returns_the_same_draft(signed_note, therapist):
    first, created = services.propose_or_reuse_plan(note=signed_note, proposed_by=therapist)
    again, created_again = services.propose_or_reuse_plan(note=signed_note, proposed_by=therapist)
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert services.propose_plan(note=signed_note, proposed_by=therapist).pk == first.pk
    assert HomeworkPlan.objects.filter(source_note=signed_note).count() == 1


def test_the_api_answers_a_second_proposal_with_the_existing_draft_and_200(
    api_as, signed_note, therapist
):
    api = api_as("therapist")
    first = api.post("/api/v1/homework-plans/propose/", {"note": signed_note.pk}, format="json")
    second = api.post("/api/v1/homework-plans/propose/", {"note": signed_note.pk}, format="json")
    assert (first.status_code, second.status_code) == (201, 200), second.content
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["status"] == "draft"
    assert HomeworkPlan.objects.filter(source_note=signed_note, status="draft").count() == 1


def test_once_the_draft_is_published_a_new_proposal_is_a_new_draft(plan, therapist, signed_note):
    services.publish_plan(plan=plan, published_by=therapist)
    newer, created = services.propose_or_reuse_plan(note=signed_note, proposed_by=therapist)
    assert created and newer.pk != plan.pk and newer.status == "draft"


def test_publishing_a_plan_whose_end_date_has_passed_is_refused_naming_the_end_date(
    plan, therapist
):
    services.update_plan(
        plan=plan,
        changed_by=therapist,
        start_date=date(2026, 5, 1),
        end_date=date(2026, 5, 31),  # yesterday in New York
    )
    with pytest.raises(InvalidInput) as refused:
        services.publish_plan(plan=plan, published_by=therapist)
    assert list(refused.value.fields) == ["end_date"]
    assert "31 May 2026" in refused.value.fields["end_date"][0]
    plan.refresh_from_db()
    assert plan.status == "draft" and plan.published_at is None


def test_publishing_a_plan_that_would_have_started_over_a_week_ago_is_refused(
    api_as, plan, therapist
):
    services.update_plan(
        plan=plan, changed_by=therapist, start_date=date(2026, 5, 24), end_date=date(2026, 6, 30)
    )
    response = api_as("therapist").post(f"/api/v1/homework-plans/{plan.pk}/publish/")
    assert response.status_code == 400, response.content
    body = response.json()
    assert list(body["fields"]) == ["start_date"]
    assert "24 May 2026" in body["fields"]["start_date"][0]
    assert "start_date" in body["message"]
    plan.refresh_from_db()
    assert plan.status == "draft"


def test_a_plan_backdated_to_the_visit_a_few_days_ago_is_published(plan, therapist):
    # A week back is the limit: the visit's day, say, still counts.
    start = date(2026, 6, 1) - timedelta(days=7)
    services.update_plan(plan=plan, changed_by=therapist, start_date=start)
    published = services.publish_plan(plan=plan, published_by=therapist)
    assert published.status == "active" and published.start_date == start
