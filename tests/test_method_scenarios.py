"""The method end to end, as a therapist trained on the articles would follow
it: intake -> suggestions -> signed note -> proposed plan -> reminders, one
scenario per pattern of the articles. Each asserts the outcome the method
expects, not only that the steps run.

(The red-flag pattern lives beside the clearance it needs:
tests/homework/test_clearance_gate.py::
test_scenario_a_red_flag_client_is_assessed_and_referred_and_gets_homework_only_once_cleared.)
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from clinic.notifications.models import Notification
from homework import services as homework
from homework.models import DosingProfile, Exercise, TargetEffect
from homework.services.reminders import materialize_reminders
from intake.models import CulpritSuggestion
from notes import services as notes
from notes.models import ProblemEntry
from records.onboarding import set_up_clinic
from tests.intake.helpers import submit_intake
from tests.notes.conftest import muscle

pytestmark = pytest.mark.clock  # visits, plans and reminders on set dates

NY = ZoneInfo("America/New_York")
# Monday 1 March 2027, 10:00 in New York: intake the week before the visit.
INTAKE_AT = datetime(2027, 2, 24, 15, 0, tzinfo=UTC)
VISIT_1 = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)
VISIT_2 = datetime(2027, 3, 8, 15, 0, tzinfo=UTC)
HIP_FLEXORS_AND_FRONT_THIGH = {"rectus-femoris", "psoas-major", "iliacus"}
THE_VASTI = {"vastus-lateralis", "vastus-medialis", "vastus-intermedius"}
LOW_BACK = {"quadratus-lumborum", "erector-spinae", "multifidus"}


@pytest.fixture(autouse=True)
def _set_up(clinic):
    """The clinic as a new clinic gets it: default rules, questionnaires,
    note templates, dosing profiles and area order."""
    set_up_clinic(clinic=clinic)


def _suggestions(submission) -> set[tuple[str, str]]:
    return {
        (s.muscle.slug, s.side)
        for s in CulpritSuggestion.objects.filter(submission=submission).select_related("muscle")
    }


def _note_from_suggestions(client, therapist, submission, *, seen_at):
    """The therapist starts a note, taps each suggestion into a culprit finding
    (as assessed) and signs."""
    note = notes.start_note(client=client, written_by=therapist, kind="phone", seen_at=seen_at)
    for suggestion in CulpritSuggestion.objects.filter(submission=submission):
        notes.accept_suggestion(note=note, accepted_by=therapist, suggestion=suggestion)
    return note


def _lengthened(item) -> set[str]:
    return {
        t.muscle.slug
        for t in item.exercise.targets.all()
        if t.effect == TargetEffect.LENGTHENED and t.primary
    }


def _publish_and_remind(plan, therapist, *, start: date):
    homework.update_plan(
        plan=plan,
        changed_by=therapist,
        time_of_day=time(7, 30),
        start_date=start,
        end_date=start + timedelta(days=27),
    )
    homework.publish_plan(plan=plan, published_by=therapist)
    materialize_reminders(now=datetime.combine(start, time(6), NY).astimezone(UTC))
    return list(
        Notification.objects.filter(template_key="homework_reminder").order_by("send_after")
    )


def _assert_reminders_follow_the_plan(plan, reminders) -> None:
    plan.refresh_from_db()
    assert reminders, "a published plan reminds the client"
    days = {r.send_after.astimezone(NY).weekday() for r in reminders}
    assert days <= set(plan.days_of_week)
    profile = plan.dosing_profile
    if profile is not None:  # the stated frequency and the reminders agree
        assert len(plan.days_of_week) == profile.sessions_per_week
    for reminder in reminders:
        local = reminder.send_after.astimezone(NY)
        assert (local.hour, local.minute) == (7, 30)


def test_one_sided_low_back_pain_on_getting_up_leads_to_that_sides_hip_flexors_and_front_thigh(
    client_record, therapist
):
    """Pain on one side of the low back when standing up after sitting: look at
    the front of the body on that side (rectus femoris, the hip flexors), never
    at the back itself or the vasti; homework stretches those culprits."""
    with time_machine.travel(INTAKE_AT, tick=False):
        submission = submit_intake(
            client_record, pain_map=["lower_back_left"], triggers=["standing_up_after_sitting"]
        )
    suggested = _suggestions(submission)
    assert {slug for slug, _ in suggested} >= HIP_FLEXORS_AND_FRONT_THIGH
    assert all(side == "left" for _, side in suggested)
    assert not {slug for slug, _ in suggested} & (THE_VASTI | LOW_BACK)

    with time_machine.travel(VISIT_1, tick=False):
        note = _note_from_suggestions(client_record, therapist, submission, seen_at=VISIT_1)
        notes.sign_note(note=note, signed_by=therapist)
        plan = homework.propose_plan(note=note, proposed_by=therapist)
        items = list(
            plan.items.select_related("exercise").prefetch_related("exercise__targets__muscle")
        )
        # the best one or two per culprit, not every match; none cautioned
        assert 1 <= len(items) <= 5
        assert all(not item.exercise.caution_flags for item in items)
        for item in items:
            assert _lengthened(item) & HIP_FLEXORS_AND_FRONT_THIGH, item.exercise.slug
            assert not _lengthened(item) & LOW_BACK  # never the painful side of the back
            assert item.side in ("left", "both")
        reminders = _publish_and_remind(plan, therapist, start=date(2027, 3, 2))
    _assert_reminders_follow_the_plan(plan, reminders)
    entries = ProblemEntry.objects.filter(client=client_record, status="suspected")
    assert {e.muscle.slug for e in entries} >= HIP_FLEXORS_AND_FRONT_THIGH


def test_central_low_back_pain_on_bending_leads_to_both_inner_thighs_not_quadratus_lumborum(
    client_record, therapist
):
    """Pain in the middle of the low back on bending: the front of the body
    again, this time the inner thighs on both sides; quadratus lumborum (where
    it hurts) is never suggested; homework stretches the adductors."""
    with time_machine.travel(INTAKE_AT, tick=False):
        submission = submit_intake(
            client_record, pain_map=["lower_back_centre"], triggers=["bending_to_pick_up"]
        )
    suggested = _suggestions(submission)
    slugs = {slug for slug, _ in suggested}
    assert slugs and all(slug.startswith(("adductor", "gracilis", "pectineus")) for slug in slugs)
    assert "quadratus-lumborum" not in slugs
    assert {side for _, side in suggested} == {"both"}

    with time_machine.travel(VISIT_1, tick=False):
        note = _note_from_suggestions(client_record, therapist, submission, seen_at=VISIT_1)
        notes.sign_note(note=note, signed_by=therapist)
        plan = homework.propose_plan(note=note, proposed_by=therapist)
        items = list(
            plan.items.select_related("exercise").prefetch_related("exercise__targets__muscle")
        )
        assert 1 <= len(items) <= 5
        assert all(_lengthened(item) & slugs for item in items)
        assert not any("quadratus-lumborum" in _lengthened(item) for item in items)
        assert all(not item.exercise.caution_flags for item in items)
        reminders = _publish_and_remind(plan, therapist, start=date(2027, 3, 2))
    _assert_reminders_follow_the_plan(plan, reminders)


def test_a_victim_recorded_at_visit_1_and_not_mentioned_at_visit_2_is_never_stretched(
    client_record, therapist
):
    """Visit 1 finds the hip flexors short (culprits) and the left quadratus
    lumborum overstretched and sore (the victim). Visit 2 records only the
    hip flexors. The plan proposed after visit 2 still leaves the victim
    alone, and a stretch of it added by hand needs a reason and warns."""
    with time_machine.travel(VISIT_1, tick=False):
        first = notes.start_note(
            client=client_record, written_by=therapist, kind="phone", seen_at=VISIT_1
        )
        for slug, side, role in (
            ("psoas-major", "both", "culprit"),
            ("quadratus-lumborum", "left", "victim"),
        ):
            notes.add_finding(
                note=first, added_by=therapist, muscle=muscle(slug), side=side, role=role
            )
        notes.sign_note(note=first, signed_by=therapist)
    with time_machine.travel(VISIT_2, tick=False):
        second = notes.start_note(
            client=client_record, written_by=therapist, kind="phone", seen_at=VISIT_2
        )
        # the new draft asks about what is still open
        assert "quadratus-lumborum" in str(second.subjective_data.get("to_recheck"))
        notes.add_finding(
            note=second,
            added_by=therapist,
            muscle=muscle("psoas-major"),
            side="both",
            role="culprit",
        )
        notes.sign_note(note=second, signed_by=therapist)
        plan = homework.propose_plan(note=second, proposed_by=therapist)
        items = list(
            plan.items.select_related("exercise").prefetch_related("exercise__targets__muscle")
        )
        assert items
        assert not any("quadratus-lumborum" in _lengthened(item) for item in items)
        ql_stretch = (
            Exercise.objects.filter(
                targets__muscle__slug="quadratus-lumborum",
                targets__effect=TargetEffect.LENGTHENED,
                active=True,
            )
            .distinct()
            .first()
        )
        assert ql_stretch is not None
        with pytest.raises(Exception) as refused:
            homework.add_item(plan=plan, added_by=therapist, exercise=ql_stretch, side="left")
        assert "override_reason" in getattr(refused.value, "fields", {})
        reminders = _publish_and_remind(plan, therapist, start=date(2027, 3, 9))
    _assert_reminders_follow_the_plan(plan, reminders)
    victim = ProblemEntry.objects.get(
        client=client_record, muscle__slug="quadratus-lumborum", role="victim"
    )
    assert victim.status != "resolved" and victim.last_seen_on == date(2027, 3, 1)
    assert DosingProfile.objects.filter(clinic=client_record.clinic).exists()
