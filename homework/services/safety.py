"""Homework safety: an exercise must not stretch a muscle that is a victim on
the client's active problem list (on its side: a victim recorded at any signed
visit counts until a therapist resolves it), nor be one the client's intake
contraindicates, unless the therapist gives a reason."""

from __future__ import annotations

from clinic.core.models import Client
from homework.errors import ContraindicatedExercise, VictimMuscleStretch
from homework.models import Exercise, TargetEffect
from intake import selectors as intake_selectors
from notes import selectors as notes_selectors
from notes.models import ProblemRole


def _sides_overlap(a: str, b: str) -> bool:
    return a == b or "both" in (a, b) or "" in (a, b)


def active_victims(client: Client) -> dict[int, set[str]]:
    """Victim muscles (and sides) still open on the client's problem list,
    whether or not the latest note mentioned them."""
    return notes_selectors.list_active_problem_muscles(client, ProblemRole.VICTIM)


def client_contraindications(client: Client) -> set[str]:
    """The intake's contraindications, with blood thinners as one more."""
    submission = intake_selectors.get_latest_intake(client)
    if submission is None:
        return set()
    codes = set(submission.contraindications)
    if submission.anticoagulants:
        codes.add("anticoagulants")
    return codes


def safety_warnings(
    exercise: Exercise, side: str, *, victims: dict[int, set[str]], contraindications: set[str]
) -> tuple[list[str], list[str]]:
    """(victim warnings, contraindication warnings) for one exercise on one side."""
    victim_warnings = []
    for target in exercise.targets.all():
        if target.effect != TargetEffect.LENGTHENED or target.muscle_id not in victims:
            continue
        if any(_sides_overlap(side, v) for v in victims[target.muscle_id]):
            victim_warnings.append(
                f"Stretches {target.muscle.name}, recorded as a victim "
                f"({', '.join(sorted(s or 'midline' for s in victims[target.muscle_id]))})."
            )
    contra = sorted(set(exercise.contraindications) & contraindications)
    contra_warnings = [f"Unsuitable with: {code.replace('_', ' ')}." for code in contra]
    return victim_warnings, contra_warnings


def check_item_safety(
    *, client: Client, exercise: Exercise, side: str, override_reason: str
) -> list[str]:
    """Refuse an item that stretches a recorded victim on its side, or that the
    intake contraindicates, unless the therapist gives a reason; return the
    warnings the item then carries."""
    victim, contra = safety_warnings(
        exercise,
        side,
        victims=active_victims(client),
        contraindications=client_contraindications(client),
    )
    if override_reason.strip():
        return victim + contra
    if victim:
        raise VictimMuscleStretch(fields={"override_reason": victim})
    if contra:
        raise ContraindicatedExercise(fields={"override_reason": contra})
    return []
