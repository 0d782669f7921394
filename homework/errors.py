"""Homework's domain errors."""

from __future__ import annotations

from clinic.core.errors import Conflict


class VictimMuscleStretch(Conflict):
    """The exercise stretches a muscle recorded as a victim on that side."""

    code = "victim_muscle_stretch"
    default_message = (
        "This exercise stretches a muscle recorded as a victim (already overstretched). "
        "Give an override reason to keep it."
    )


class ContraindicatedExercise(Conflict):
    code = "contraindicated"
    default_message = (
        "This exercise is unsuitable given the client's intake. Give an override reason to keep it."
    )


class PlanNotEditable(Conflict):
    code = "plan_not_editable"
    default_message = "This plan has been stopped or replaced and cannot be changed."
