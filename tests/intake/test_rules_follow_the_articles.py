"""The default culprit rules follow the articles: pain on getting up, standing
or bending points at the front of the body; only rectus femoris of the
quadriceps tilts the pelvis; a rule looks away from where it hurts, at the
muscles that pull on the painful one; knee and hip pain follow the chain
ankle -> knee -> hip. Each rule carries a source note, and the migration that
brings clinics up to these rules leaves a clinic's own edits alone."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps

from clinic.core.models import Muscle
from intake import defaults, services
from intake.admin import RuleForm
from intake.bodymap import FRONT
from intake.models import CulpritRule, CulpritSuggestion
from intake.vocabulary import AREAS, MUSCLES_UNDER, REGION_BY_CODE
from tests.clinic.factories import ClinicFactory
from tests.intake.helpers import submit_intake

review = importlib.import_module("intake.migrations.0005_rules_and_questions")

VASTI = {"vastus-lateralis", "vastus-medialis", "vastus-intermedius"}


@pytest.fixture(autouse=True)
def _rules(clinic):
    services.ensure_default_rules(clinic)


def _suggested(submission) -> set[tuple[str, str]]:
    return {
        (s.muscle.slug, s.side)
        for s in CulpritSuggestion.objects.filter(submission=submission).select_related("muscle")
    }


def _rule_muscles(spec) -> set[str]:
    """Every muscle a default rule suggests: its own and its groups' members."""
    slugs = set(spec["muscles"])
    slugs |= set(
        Muscle.objects.filter(functional_group__in=spec["functional_groups"]).values_list(
            "slug", flat=True
        )
    )
    return slugs


@pytest.mark.parametrize(
    "regions",
    [
        ["lower_back_left"],
        ["lower_back_right"],
        ["lower_back_centre"],
        ["lower_back_left", "lower_back_right"],
    ],
)
@pytest.mark.parametrize("trigger", ["bending_to_pick_up", "lifting", "twisting"])
def test_bending_pain_never_suggests_quadratus_lumborum(client_record, regions, trigger):
    submission = submit_intake(client_record, pain_map=regions, triggers=[trigger])
    assert not any(slug == "quadratus-lumborum" for slug, _ in _suggested(submission))
    assert not any("quadratus-lumborum" in _rule_muscles(r) for r in defaults.DEFAULT_RULES)


def test_side_pain_on_standing_suggests_rectus_femoris_not_the_vasti(client_record):
    submission = submit_intake(
        client_record, pain_map=["lower_back_right"], triggers=["standing_long"]
    )
    suggested = _suggested(submission)
    assert {("rectus-femoris", "right"), ("psoas-major", "right"), ("iliacus", "right")} <= (
        suggested
    )
    assert not {slug for slug, _ in suggested} & VASTI
    assert not any(side == "left" for _, side in suggested)
    assert all(not (VASTI & _rule_muscles(r)) for r in defaults.DEFAULT_RULES)


def test_no_default_rule_names_the_painful_muscle_itself(db):
    atlas = set(Muscle.objects.values_list("slug", flat=True))
    assert set(MUSCLES_UNDER) == set(AREAS)
    assert set().union(*MUSCLES_UNDER.values()) <= atlas
    for spec in defaults.DEFAULT_RULES:
        painful = set().union(*(MUSCLES_UNDER[REGION_BY_CODE[r].area] for r in spec["regions"]))
        suggested = _rule_muscles(spec)
        assert suggested, spec["name"]
        assert not suggested & painful, (spec["name"], sorted(suggested & painful))


def test_buttock_and_back_of_thigh_pain_point_at_the_muscles_that_pull_on_them(client_record):
    submission = submit_intake(
        client_record, pain_map=["buttock_left", "back_thigh_left"], triggers=[]
    )
    slugs = {slug for slug, _ in _suggested(submission)}
    assert {"psoas-major", "iliacus", "rectus-femoris", "adductor-longus"} <= slugs
    assert not slugs & (MUSCLES_UNDER["buttock"] | MUSCLES_UNDER["back_thigh"])


def test_every_default_rule_has_a_source_note(client_record, clinic):
    for spec in defaults.DEFAULT_RULES:
        assert 20 <= len(spec["source_note"]) <= 300, spec["name"]
    rules = list(CulpritRule.objects.filter(clinic=clinic))
    assert len(rules) == len(defaults.DEFAULT_RULES)
    assert all(rule.source_note for rule in rules)
    assert "source_note" in RuleForm.base_fields  # the clinic reads and edits it in the admin
    submission = submit_intake(
        client_record, pain_map=["lower_back_left"], triggers=["standing_up_after_sitting"]
    )
    suggestion = CulpritSuggestion.objects.filter(submission=submission).select_related("rule")[0]
    assert suggestion.rule is not None
    assert suggestion.reason.endswith(f"Source: {suggestion.rule.source_note}")


def test_a_long_reason_is_shortened_so_the_source_note_always_shows(clinic):
    rule = CulpritRule(clinic=clinic, name="Long", regions=["neck"], reason="x" * 1000)
    rule.source_note = "Our own experience."
    reason = services.rules.suggestion_reason(rule)
    assert len(reason) <= 1000 and reason.endswith("Source: Our own experience.")


def test_knee_and_hip_pain_rules_suggest_the_pullers(client_record):
    drawn = {shape.region for shape in FRONT}
    assert {"knee_left", "knee_right", "hip_left", "hip_right"} <= drawn  # on the body map
    knee = _suggested(submit_intake(client_record, pain_map=["knee_left"], triggers=[]))
    assert {
        ("rectus-femoris", "left"),
        ("psoas-major", "left"),
        ("gastrocnemius", "left"),
        ("soleus", "left"),
    } <= knee
    assert not {slug for slug, _ in knee} & (MUSCLES_UNDER["knee"] | VASTI)
    hip = _suggested(submit_intake(client_record, pain_map=["hip_right"], triggers=[]))
    assert {("psoas-major", "right"), ("iliacus", "right"), ("adductor-longus", "right")} <= hip
    assert not {slug for slug, _ in hip} & MUSCLES_UNDER["hip"]
    reasons = CulpritSuggestion.objects.filter(muscle__slug="soleus").values_list(
        "reason", flat=True
    )
    assert all("ankle" in reason and "Source:" in reason for reason in reasons)


# --- the migration that brings clinics' default rules up to date ---------------------------


def _old_default_rules(clinic) -> dict[str, CulpritRule]:
    muscles = {m.slug: m for m in Muscle.objects.all()}
    rules = {}
    for spec in review.OLD_RULES:
        fields = {k: v for k, v in spec.items() if k != "muscles"}
        rule = CulpritRule.objects.create(clinic=clinic, **fields)
        rule.muscles.set([muscles[slug] for slug in spec["muscles"]])
        rules[spec["name"]] = rule
    return rules


def test_edited_rules_are_left_alone_by_the_migration(db):
    clinic = ClinicFactory()
    old = _old_default_rules(clinic)
    first, second, third, fourth, fifth, sixth, bending = review.OLD_RULES
    edited = old[fifth["name"]]
    edited.reason = "Our own words about the back of the thigh."
    edited.save()
    switched_off = old[sixth["name"]]
    switched_off.active = False
    switched_off.save()
    own = CulpritRule.objects.create(
        clinic=clinic,
        name="Knee: the calf, for the ankle below it",
        regions=["knee_left"],
        reason="Ours.",
    )

    review.review_rules(django_apps, None)
    review.review_rules(django_apps, None)  # a second run changes nothing

    new = {spec["name"]: spec for spec in review.NEW_RULES}
    rules = {rule.name: rule for rule in CulpritRule.objects.filter(clinic=clinic)}
    side = rules[review.RENAMED[first["name"]]]
    assert {m.slug for m in side.muscles.all()} == {"rectus-femoris", "psoas-major", "iliacus"}
    assert side.functional_groups == [] and side.source_note == new[side.name]["source_note"]
    for spec in (second, third, fourth):
        assert rules[review.RENAMED[spec["name"]]].source_note
    # The clinic's edits stay exactly as they were.
    assert rules[fifth["name"]].reason == "Our own words about the back of the thigh."
    assert rules[fifth["name"]].source_note == ""
    assert rules[sixth["name"]].active is False
    assert {m.slug for m in rules[sixth["name"]].muscles.all()} == {"gluteus-medius", "piriformis"}
    # The quadratus lumborum rule for bending is switched off with the reason, not deleted.
    assert rules[bending["name"]].active is False
    assert "front of the body" in rules[bending["name"]].source_note
    # New rules come in beside the clinic's own, never over a rule of the same name.
    assert rules["Knee: the calf, for the ankle below it"].pk == own.pk
    assert rules["Knee: the calf, for the ankle below it"].reason == "Ours."
    assert set(review.ADDED) <= set(rules)
    assert CulpritRule.objects.filter(clinic=clinic).count() == len(review.OLD_RULES) + 1 + 2


def test_the_migration_gives_unedited_clinics_the_same_rules_as_a_new_clinic(clinic):
    upgraded = ClinicFactory()
    _old_default_rules(upgraded)
    review.review_rules(django_apps, None)

    def shape(c):
        return sorted(
            (r.name, r.priority, r.reason, r.source_note, sorted(m.slug for m in r.muscles.all()))
            for r in CulpritRule.objects.filter(clinic=c, active=True)
        )

    assert shape(upgraded) == shape(clinic)
    frozen = [dict(spec) for spec in review.NEW_RULES]
    assert frozen == [dict(spec) for spec in defaults.DEFAULT_RULES]


def test_the_api_gives_each_suggestion_its_rules_source_note(client_record, api_as):
    submission = submit_intake(
        client_record, pain_map=["lower_back_left"], triggers=["standing_up_after_sitting"]
    )
    response = api_as("therapist").get(f"/api/v1/intake-submissions/{submission.pk}/")
    assert response.status_code == 200
    suggestions = response.json()["suggestions"]
    assert suggestions and all(s["source_note"] for s in suggestions)
    assert all(s["source_note"] in s["reason"] for s in suggestions)
