"""How much of each exercise: an item's own dose, else the plan's dosing
profile (or the clinic's default profile) when the profile speaks for the
exercise's dose kind, else the exercise's own default. A profile of static
holds leaves a rocking frog (moved a few seconds each way, repeated), a foam
roll or a set of bridges with their own doses.

How often: the days the item is done on (its own days, else the plan's), so
the stated frequency is always the schedule's."""

from __future__ import annotations

from dataclasses import dataclass

from homework.models import DoseKind, DosingProfile, HomeworkPlan, PlanItem
from homework.schedule import days_in_words, default_days, item_days


@dataclass(frozen=True)
class Dose:
    hold_seconds: int
    repetitions: int
    sets: int
    side: str
    sessions_per_week: int
    sided: bool = True
    kind: str = DoseKind.STATIC_HOLD

    def describe(self) -> str:
        times = f"{self.repetitions} times" if self.repetitions > 1 else ""
        sets = f"{self.sets} sets" if self.sets > 1 else ""
        if self.kind == DoseKind.DYNAMIC_REPS:
            each = f"about {self.hold_seconds} s each way" if self.hold_seconds > 1 else ""
            parts = [f"{self.repetitions} slow movements" if self.repetitions > 1 else "", each]
        elif self.kind == DoseKind.RELEASE_TIME:
            parts = [f"about {self.hold_seconds} s" if self.hold_seconds > 1 else "", times]
        elif self.kind == DoseKind.STRENGTH_SETS:
            pause = f"hold each for {self.hold_seconds} s" if self.hold_seconds > 1 else ""
            parts = [times, pause]
        else:
            parts = [f"hold {self.hold_seconds} s" if self.hold_seconds > 1 else "", times]
        side = {"left": "left side", "right": "right side", "both": "each side"}[self.side]
        parts += [sets, side if self.sided else ""]
        return ", ".join(p for p in parts if p)


def plan_profile(plan: HomeworkPlan, default: DosingProfile | None) -> DosingProfile | None:
    return plan.dosing_profile or default


def profile_speaks_for(profile: DosingProfile | None, dose_kind: str) -> bool:
    return profile is not None and dose_kind in (profile.dose_kinds or [DoseKind.STATIC_HOLD])


def effective_dose(item: PlanItem, profile: DosingProfile | None) -> Dose:
    exercise = item.exercise
    clinic = item.plan.clinic
    if profile is not None and profile_speaks_for(profile, exercise.dose_kind):
        base = (profile.hold_seconds, profile.repetitions, profile.sets)
    elif exercise.default_hold_seconds is not None:
        base = (
            exercise.default_hold_seconds,
            exercise.default_repetitions or 1,
            exercise.default_sets or 1,
        )
    else:
        base = (clinic.default_hold_seconds, clinic.default_repetitions, clinic.default_sets)
    days = item_days(item.days_of_week, item.plan.days_of_week)
    if days:
        per_week = len(days)
    else:
        per_week = profile.sessions_per_week if profile else clinic.default_sessions_per_week
    return Dose(
        hold_seconds=item.hold_seconds or base[0],
        repetitions=item.repetitions or base[1],
        sets=item.sets or base[2],
        side=item.side if exercise.sided else "both",
        sessions_per_week=per_week,
        sided=exercise.sided,
        kind=exercise.dose_kind,
    )


def schedule_warnings(plan: HomeworkPlan, default: DosingProfile | None) -> list[str]:
    """Where the plan's days and its profile's frequency disagree (days the
    therapist set by hand are kept when the profile changes): said, never silent."""
    profile = plan_profile(plan, default)
    if profile is None or not plan.days_of_week:
        return []
    days = len(set(plan.days_of_week))
    if days == profile.sessions_per_week:
        return []
    return [
        f"The dosing profile “{profile.name}” is {profile.sessions_per_week} session(s) a week "
        f"({days_in_words(default_days(profile.sessions_per_week))}); this plan keeps the days "
        f"set by hand, {days_in_words(plan.days_of_week)} ({days} a week). Change the days to "
        "follow the profile."
    ]
