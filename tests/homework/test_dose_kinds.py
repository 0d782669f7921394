"""Doses fit the exercise: each exercise has a dose kind and a dosing profile
changes only the kinds it speaks for (issue 13, point 5)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from homework import services
from homework.dosing import effective_dose
from homework.models import DoseKind, DosingProfile, Exercise
from homework.services.setup import DEFAULT_PROFILES


def _add(plan, therapist, slug, **extra):
    return services.add_item(
        plan=plan, added_by=therapist, exercise=Exercise.objects.get(slug=slug), **extra
    )


def _default(plan):
    return DosingProfile.objects.get(clinic=plan.clinic, is_default=True)


def test_every_library_exercise_has_the_dose_kind_that_fits_it(db):
    kinds = dict(Exercise.objects.values_list("slug", "dose_kind"))
    assert set(kinds.values()) <= set(DoseKind.values)
    assert kinds["rocking-frog"] == kinds["cat-camel"] == kinds["hip-circles"] == "dynamic_reps"
    assert kinds["foam-roll-front-thigh"] == kinds["ball-quadratus-lumborum"] == "release_time"
    assert kinds["glute-bridge"] == kinds["back-extension"] == "strength_sets"
    assert kinds["couch-stretch"] == kinds["half-kneeling-hip-flexor"] == "static_hold"
    # Every kind the clinic's profiles might speak for is used by some exercise.
    assert set(kinds.values()) == set(DoseKind.values)


def test_a_profile_leaves_a_rocking_frog_dynamic(plan, therapist):
    frog = _add(plan, therapist, "rocking-frog")
    sixty = _default(plan)
    assert (sixty.hold_seconds, sixty.dose_kinds) == (60, ["static_hold"])
    dose = effective_dose(frog, sixty)
    # The exercise's own dose: a few seconds each way, repeated, not a 60-second hold.
    assert (dose.kind, dose.hold_seconds, dose.repetitions, dose.sets) == ("dynamic_reps", 5, 10, 2)
    assert dose.describe() == "10 slow movements, about 5 s each way, 2 sets"


def test_a_profile_changes_static_holds_and_leaves_release_and_strength_doses(plan, therapist):
    sixty = _default(plan)
    stretch = plan.items.get(exercise__slug="couch-stretch")
    rolling = _add(plan, therapist, "foam-roll-glutes", side="left")
    bridge = _add(plan, therapist, "glute-bridge")
    short = DosingProfile.objects.get(clinic=plan.clinic, name="Short active holds")
    assert effective_dose(stretch, sixty).hold_seconds == 60
    assert (
        effective_dose(stretch, short).hold_seconds,
        effective_dose(stretch, short).repetitions,
    ) == (
        5,
        10,
    )
    for profile in (sixty, short):
        assert effective_dose(rolling, profile).hold_seconds == 60  # its own rolling time
        bridge_dose = effective_dose(bridge, profile)
        assert (bridge_dose.repetitions, bridge_dose.sets, bridge_dose.kind) == (
            12,
            2,
            "strength_sets",
        )
    assert effective_dose(bridge, short).describe() == "12 times, hold each for 3 s, 2 sets"


def test_a_profile_that_speaks_for_dynamic_repetitions_doses_them(plan, therapist):
    frog = _add(plan, therapist, "rocking-frog")
    profile = DosingProfile.objects.create(
        clinic=plan.clinic,
        name="Slow rocking",
        hold_seconds=3,
        repetitions=15,
        sets=1,
        sessions_per_week=5,
        dose_kinds=["static_hold", "dynamic_reps"],
    )
    dose = effective_dose(frog, profile)
    assert (dose.hold_seconds, dose.repetitions, dose.sets) == (3, 15, 1)


def test_the_three_schools_of_dosing_stay_and_speak_for_static_holds(plan):
    schools = {
        p.name: (p.hold_seconds, p.repetitions, p.sessions_per_week) for p in DEFAULT_PROFILES
    }
    assert schools["Short active holds"] == (5, 10, 5)  # about five seconds, repeated
    assert schools["Static 45 seconds"][0] == 45
    assert schools["Static 60 seconds per side"] == (60, 1, 3)  # a minute, three times a week
    stored = DosingProfile.objects.filter(clinic=plan.clinic, name__in=schools)
    assert stored.count() == 3 and all(p.dose_kinds == ["static_hold"] for p in stored)


def test_a_profile_with_an_unknown_dose_kind_is_refused(plan):
    profile = _default(plan)
    profile.dose_kinds = ["long_static"]
    with pytest.raises(ValidationError) as refused:
        profile.full_clean()
    assert "dose_kinds" in refused.value.message_dict


def test_the_api_gives_each_items_dose_kind_and_each_exercises(plan, therapist, api_as):
    _add(plan, therapist, "rocking-frog")
    body = api_as("therapist").get(f"/api/v1/homework-plans/{plan.pk}/").json()
    kinds = {item["exercise_slug"]: item["dose"]["kind"] for item in body["items"]}
    assert kinds["rocking-frog"] == "dynamic_reps" and kinds["couch-stretch"] == "static_hold"
    frog = api_as("therapist").get("/api/v1/exercises/", {"search": "rocking-frog"}).json()
    rows = frog["results"] if isinstance(frog, dict) else frog
    assert rows[0]["dose_kind"] == "dynamic_reps" and rows[0]["caution_flags"] == ["flexible_only"]
