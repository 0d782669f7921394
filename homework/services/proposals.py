"""Proposing a homework plan from a signed note.

A note has at most one draft at a time: proposing again (a second click, a
second tab, a colleague) returns the draft that is already there, so nobody
ends up editing one draft while another is published. Proposals from one note
take turns on the note's row lock, so two at once cannot both create one."""

from __future__ import annotations

from datetime import time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from clinic.core.audit import record_audit
from clinic.core.errors import Conflict
from clinic.core.models import AuditAction, Clinic, User
from homework.models import (
    AreaPriority,
    DosingProfile,
    Exercise,
    ExerciseKind,
    HomeworkPlan,
    PlanItem,
    PlanStatus,
)
from homework.schedule import default_days
from homework.services.plans import _therapist_for
from homework.services.safety import client_contraindications, latest_victims, safety_warnings
from homework.services.setup import DEFAULT_AREA_ORDER, ensure_homework_setup
from notes import selectors as notes_selectors
from notes.models import FindingRole, SessionNote

# Kinds that treat a short culprit (strengthening it is not the treatment).
TREATS_CULPRITS = (
    ExerciseKind.STRETCH,
    ExerciseKind.FOAM_ROLLING,
    ExerciseKind.TRIGGER_POINT,
    ExerciseKind.MOBILITY,
)

# (area rank, name, exercise, side, culprit muscle id)
Choice = tuple[int, str, Exercise, str, int]


def _area_rank(clinic_id: int) -> dict[str, int]:
    ranks = dict(AreaPriority.objects.filter(clinic_id=clinic_id).values_list("area", "rank"))
    return ranks or {area: i for i, area in enumerate(DEFAULT_AREA_ORDER, start=1)}


def _choose_exercises(note: SessionNote, clinic: Clinic) -> list[Choice]:
    culprits = notes_selectors.list_muscles_by_role(note, FindingRole.CULPRIT)
    if not culprits:
        raise Conflict("The note records no culprit muscles to build a plan from.")
    victims = latest_victims(note.client)
    contraindications = client_contraindications(note.client)
    exercises = (
        Exercise.objects.filter(
            active=True,
            kind__in=TREATS_CULPRITS,
            targets__primary=True,
            targets__muscle_id__in=list(culprits),
        )
        .filter(Q(clinic__isnull=True) | Q(clinic_id=clinic.pk))
        .distinct()
        .prefetch_related("targets__muscle")
    )
    ranks = _area_rank(clinic.pk)
    chosen: list[Choice] = []
    for exercise in exercises:
        primary = [t for t in exercise.targets.all() if t.primary and t.muscle_id in culprits]
        sides = set().union(*(culprits[t.muscle_id] for t in primary))
        one_side = exercise.sided and len(sides) == 1 and next(iter(sides)) in ("left", "right")
        side = next(iter(sides)) if one_side else "both"
        victim, contra = safety_warnings(
            exercise, side, victims=victims, contraindications=contraindications
        )
        if victim or contra:
            continue
        chosen.append(
            (ranks.get(exercise.area, 99), exercise.name, exercise, side, primary[0].muscle_id)
        )
    chosen.sort(key=lambda c: (c[0], c[1]))
    return chosen


@transaction.atomic
def propose_or_reuse_plan(*, note: SessionNote, proposed_by: User) -> tuple[HomeworkPlan, bool]:
    """A draft plan from a signed note, and whether it is new: exercises whose
    primary targets are the note's culprit muscles, on their sides, ordered by
    the clinic's area priority, with the clinic's dose. Nothing that stretches
    a recorded victim or that the intake contraindicates is proposed. When the
    note already has a draft, that draft is returned (and False)."""
    note = notes_selectors.lock_note(note.pk)
    therapist = _therapist_for(proposed_by, note.client)
    if not note.is_signed:
        raise Conflict("Sign the note first: the plan is built from its findings.")
    draft = (
        HomeworkPlan.objects.filter(source_note=note, status=PlanStatus.DRAFT)
        .order_by("-created_at", "-id")
        .first()
    )
    if draft is not None:
        return draft, False
    clinic = note.client.clinic
    ensure_homework_setup(clinic)
    chosen = _choose_exercises(note, clinic)
    default_profile = DosingProfile.objects.filter(clinic=clinic, is_default=True).first()
    per_week = (
        default_profile.sessions_per_week if default_profile else clinic.default_sessions_per_week
    )
    today = timezone.localdate()
    plan = HomeworkPlan.objects.create(
        clinic=clinic,
        client=note.client,
        therapist=therapist,
        source_note=note,
        dosing_profile=default_profile,
        days_of_week=default_days(per_week),
        time_of_day=time(18, 0),
        zone_name=note.client.zone_name,
        start_date=today + timedelta(days=1),
        end_date=today + timedelta(days=28),
    )
    PlanItem.objects.bulk_create(
        PlanItem(
            plan=plan, exercise=exercise, order=(i + 1) * 10, side=side, for_culprit_id=culprit_id
        )
        for i, (_, _, exercise, side, culprit_id) in enumerate(chosen)
    )
    record_audit(
        actor=proposed_by,
        action=AuditAction.CREATE,
        obj=plan,
        client=note.client,
        detail={"proposed_from_note": note.pk, "items": len(chosen)},
    )
    return plan, True


def propose_plan(*, note: SessionNote, proposed_by: User) -> HomeworkPlan:
    """The note's draft plan: a new one, or the draft the note already has."""
    return propose_or_reuse_plan(note=note, proposed_by=proposed_by)[0]
