"""A clinic's starting quick phrases for notes."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from notes.models import NoteTemplate

DEFAULT_TEMPLATES = [
    (
        "subjective",
        "Better since last visit",
        "Reports less pain since the last visit; did the stretches most days.",
    ),
    (
        "subjective",
        "Worse after sitting",
        "Pain worse after long sitting at work this week; eases when walking.",
    ),
    (
        "objective",
        "Anterior pelvic tilt",
        "Standing posture: anterior pelvic tilt, increased lumbar lordosis.",
    ),
    ("objective", "Hip hike in gait", "Gait: hikes the hip on the painful side; short stride."),
    (
        "assessment",
        "Front-of-thigh culprit",
        "Short rectus femoris pulling the pelvis forward; lumbar erectors overstretched (victims).",
    ),
    (
        "assessment",
        "Hip flexor culprit",
        "Short iliopsoas from prolonged sitting; low back compensating.",
    ),
    (
        "plan",
        "Release and stretch culprits",
        "Release and stretch the culprit muscles; no stretching of the victim muscles. "
        "Homework as prescribed; review in one week.",
    ),
    (
        "plan",
        "Refer to doctor",
        "Red flags reported: advised to see their doctor before further treatment.",
    ),
]


@transaction.atomic
def ensure_default_templates(clinic: Any) -> None:
    """Give a clinic starting quick phrases (once); it edits them in the admin."""
    if NoteTemplate.objects.filter(clinic=clinic).exists():
        return
    NoteTemplate.objects.bulk_create(
        NoteTemplate(clinic=clinic, section=section, title=title, text=text, order=i)
        for i, (section, title, text) in enumerate(DEFAULT_TEMPLATES)
    )
