"""Homework plans under the input policy: the therapist's message has a limit,
dates fall between 1900 and 2200, ids are whole numbers."""

from __future__ import annotations

import pytest

from homework.models import HomeworkPlan

pytestmark = pytest.mark.usefixtures("frozen_now")


def refused(response, field: str) -> dict:
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert field in body["fields"], body
    return body


def test_a_megabyte_plan_message_is_refused(api_as, plan):
    response = api_as("therapist").patch(
        f"/api/v1/homework-plans/{plan.pk}/", {"message": "x" * 1_000_000}, format="json"
    )
    refused(response, "message")
    assert HomeworkPlan.objects.get(pk=plan.pk).message == plan.message


def test_a_plan_message_of_2000_characters_is_kept(api_as, plan):
    response = api_as("therapist").patch(
        f"/api/v1/homework-plans/{plan.pk}/", {"message": "x" * 2000}, format="json"
    )
    assert response.status_code == 200, response.json()
    refused(
        api_as("therapist").patch(
            f"/api/v1/homework-plans/{plan.pk}/", {"message": "x" * 2001}, format="json"
        ),
        "message",
    )


@pytest.mark.parametrize("field", ["start_date", "end_date"])
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_plan_dates_outside_the_policy_are_refused(api_as, plan, field, day):
    response = api_as("therapist").patch(
        f"/api/v1/homework-plans/{plan.pk}/", {field: day}, format="json"
    )
    refused(response, field)
    fresh = HomeworkPlan.objects.get(pk=plan.pk)
    assert (fresh.start_date, fresh.end_date) == (plan.start_date, plan.end_date)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"dosing_profile": 1.5}, "dosing_profile"),
        ({"days_of_week": [0, 1, 2, 3, 4, 5, 6, 0]}, "days_of_week"),
    ],
)
def test_plan_changes_of_the_wrong_shape_are_refused(api_as, plan, body, field):
    refused(
        api_as("therapist").patch(f"/api/v1/homework-plans/{plan.pk}/", body, format="json"), field
    )


def test_reordering_by_decimal_ids_is_refused(api_as, plan):
    ids = list(plan.items.order_by("order").values_list("pk", flat=True))
    response = api_as("therapist").post(
        f"/api/v1/homework-plans/{plan.pk}/reorder/",
        {"items": [ids[0] + 0.5, *ids[1:]]},
        format="json",
    )
    refused(response, "items.0")
    assert list(plan.items.order_by("order").values_list("pk", flat=True)) == ids


def test_a_proposal_from_a_decimal_note_id_is_refused(api_as, signed_note):
    response = api_as("therapist").post(
        "/api/v1/homework-plans/propose/", {"note": signed_note.pk + 0.5}, format="json"
    )
    refused(response, "note")
    assert HomeworkPlan.objects.count() == 0
