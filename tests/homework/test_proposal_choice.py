"""What gets proposed: the best one or two exercises per culprit, up to the
clinic's maximum; cautioned exercises are never proposed and warn when a
therapist adds one by hand (issue 13, point 7)."""

from __future__ import annotations

import pytest

from homework import services
from homework.models import CautionFlag, Exercise, HomeworkSettings
from homework.services.setup import settings_for
from notes import services as notes
from tests.notes.conftest import muscle

DISCOURAGED = ["standing-heel-to-buttock-quad", "standing-toe-touch", "butterfly-knees-pressed"]


@pytest.fixture
def culprits_note(note, therapist, clinic):
    """Five culprits, each with several exercises in the library."""

    def sign(*slugs: str):
        services.ensure_homework_setup(clinic)
        for slug in slugs:
            notes.add_finding(
                note=note,
                added_by=therapist,
                muscle=muscle(slug),
                side="both",
                role="culprit",
                tension=3,
            )
        return notes.sign_note(note=note, signed_by=therapist)

    return sign


def _proposed(note, therapist):
    plan = services.propose_plan(note=note, proposed_by=therapist)
    return list(plan.items.order_by("order").select_related("exercise", "for_culprit"))


def _serving(items, slug):
    return [i for i in items if i.exercise.targets.filter(primary=True, muscle__slug=slug).exists()]


def test_at_most_two_exercises_per_culprit_and_five_in_all(culprits_note, therapist):
    slugs = ["psoas-major", "rectus-femoris", "adductor-longus", "biceps-femoris", "piriformis"]
    items = _proposed(culprits_note(*slugs), therapist)
    assert len(items) == 5 == settings_for(therapist.clinic_id).max_proposed_exercises
    for slug in slugs:
        assert len([i for i in items if i.for_culprit.slug == slug]) <= 2
    # Culprits are served in the clinic's area order (hip flexors first), each
    # with the best two before the next culprit is served.
    assert [i.for_culprit.slug for i in items][:2] == ["psoas-major", "psoas-major"]
    areas = [i.exercise.area for i in items]
    assert areas == ["hip_flexors", "hip_flexors", "quadriceps", "quadriceps", "adductors"]


def test_the_clinic_sets_the_maximum(culprits_note, therapist, clinic):
    note = culprits_note("psoas-major", "rectus-femoris")
    HomeworkSettings.objects.filter(clinic=clinic).update(max_proposed_exercises=3)
    items = _proposed(note, therapist)
    assert len(items) == 3
    assert [i.for_culprit.slug for i in items] == ["psoas-major", "psoas-major", "rectus-femoris"]


def test_the_best_exercises_for_a_culprit_have_it_as_primary_target_and_fewer_cautions(
    culprits_note, therapist
):
    items = _proposed(culprits_note("psoas-major"), therapist)
    # Four hip flexor stretches target the psoas first; the two with the fewest
    # contraindications win (the edge-of-bed one is out with two).
    assert sorted(i.exercise.slug for i in items) == [
        "half-kneeling-hip-flexor",
        "standing-lunge-hip-flexor",
    ]
    assert all(i.for_culprit.slug == "psoas-major" for i in items)


def test_an_exercise_for_two_culprits_counts_for_both(culprits_note, therapist):
    items = _proposed(culprits_note("psoas-major", "iliacus"), therapist)
    # Both hip flexor stretches reach the psoas and the iliacus: two in all, not four.
    assert len(items) == 2
    assert len(_serving(items, "iliacus")) == 2 and len(_serving(items, "psoas-major")) == 2


def test_the_discouraged_stretches_are_in_the_library_and_flagged(db):
    flagged = dict(
        Exercise.objects.filter(slug__in=DISCOURAGED).values_list("slug", "caution_flags")
    )
    assert set(flagged) == set(DISCOURAGED)
    assert all(CautionFlag.DISCOURAGED in flags for flags in flagged.values())
    assert Exercise.objects.get(slug="rocking-frog").caution_flags == [CautionFlag.FLEXIBLE_ONLY]


def test_discouraged_exercises_are_never_proposed(culprits_note, therapist, clinic):
    note = culprits_note("vastus-lateralis", "biceps-femoris", "adductor-longus", "adductor-magnus")
    # Room for every match: only the cautions keep them out.
    HomeworkSettings.objects.filter(clinic=clinic).update(
        max_proposed_exercises=20, max_per_culprit=5
    )
    slugs = {i.exercise.slug for i in _proposed(note, therapist)}
    assert slugs and not slugs & {*DISCOURAGED, "rocking-frog"}
    assert "wall-straddle" in slugs  # the kind inner-thigh stretch is proposed instead


def test_adding_a_discouraged_exercise_by_hand_warns(plan, therapist, api_as):
    item = services.add_item(
        plan=plan,
        added_by=therapist,
        exercise=Exercise.objects.get(slug="standing-heel-to-buttock-quad"),
        side="left",
    )
    assert item.safety_warnings == [
        "Discouraged by the method: Standing heel-to-buttock thigh stretch is not proposed "
        "automatically."
    ]
    response = api_as("therapist").post(
        f"/api/v1/homework-plans/{plan.pk}/items/",
        {"exercise": "rocking-frog"},
        format="json",
    )
    assert response.status_code == 201
    [frog] = [i for i in response.json()["items"] if i["exercise_slug"] == "rocking-frog"]
    assert frog["safety_warnings"] == [
        "For flexible clients only: Rocking frog stretch (flexible hips) is not proposed "
        "automatically."
    ]
