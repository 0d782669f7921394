"""The muscle atlas: reference data every clinical record points into."""

from __future__ import annotations

from django.db import models


class MuscleRegion(models.TextChoices):
    UPPER_BACK = "upper_back", "Upper back"
    LOWER_BACK = "lower_back", "Lower back"
    ABDOMEN = "abdomen", "Abdomen and trunk"
    PELVIS = "pelvis", "Pelvis and hip"
    THIGH = "thigh", "Thigh"
    LOWER_LEG = "lower_leg", "Lower leg"


class FunctionalGroup(models.TextChoices):
    HIP_FLEXORS = "hip_flexors", "Hip flexors"
    QUADRICEPS = "quadriceps", "Quadriceps"
    ADDUCTORS = "adductors", "Adductors (inner thigh)"
    HAMSTRINGS = "hamstrings", "Hamstrings"
    GLUTES = "glutes", "Glutes"
    DEEP_HIP_ROTATORS = "deep_hip_rotators", "Deep hip rotators"
    LATERAL_HIP = "lateral_hip", "Lateral hip"
    LOWER_BACK = "lower_back", "Lower back"
    UPPER_BACK = "upper_back", "Upper back"
    CORE = "core", "Core"
    CALF = "calf", "Calf"
    SHIN = "shin", "Shin and outer leg"


class Muscle(models.Model):
    """One muscle (or a muscle group clinicians treat as one, e.g. erector spinae)."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100, unique=True)
    region = models.CharField(max_length=20, choices=MuscleRegion.choices)
    functional_group = models.CharField(max_length=20, choices=FunctionalGroup.choices)
    sided = models.BooleanField(
        default=True, help_text="Recorded per side (left/right). Off for midline muscles."
    )
    antagonists = models.ManyToManyField(
        "self",
        symmetrical=True,
        blank=True,
        help_text="Muscles that usually pull against this one.",
    )
    description = models.TextField(max_length=2000, blank=True)
    reference = models.TextField(
        max_length=500,
        blank=True,
        help_text="The anatomy reference this muscle's actions, functional group and "
        "antagonists follow (e.g. Kendall, Muscles: Testing and Function; Gray's Anatomy).",
    )

    class Meta:
        ordering = ["functional_group", "name"]

    def __str__(self) -> str:
        return self.name
