"""A clinic's homework settings: dosing profiles and the order of body areas."""

from __future__ import annotations

from django.db import transaction

from clinic.core.models import Clinic
from homework.models import AreaPriority, DosingProfile

DEFAULT_AREA_ORDER = [
    "hip_flexors",
    "quadriceps",
    "adductors",
    "hamstrings",
    "glutes",
    "deep_hip_rotators",
    "lateral_hip",
    "lower_back",
    "core",
    "calf",
    "shin",
    "upper_back",
]

DEFAULT_PROFILES = [
    # name, hold, reps, sets, side, sessions/week, description
    (
        "Short active holds",
        5,
        10,
        1,
        "both",
        5,
        "Move into the stretch and hold no longer than about five seconds, ten times: the "
        "muscle learns it is safe to lengthen without guarding against pain.",
    ),
    (
        "Static 45 seconds",
        45,
        1,
        1,
        "both",
        7,
        "Hold each stretch for 45 seconds or longer, every day for a week.",
    ),
    (
        "Static 60 seconds per side",
        60,
        1,
        1,
        "both",
        3,
        "Hold at least a minute per side, at least three times a week, moving in slowly.",
    ),
]


@transaction.atomic
def ensure_homework_setup(clinic: Clinic) -> None:
    """Give a clinic its dosing profiles (one matching the clinic's default
    dose is the default) and the default area order, once."""
    if not DosingProfile.objects.filter(clinic=clinic).exists():
        for name, hold, reps, sets, side, per_week, description in DEFAULT_PROFILES:
            DosingProfile.objects.create(
                clinic=clinic,
                name=name,
                hold_seconds=hold,
                repetitions=reps,
                sets=sets,
                side=side,
                sessions_per_week=per_week,
                description=description,
            )
        match = DosingProfile.objects.filter(
            clinic=clinic,
            hold_seconds=clinic.default_hold_seconds,
            sessions_per_week=clinic.default_sessions_per_week,
        ).first()
        if match is None:
            match = DosingProfile.objects.create(
                clinic=clinic,
                name="Clinic default",
                hold_seconds=clinic.default_hold_seconds,
                repetitions=clinic.default_repetitions,
                sets=clinic.default_sets,
                side=clinic.default_side,
                sessions_per_week=clinic.default_sessions_per_week,
            )
        match.is_default = True
        match.save(update_fields=["is_default"])
    if not AreaPriority.objects.filter(clinic=clinic).exists():
        AreaPriority.objects.bulk_create(
            AreaPriority(clinic=clinic, area=area, rank=rank)
            for rank, area in enumerate(DEFAULT_AREA_ORDER, start=1)
        )
