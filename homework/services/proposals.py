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
    HomeworkSettings,
    PlanItem,
    PlanStatus,
)
from homework.schedule import default_days
from homework.services.plans import _therapist_for, check_plan_clearance
from homework.services.safety import active_victims, client_contraindications, safety_warnings
from homework.services.setup import DEFAULT_AREA_ORDER, ensure_homework_setup, settings_for
from intake import services as intake_services
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
    victims = active_victims(note.client)
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
    candidates: list[tuple[Exercise, str]] = []
    for exercise in exercises:
        if exercise.caution_flags:  # flexible clients only, discouraged: by hand only
            continue
        primary = [t for t in exercise.targets.all() if t.primary and t.muscle_id in culprits]
        sides = set().union(*(culprits[t.muscle_id] for t in primary))
        one_side = exercise.sided and len(sides) == 1 and next(iter(sides)) in ("left", "right")
        side = next(iter(sides)) if one_side else "both"
        victim, contra = safety_warnings(
            exercise, side, victims=victims, contraindications=contraindications
        )
        if victim or contra:
            continue
        candidates.append((exercise, side))
    return _best_per_culprit(candidates, list(culprits), ranks, settings_for(clinic.pk))


def _cautions(exercise: Exercise) -> int:
    """How much care an exercise asks for: the conditions that rule it out and
    its caution flags."""
    return len(exercise.contraindications) + len(exercise.caution_flags)


def _best_per_culprit(
    candidates: list[tuple[Exercise, str]],
    culprits: list[int],
    ranks: dict[str, int],
    settings: HomeworkSettings,
) -> list[Choice]:
    """The best one or two exercises for each culprit, up to the clinic's
    maximum in all. For one culprit, exercises for which it is a primary target
    come first, then by the clinic's area order, then the fewer cautions, then
    the more of the note's culprits it reaches (then by name). Culprits are
    served in area order, so when the maximum is reached the areas the clinic
    puts first are the ones treated. An exercise chosen for one culprit also
    counts for another it primarily targets."""

    def targets(exercise: Exercise, *, primary: bool) -> set[int]:
        return {t.muscle_id for t in exercise.targets.all() if t.primary or not primary}

    def key(culprit: int, exercise: Exercise) -> tuple[int, int, int, int, str]:
        first = 0 if culprit in targets(exercise, primary=True) else 1
        reach = len(targets(exercise, primary=False) & set(culprits))
        return (first, ranks.get(exercise.area, 99), _cautions(exercise), -reach, exercise.name)

    by_culprit = {
        culprit: sorted(
            (c for c in candidates if culprit in targets(c[0], primary=False)),
            key=lambda c, culprit=culprit: key(culprit, c[0]),  # type: ignore[misc]
        )
        for culprit in culprits
    }
    order = sorted(
        (c for c in culprits if by_culprit[c]),
        key=lambda c: (key(c, by_culprit[c][0][0])[:2], c),
    )
    picked: dict[int, Choice] = {}
    for culprit in order:
        served = sum(
            1 for _, _, ex, _, _ in picked.values() if culprit in targets(ex, primary=True)
        )
        for exercise, side in by_culprit[culprit]:
            if served >= settings.max_per_culprit or len(picked) >= settings.max_proposed_exercises:
                break
            if exercise.pk in picked:
                continue
            picked[exercise.pk] = (
                ranks.get(exercise.area, 99),
                exercise.name,
                exercise,
                side,
                culprit,
            )
            served += 1
    return sorted(picked.values(), key=lambda c: (c[0], c[1]))


@transaction.atomic
def propose_or_reuse_plan(
    *, note: SessionNote, proposed_by: User, clearance_override_reason: str = ""
) -> tuple[HomeworkPlan, bool]:
    """A draft plan from a signed note, and whether it is new: the best one or
    two exercises for each of the note's culprit muscles (up to the clinic's
    maximum, ``HomeworkSettings``), on their sides, ordered by the clinic's
    area priority, with the clinic's dose and the days for its frequency.
    Exercises with a caution (flexible clients only, discouraged by the
    method) are never proposed. Nothing that stretches
    a recorded victim or that the intake contraindicates is proposed. When the
    note already has a draft, that draft is returned (and False). A client
    referred to a doctor and not yet cleared gets a plan only with
    ``clearance_override_reason`` (kept on the plan and audited)."""
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
        check_plan_clearance(draft, proposed_by, clearance_override_reason, "proposed")
        return draft, False
    override = intake_services.check_homework_clearance(
        client=note.client, override_reason=clearance_override_reason
    )
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
        clearance_override_reason=override[:300],
        clearance_override_by=proposed_by if override else None,
        clearance_override_at=timezone.now() if override else None,
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
        detail={
            "proposed_from_note": note.pk,
            "items": len(chosen),
            **({"clearance_override": "proposed", "reason": override} if override else {}),
        },
    )
    return plan, True


def propose_plan(
    *, note: SessionNote, proposed_by: User, clearance_override_reason: str = ""
) -> HomeworkPlan:
    """The note's draft plan: a new one, or the draft the note already has."""
    return propose_or_reuse_plan(
        note=note, proposed_by=proposed_by, clearance_override_reason=clearance_override_reason
    )[0]
