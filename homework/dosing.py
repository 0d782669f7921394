"""How much of each exercise: an item's own dose, else (for stretches) the
plan's dosing profile or the clinic's default profile, else the exercise's
own default (a squat is counted in repetitions, not held for a minute)."""

from __future__ import annotations

from dataclasses import dataclass

from homework.models import DosingProfile, ExerciseKind, HomeworkPlan, PlanItem


@dataclass(frozen=True)
class Dose:
    hold_seconds: int
    repetitions: int
    sets: int
    side: str
    sessions_per_week: int
    sided: bool = True

    def describe(self) -> str:
        hold = f"hold {self.hold_seconds} s" if self.hold_seconds > 1 else ""
        reps = f"{self.repetitions} times" if self.repetitions > 1 else ""
        sets = f"{self.sets} sets" if self.sets > 1 else ""
        side = {"left": "left side", "right": "right side", "both": "each side"}[self.side]
        side = side if self.sided else ""
        return ", ".join(p for p in (hold, reps, sets, side) if p)


def plan_profile(plan: HomeworkPlan, default: DosingProfile | None) -> DosingProfile | None:
    return plan.dosing_profile or default


def effective_dose(item: PlanItem, profile: DosingProfile | None) -> Dose:
    exercise = item.exercise
    clinic = item.plan.clinic
    if exercise.kind == ExerciseKind.STRETCH and profile is not None:
        base = (profile.hold_seconds, profile.repetitions, profile.sets)
    elif exercise.default_hold_seconds is not None:
        base = (
            exercise.default_hold_seconds,
            exercise.default_repetitions or 1,
            exercise.default_sets or 1,
        )
    else:
        base = (clinic.default_hold_seconds, clinic.default_repetitions, clinic.default_sets)
    per_week = profile.sessions_per_week if profile else clinic.default_sessions_per_week
    return Dose(
        hold_seconds=item.hold_seconds or base[0],
        repetitions=item.repetitions or base[1],
        sets=item.sets or base[2],
        side=item.side if exercise.sided else "both",
        sessions_per_week=per_week,
        sided=exercise.sided,
    )
