from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
import time_machine

from clinic.core.errors import NotAllowed
from clinic.notifications.models import Notification
from clinic.notifications.services import opt_out
from homework import selectors, services
from homework.dosing import effective_dose
from homework.errors import ContraindicatedExercise, VictimMuscleStretch
from homework.models import DosingProfile, Exercise, HomeworkPlan
from tests.intake.helpers import submit_intake

pytestmark = pytest.mark.clock  # schedules, reminders at local times, DST


def _items(plan):
    return [(i.exercise.slug, i.side, i.exercise.area) for i in plan.items.order_by("order")]


def test_a_proposal_targets_the_culprits_on_their_sides_hip_flexors_first(plan):
    items = _items(plan)
    areas = [area for _, _, area in items]
    assert areas == sorted(areas, key=["hip_flexors", "quadriceps"].index)
    by_slug = {slug: side for slug, side, _ in items}
    assert by_slug["half-kneeling-hip-flexor"] == "both"  # psoas on both sides
    assert by_slug["couch-stretch"] == "left"  # rectus femoris on the left only
    assert by_slug["side-lying-quad-hip-extended"] == "left"
    # The best two per culprit (tests/homework/test_proposal_choice.py), not every match.
    assert len(items) == 4
    assert not any(area == "hamstrings" for _, _, area in items)
    assert "sit-to-stand" not in by_slug  # strengthening a short culprit is not the treatment
    # The reach variant also stretches the quadratus lumborum, a recorded victim: left out.
    assert "half-kneeling-hip-flexor-reach" not in by_slug
    assert "childs-pose-side-reach" not in by_slug


def test_items_inherit_the_clinic_dose_and_can_override_it(plan, therapist):
    default = DosingProfile.objects.get(clinic=plan.clinic, is_default=True)
    assert (default.hold_seconds, default.sessions_per_week) == (60, 3)
    stretch = plan.items.get(exercise__slug="couch-stretch")
    dose = effective_dose(stretch, default)
    assert (dose.hold_seconds, dose.repetitions, dose.sessions_per_week) == (60, 1, 3)
    rolling = services.add_item(
        plan=plan,
        added_by=therapist,
        exercise=Exercise.objects.get(slug="foam-roll-front-thigh"),
        side="left",
    )
    assert effective_dose(rolling, default).hold_seconds == 60  # the exercise's own default
    short = DosingProfile.objects.get(clinic=plan.clinic, name="Short active holds")
    services.update_plan(plan=plan, changed_by=therapist, dosing_profile=short)
    plan.refresh_from_db()
    assert effective_dose(stretch, plan.dosing_profile).hold_seconds == 5
    services.update_item(item=stretch, changed_by=therapist, hold_seconds=30)
    stretch.refresh_from_db()
    assert effective_dose(stretch, plan.dosing_profile).hold_seconds == 30
    assert "hold 30 s" in effective_dose(stretch, plan.dosing_profile).describe()


def test_stretching_a_recorded_victim_is_refused_unless_the_therapist_says_why(plan, therapist):
    ql = Exercise.objects.get(slug="doorframe-ql")
    with pytest.raises(VictimMuscleStretch) as refused:
        services.add_item(plan=plan, added_by=therapist, exercise=ql, side="left")
    assert "Quadratus lumborum" in refused.value.fields["override_reason"][0]
    with pytest.raises(VictimMuscleStretch):
        services.add_item(plan=plan, added_by=therapist, exercise=ql, side="both")
    right = services.add_item(plan=plan, added_by=therapist, exercise=ql, side="right")
    assert right.safety_warnings == [] and right.override_reason == ""
    kept = services.add_item(
        plan=plan,
        added_by=therapist,
        exercise=ql,
        side="left",
        override_reason="Gentle only, QL has settled since the visit",
    )
    assert kept.override_reason.startswith("Gentle only")
    assert "victim" in kept.safety_warnings[0]
    # Releasing (not stretching) the victim is fine.
    services.add_item(
        plan=plan,
        added_by=therapist,
        exercise=Exercise.objects.get(slug="ball-quadratus-lumborum"),
        side="left",
    )


def test_an_exercise_the_intake_contraindicates_is_flagged_the_same_way(
    plan, therapist, client_record
):
    submit_intake(client_record, contraindications=["pregnancy"], anticoagulants="yes")
    with pytest.raises(ContraindicatedExercise) as prone:
        services.add_item(
            plan=plan, added_by=therapist, exercise=Exercise.objects.get(slug="back-extension")
        )
    assert "pregnancy" in prone.value.fields["override_reason"][0]
    with pytest.raises(ContraindicatedExercise):
        services.add_item(
            plan=plan,
            added_by=therapist,
            exercise=Exercise.objects.get(slug="foam-roll-glutes"),
            side="left",
        )
    item = services.add_item(
        plan=plan,
        added_by=therapist,
        exercise=Exercise.objects.get(slug="back-extension"),
        override_reason="Second trimester; cleared by her midwife",
    )
    assert item.safety_warnings == ["Unsuitable with: pregnancy."]


def test_only_a_therapist_who_treats_the_client_prescribes(signed_note, other_therapist, owner):
    for outsider in (other_therapist, owner):
        with pytest.raises(NotAllowed):
            services.propose_plan(note=signed_note, proposed_by=outsider)


def _publish(plan, therapist, **schedule):
    services.update_plan(plan=plan, changed_by=therapist, **schedule)
    return services.publish_plan(plan=plan, published_by=therapist)


def test_reminders_land_at_the_local_time_across_a_dst_change(plan, therapist):
    # New York leaves summer time on Sunday 1 November 2026.
    with time_machine.travel(datetime(2026, 10, 25, 12, tzinfo=UTC), tick=False):
        _publish(
            plan,
            therapist,
            days_of_week=[0, 2, 4],
            time_of_day=time(7, 30),
            start_date=date(2026, 10, 26),
            end_date=date(2026, 12, 31),
        )
        reminders = Notification.objects.filter(template_key="homework_reminder").order_by(
            "send_after"
        )
        got = [r.send_after for r in reminders]
        assert got == [
            datetime(2026, 10, 26, 11, 30, tzinfo=UTC),
            datetime(2026, 10, 28, 11, 30, tzinfo=UTC),
            datetime(2026, 10, 30, 11, 30, tzinfo=UTC),
            datetime(2026, 11, 2, 12, 30, tzinfo=UTC),
            datetime(2026, 11, 4, 12, 30, tzinfo=UTC),
            datetime(2026, 11, 6, 12, 30, tzinfo=UTC),
        ]
        assert services.materialize_reminders(now=datetime.now(UTC)) == 0  # twice: nothing new
    assert Notification.objects.filter(template_key="homework_plan").count() == 1


def test_pause_resume_and_stop_cancel_or_move_future_reminders(plan, therapist):
    with time_machine.travel(datetime(2026, 6, 1, 12, tzinfo=UTC), tick=False):
        _publish(
            plan,
            therapist,
            days_of_week=[1, 3],
            time_of_day=time(18),
            start_date=date(2026, 6, 2),
            end_date=date(2026, 7, 31),
        )

        def pending():  # a fresh query each time (an iterated queryset caches its count)
            return Notification.objects.filter(template_key="homework_reminder", status="pending")

        assert pending().count() == 4
        services.pause_plan(plan=plan, paused_by=therapist)
        assert pending().count() == 0
        services.resume_plan(plan=plan, resumed_by=therapist)
        assert pending().count() == 4
        services.update_plan(plan=plan, changed_by=therapist, days_of_week=[0, 2, 4])
        # From 2 June to 14 June: Wed 3, Fri 5, Mon 8, Wed 10, Fri 12.
        assert pending().count() == 5 and {r.send_after.weekday() for r in pending()} == {0, 2, 4}
        services.stop_plan(plan=plan, stopped_by=therapist)
        assert pending().count() == 0


def test_a_new_plan_supersedes_the_old_one(plan, therapist, signed_note):
    with time_machine.travel(datetime(2026, 6, 1, 12, tzinfo=UTC), tick=False):
        _publish(plan, therapist, start_date=date(2026, 6, 2))
        newer = services.propose_plan(note=signed_note, proposed_by=therapist)
        services.publish_plan(plan=newer, published_by=therapist)
    plan.refresh_from_db()
    assert plan.status == "superseded" and plan.superseded_by == newer
    assert not Notification.objects.filter(
        about_id=str(plan.pk), template_key="homework_reminder", status="pending"
    ).exists()


def test_opting_out_stops_the_reminders(plan, therapist, client_record):
    with time_machine.travel(datetime(2026, 6, 1, 12, tzinfo=UTC), tick=False):
        _publish(plan, therapist, start_date=date(2026, 6, 2))
        opt_out(client=client_record, via="test")
        assert not Notification.objects.filter(status="pending").exists()
        services.update_plan(plan=plan, changed_by=therapist, time_of_day=time(19))
    assert set(
        Notification.objects.filter(template_key="homework_reminder").values_list(
            "status", flat=True
        )
    ) == {"cancelled"}


def test_adherence_arithmetic(plan, therapist):
    with time_machine.travel(datetime(2026, 6, 1, 12, tzinfo=UTC), tick=False):
        _publish(
            plan,
            therapist,
            days_of_week=[0, 2, 4],
            start_date=date(2026, 6, 1),
            end_date=date(2026, 6, 30),
        )
    first_item = plan.items.order_by("order").first()
    with time_machine.travel(datetime(2026, 6, 12, 23, tzinfo=UTC), tick=False):  # Fri 19:00 NY
        for day in (date(2026, 6, 1), date(2026, 6, 3), date(2026, 6, 10)):
            services.record_reply(plan=plan, session_date=day, kind="done")
        services.record_reply(plan=plan, session_date=date(2026, 6, 5), kind="skipped")
        for item in plan.items.all():  # Friday: every exercise ticked on the page
            services.record_reply(
                plan=plan,
                session_date=date(2026, 6, 12),
                kind="done",
                exercise=item.exercise,
                via="page",
            )
        services.record_reply(
            plan=plan,
            session_date=date(2026, 6, 8),
            kind="done",
            exercise=first_item.exercise,
            via="page",
        )
        result = selectors.get_adherence(HomeworkPlan.objects.get(pk=plan.pk))
    assert [(w["week_of"], w["prescribed"], w["done"]) for w in result["weeks"]] == [
        (date(2026, 6, 1), 3, 2),
        (date(2026, 6, 8), 3, 2),
    ]
    assert (result["done"], result["prescribed"], result["percent"]) == (4, 6, 67)
    assert result["streak"] == 2  # Wed 10 and Fri 12
    first = next(e for e in result["exercises"] if e["item"] == first_item.pk)
    assert (first["done"], first["prescribed"]) == (5, 6)  # + its own tick on Monday 8
    psoas = next(c for c in result["culprits"] if c["muscle"] == "psoas-major")
    assert psoas["prescribed"] > 0 and psoas["done"] <= psoas["prescribed"]


def test_adherence_counts_an_item_with_its_own_days_on_those_days_only(plan, therapist):
    with time_machine.travel(datetime(2026, 6, 1, 12, tzinfo=UTC), tick=False):
        first_item, *_ = list(plan.items.order_by("order"))
        services.update_item(item=first_item, changed_by=therapist, days_of_week=[0])
        _publish(
            plan,
            therapist,
            days_of_week=[0, 2, 4],
            start_date=date(2026, 6, 1),
            end_date=date(2026, 6, 30),
        )
    with time_machine.travel(datetime(2026, 6, 12, 23, tzinfo=UTC), tick=False):  # Fri 19:00 NY
        services.record_reply(plan=plan, session_date=date(2026, 6, 8), kind="done")
        result = selectors.get_adherence(HomeworkPlan.objects.get(pk=plan.pk))
    first = next(e for e in result["exercises"] if e["item"] == first_item.pk)
    others = [e for e in result["exercises"] if e["item"] != first_item.pk]
    assert (first["done"], first["prescribed"]) == (1, 2)  # Mondays 1 and 8 only
    assert others and all(e["prescribed"] == 6 for e in others)  # Mon, Wed, Fri twice


def test_the_daily_run_adds_only_the_new_day(plan, therapist):
    with time_machine.travel(datetime(2026, 6, 1, 12, tzinfo=UTC), tick=False):
        _publish(
            plan,
            therapist,
            days_of_week=list(range(7)),
            time_of_day=time(18),
            start_date=date(2026, 6, 1),
            end_date=date(2026, 7, 31),
        )
    reminders = Notification.objects.filter(template_key="homework_reminder")
    assert reminders.count() == 14  # 1 to 14 June, 18:00 New York
    next_day = datetime(2026, 6, 2, 12, tzinfo=UTC)
    with time_machine.travel(next_day, tick=False):
        assert services.materialize_reminders(now=next_day) == 1  # 15 June
        assert services.materialize_reminders(now=next_day) == 0
    assert reminders.count() == 15
