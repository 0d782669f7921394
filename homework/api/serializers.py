from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clinic.core.api.fields import ClinicModelSerializer, IdField, SaneDateField, SlugChoiceField
from homework.dosing import effective_dose, schedule_warnings
from homework.models import (
    DoseKind,
    DosingProfile,
    Exercise,
    ExerciseTarget,
    HomeworkAlert,
    HomeworkPlan,
    PlanItem,
    ReplyKind,
    Side,
)
from homework.schedule import item_days, session_days


class TargetSerializer(ClinicModelSerializer[ExerciseTarget]):
    muscle = serializers.CharField(source="muscle.slug")

    class Meta:
        model = ExerciseTarget
        fields = ["muscle", "effect", "primary"]


class ExerciseSerializer(ClinicModelSerializer[Exercise]):
    targets = TargetSerializer(many=True, read_only=True)

    class Meta:
        model = Exercise
        fields = [
            "id",
            "slug",
            "name",
            "kind",
            "area",
            "instructions",
            "cautions",
            "dose_kind",
            "caution_flags",
            "contraindications",
            "video_url",
            "sided",
            "default_hold_seconds",
            "default_repetitions",
            "default_sets",
            "targets",
        ]


class DosingProfileSerializer(ClinicModelSerializer[DosingProfile]):
    class Meta:
        model = DosingProfile
        fields = [
            "id",
            "name",
            "hold_seconds",
            "repetitions",
            "sets",
            "side",
            "sessions_per_week",
            "description",
            "dose_kinds",
            "how_to_move",
            "if_it_hurts",
            "is_default",
        ]


class DoseSerializer(serializers.Serializer[Any]):
    """The dose the client is given: the item's own, else the profile's when it
    speaks for the exercise's dose kind, else the exercise's own."""

    kind = serializers.ChoiceField(choices=DoseKind.choices)
    days_of_week = serializers.ListField(
        child=serializers.IntegerField(), help_text="The item's days (0 = Monday)."
    )
    hold_seconds = serializers.IntegerField()
    repetitions = serializers.IntegerField()
    sets = serializers.IntegerField()
    side = serializers.CharField()
    sessions_per_week = serializers.IntegerField()
    text = serializers.CharField()


class ItemSerializer(ClinicModelSerializer[PlanItem]):
    exercise_slug = serializers.CharField(source="exercise.slug", read_only=True)
    exercise_name = serializers.CharField(source="exercise.name", read_only=True)
    dose = serializers.SerializerMethodField()

    class Meta:
        model = PlanItem
        fields = [
            "id",
            "exercise",
            "exercise_slug",
            "exercise_name",
            "order",
            "side",
            "hold_seconds",
            "repetitions",
            "sets",
            "note",
            "days_of_week",
            "for_culprit",
            "override_reason",
            "safety_warnings",
            "dose",
        ]

    @extend_schema_field(DoseSerializer)
    def get_dose(self, item: PlanItem) -> dict[str, Any]:
        profile = item.plan.dosing_profile or self.context.get("default_profile")
        dose = effective_dose(item, profile)
        return {
            "kind": dose.kind,
            "days_of_week": item_days(item.days_of_week, item.plan.days_of_week),
            "hold_seconds": dose.hold_seconds,
            "repetitions": dose.repetitions,
            "sets": dose.sets,
            "side": dose.side,
            "sessions_per_week": dose.sessions_per_week,
            "text": dose.describe(),
        }


class AlertSerializer(ClinicModelSerializer[HomeworkAlert]):
    class Meta:
        model = HomeworkAlert
        fields = ["id", "kind", "raised_on", "detail"]


class PlanSerializer(ClinicModelSerializer[HomeworkPlan]):
    items = ItemSerializer(many=True, read_only=True)
    alerts = AlertSerializer(many=True, read_only=True)
    therapist_name = serializers.CharField(source="therapist.display_name", read_only=True)
    sessions_per_week = serializers.SerializerMethodField(
        help_text="Days a week with at least one exercise."
    )
    schedule_warnings = serializers.SerializerMethodField(
        help_text="Where the days and the dosing profile's frequency disagree."
    )

    class Meta:
        model = HomeworkPlan
        fields = [
            "id",
            "client",
            "therapist",
            "therapist_name",
            "source_note",
            "status",
            "dosing_profile",
            "days_of_week",
            "days_set_by_hand",
            "sessions_per_week",
            "schedule_warnings",
            "time_of_day",
            "zone_name",
            "start_date",
            "end_date",
            "message",
            "published_at",
            "superseded_by",
            "clearance_override_reason",
            "clearance_override_at",
            "items",
            "alerts",
        ]
        read_only_fields = ["days_set_by_hand"]

    def get_sessions_per_week(self, plan: HomeworkPlan) -> int:
        return len(session_days(plan))

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_schedule_warnings(self, plan: HomeworkPlan) -> list[str]:
        return schedule_warnings(plan, self.context.get("default_profile"))


def _clearance_override_reason() -> serializers.CharField:
    return serializers.CharField(
        max_length=300,
        allow_blank=True,
        default="",
        help_text="Needed while the client is referred to a doctor and not yet cleared "
        "(otherwise 409 clearance_required): why homework goes ahead now.",
    )


class ProposeSerializer(serializers.Serializer[None]):
    note = IdField()
    clearance_override_reason = _clearance_override_reason()


class PublishSerializer(serializers.Serializer[None]):
    clearance_override_reason = _clearance_override_reason()


PLAN_MESSAGE_MAX = HomeworkPlan._meta.get_field("message").max_length or 2000


class PlanUpdateSerializer(serializers.Serializer[None]):
    days_of_week = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6),
        allow_empty=False,
        max_length=7,
        required=False,
    )
    time_of_day = serializers.TimeField(required=False)
    start_date = SaneDateField(required=False)
    end_date = SaneDateField(required=False, allow_null=True)
    dosing_profile = IdField(required=False, allow_null=True)
    message = serializers.CharField(max_length=PLAN_MESSAGE_MAX, allow_blank=True, required=False)


class ItemInputSerializer(serializers.Serializer[None]):
    exercise: SlugChoiceField[Exercise] = SlugChoiceField(
        slug_field="slug", queryset=Exercise.objects.all()
    )
    side = serializers.ChoiceField(choices=Side.choices, default=Side.BOTH)
    hold_seconds = serializers.IntegerField(min_value=1, max_value=600, required=False)
    repetitions = serializers.IntegerField(min_value=1, max_value=100, required=False)
    sets = serializers.IntegerField(min_value=1, max_value=20, required=False)
    note = serializers.CharField(max_length=300, allow_blank=True, required=False)
    days_of_week = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6),
        allow_empty=True,
        max_length=7,
        required=False,
        help_text="The item's own days (0 = Monday); empty: the plan's days.",
    )
    override_reason = serializers.CharField(max_length=300, allow_blank=True, default="")
    clearance_override_reason = _clearance_override_reason()


class ItemUpdateSerializer(serializers.Serializer[None]):
    side = serializers.ChoiceField(choices=Side.choices, required=False)
    hold_seconds = serializers.IntegerField(
        min_value=1, max_value=600, required=False, allow_null=True
    )
    repetitions = serializers.IntegerField(
        min_value=1, max_value=100, required=False, allow_null=True
    )
    sets = serializers.IntegerField(min_value=1, max_value=20, required=False, allow_null=True)
    note = serializers.CharField(max_length=300, allow_blank=True, required=False)
    days_of_week = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6),
        allow_empty=True,
        max_length=7,
        required=False,
        help_text="The item's own days (0 = Monday); empty: the plan's days.",
    )
    override_reason = serializers.CharField(max_length=300, allow_blank=True, default="")


class ReorderSerializer(serializers.Serializer[None]):
    items = serializers.ListField(child=IdField(), allow_empty=False, max_length=200)


class ReplySerializer(serializers.Serializer[None]):
    session_date = SaneDateField()
    kind = serializers.ChoiceField(choices=ReplyKind.choices)
    pain_score = serializers.IntegerField(
        min_value=0, max_value=10, required=False, allow_null=True
    )
    exercise: SlugChoiceField[Exercise] = SlugChoiceField(
        slug_field="slug", queryset=Exercise.objects.all(), required=False, allow_null=True
    )


class ReplyResultSerializer(serializers.Serializer[None]):
    id = serializers.IntegerField()
    recorded = serializers.BooleanField()


class AdherenceWeekSerializer(serializers.Serializer[Any]):
    week_of = serializers.DateField(help_text="The Monday of the week.")
    prescribed = serializers.IntegerField()
    done = serializers.IntegerField()


class ExerciseAdherenceSerializer(serializers.Serializer[Any]):
    item = serializers.IntegerField()
    exercise = serializers.CharField(help_text="The exercise's slug.")
    name = serializers.CharField()
    done = serializers.IntegerField()
    prescribed = serializers.IntegerField()


class PainReplySerializer(serializers.Serializer[Any]):
    date = serializers.DateField()
    score = serializers.IntegerField(allow_null=True)


class CulpritAdherenceSerializer(serializers.Serializer[Any]):
    muscle = serializers.CharField(help_text="The culprit muscle's slug.")
    muscle_name = serializers.CharField()
    exercises = serializers.ListField(child=serializers.CharField())
    done = serializers.IntegerField()
    prescribed = serializers.IntegerField()
    pain = PainReplySerializer(many=True)


class AdherenceSerializer(serializers.Serializer[Any]):
    """Sessions done against prescribed, per week, per exercise and per culprit."""

    plan = serializers.IntegerField()
    prescribed = serializers.IntegerField()
    done = serializers.IntegerField()
    percent = serializers.IntegerField(allow_null=True, help_text="None before any session.")
    streak = serializers.IntegerField()
    weeks = AdherenceWeekSerializer(many=True)
    exercises = ExerciseAdherenceSerializer(many=True)
    culprits = CulpritAdherenceSerializer(many=True)
    pain = PainReplySerializer(many=True)
