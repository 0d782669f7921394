"""The muscle atlas reviewed against standard anatomy references (Gray's
Anatomy; Kendall, Muscles: Testing and Function), each muscle citing its
reference; the review migration only touches what 0002 seeded, runs twice
safely and reverses."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps

from clinic.core.models import Muscle

review = importlib.import_module("clinic.core.migrations.0013_atlas_review")


def _antagonists(slug: str) -> set[str]:
    return set(Muscle.objects.get(slug=slug).antagonists.values_list("slug", flat=True))


def test_psoas_minor_does_not_flex_the_hip(db):
    psoas_minor = Muscle.objects.get(slug="psoas-minor")
    assert psoas_minor.functional_group != "hip_flexors"
    assert "does not flex the hip" in psoas_minor.description
    assert "does not cross the hip" in psoas_minor.reference
    hip_flexors = set(
        Muscle.objects.filter(functional_group="hip_flexors").values_list("slug", flat=True)
    )
    assert hip_flexors == {"psoas-major", "iliacus", "sartorius"}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("psoas-major", "erector-spinae"),
        ("quadratus-lumborum", "external-oblique"),
        ("piriformis", "adductor-magnus"),
    ],
)
def test_these_pairs_are_not_antagonists(db, a, b):
    assert b not in _antagonists(a) and a not in _antagonists(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("piriformis", "tensor-fasciae-latae"),  # lateral against medial rotation of the hip
        ("piriformis", "gluteus-minimus"),
        ("psoas-major", "gluteus-maximus"),  # kept: hip flexion against extension
        ("rectus-abdominis", "erector-spinae"),  # kept: trunk flexion against extension
        ("gastrocnemius", "tibialis-anterior"),  # kept: plantar against dorsiflexion
    ],
)
def test_reviewed_pairs_pull_against_each_other_both_ways(db, a, b):
    assert b in _antagonists(a) and a in _antagonists(b)


def test_every_muscle_cites_its_reference(db):
    muscles = list(Muscle.objects.all())
    assert len(muscles) >= 40
    for muscle in muscles:
        assert muscle.reference, muscle.slug
        assert "Gray's Anatomy" in muscle.reference and "Kendall" in muscle.reference
    postural = Muscle.objects.get(slug="pectoralis-major").reference
    assert "Janda" in postural  # a postural pair is cited as one


def test_the_atlas_review_runs_twice_safely_and_reverses(db):
    def state():
        return sorted(
            (m.slug, m.functional_group, m.description, m.reference, sorted(_antagonists(m.slug)))
            for m in Muscle.objects.all()
        )

    reviewed = state()
    review.review_atlas(django_apps, None)
    assert state() == reviewed
    review.unreview_atlas(django_apps, None)
    assert Muscle.objects.get(slug="psoas-minor").functional_group == "hip_flexors"
    assert "erector-spinae" in _antagonists("psoas-major")
    assert "tensor-fasciae-latae" not in _antagonists("piriformis")
    assert not Muscle.objects.exclude(reference="").exists()
    review.review_atlas(django_apps, None)
    assert state() == reviewed


def test_an_atlas_entry_edited_in_the_admin_is_left_alone(db):
    review.unreview_atlas(django_apps, None)
    Muscle.objects.filter(slug="psoas-minor").update(description="Our own words.")
    review.review_atlas(django_apps, None)
    psoas_minor = Muscle.objects.get(slug="psoas-minor")
    assert psoas_minor.description == "Our own words."
    assert psoas_minor.functional_group == "core"


def test_the_muscles_api_gives_each_muscles_reference(api_as):
    response = api_as("therapist").get("/api/v1/muscles/", {"page_size": 200})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert rows and all(row["reference"] for row in rows)
