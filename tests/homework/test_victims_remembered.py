"""Homework safety reads the client's problem list: a victim recorded at one
visit is protected at every later one until a therapist resolves it."""

from __future__ import annotations

import pytest
import time_machine

from homework import services
from homework.errors import VictimMuscleStretch
from homework.models import Exercise, TargetEffect
from notes import services as notes
from notes.models import ProblemEntry
from tests.notes.conftest import muscle
from tests.scheduling.conftest import ny

pytestmark = pytest.mark.clock  # visits a week apart, a resolution between them

QL = "quadratus-lumborum"


def _signed_phone_note(client, therapist, seen_at, findings):
    note = notes.start_note(client=client, written_by=therapist, kind="phone", seen_at=seen_at)
    for slug, side, role in findings:
        notes.add_finding(note=note, added_by=therapist, muscle=muscle(slug), side=side, role=role)
    return notes.sign_note(note=note, signed_by=therapist)


@pytest.fixture
def visit_2(signed_note, client_record, therapist):
    """A week after visit 1 (which recorded the left quadratus lumborum as a
    victim): the psoas again, the quadratus lumborum not mentioned."""
    return _signed_phone_note(
        client_record, therapist, ny(2026, 6, 9, 10), [("psoas-major", "both", "culprit")]
    )


def _stretches_left_ql(plan) -> list[str]:
    return [
        item.exercise.slug
        for item in plan.items.select_related("exercise")
        if item.side in ("left", "both")
        and item.exercise.targets.filter(muscle__slug=QL, effect=TargetEffect.LENGTHENED).exists()
    ]


def _victim_entry(client):
    return ProblemEntry.objects.get(client=client, muscle__slug=QL, side="left", role="victim")


def test_a_victim_recorded_at_visit_1_and_not_mentioned_at_visit_2_is_still_warned_about_when_homework_targets_it_after_visit_2(  # noqa: E501
    visit_2, client_record, therapist
):
    plan = services.propose_plan(note=visit_2, proposed_by=therapist)
    assert plan.items.exists()
    assert _stretches_left_ql(plan) == []  # nothing proposed stretches the remembered victim
    ql_stretch = Exercise.objects.get(slug="doorframe-ql")
    with pytest.raises(VictimMuscleStretch) as refused:
        services.add_item(plan=plan, added_by=therapist, exercise=ql_stretch, side="left")
    assert "Quadratus lumborum" in refused.value.fields["override_reason"][0]
    kept = services.add_item(
        plan=plan,
        added_by=therapist,
        exercise=ql_stretch,
        side="left",
        override_reason="Gentle only, after release work",
    )
    assert "victim" in kept.safety_warnings[0]
    # The other side was never a victim: the overlap of sides still decides.
    right = services.add_item(plan=plan, added_by=therapist, exercise=ql_stretch, side="right")
    assert right.safety_warnings == []


def test_the_api_refuses_stretching_a_victim_from_an_earlier_visit_with_a_409(
    api_as, visit_2, therapist
):
    plan = services.propose_plan(note=visit_2, proposed_by=therapist)
    response = api_as("therapist").post(
        f"/api/v1/homework-plans/{plan.pk}/items/",
        {"exercise": "doorframe-ql", "side": "both"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "victim_muscle_stretch"


def test_once_resolved_the_victim_no_longer_blocks_homework(visit_2, client_record, therapist):
    with time_machine.travel(ny(2026, 6, 10, 9), tick=False):
        notes.resolve_problem(
            entry=_victim_entry(client_record), resolved_by=therapist, reason="Pain gone."
        )
        plan = services.propose_plan(note=visit_2, proposed_by=therapist)
        item = services.add_item(
            plan=plan,
            added_by=therapist,
            exercise=Exercise.objects.get(slug="doorframe-ql"),
            side="left",
        )
    assert item.safety_warnings == [] and item.override_reason == ""


def test_a_resolved_victim_recorded_again_is_protected_again(visit_2, client_record, therapist):
    with time_machine.travel(ny(2026, 6, 10, 9), tick=False):
        notes.resolve_problem(entry=_victim_entry(client_record), resolved_by=therapist)
    visit_3 = _signed_phone_note(
        client_record,
        therapist,
        ny(2026, 6, 16, 10),
        [("psoas-major", "both", "culprit"), (QL, "left", "victim")],
    )
    assert _victim_entry(client_record).status == "suspected"
    plan = services.propose_plan(note=visit_3, proposed_by=therapist)
    with pytest.raises(VictimMuscleStretch):
        services.add_item(
            plan=plan,
            added_by=therapist,
            exercise=Exercise.objects.get(slug="doorframe-ql"),
            side="left",
        )
