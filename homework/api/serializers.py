from __future__ import annotations

from typing import Any

from rest_framework import serializers

from homework.dosing import effective_dose
from homework.models import (
    DosingProfile,
    Exercise,
    ExerciseTarget,
    HomeworkAlert,
    HomeworkPlan,
    PlanItem,
    ReplyKind,
    Side,
)


class TargetSerializer(serializers.ModelSerializer[ExerciseTarget]):
    muscle = serializers.CharField(source="muscle.slug")

    class Meta:
        model = ExerciseTarget
        fields = ["muscle", "effect", "primary"]


class ExerciseSerializer(serializers.ModelSerializer[Exercise]):
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
            "contraindications",
            "video_url",
            "sided",
            "default_hold_seconds",
            "default_repetitions",
            "default_sets",
            "targets",
        ]


class DosingProfileSerializer(serializers.ModelSerializer[DosingProfile]):
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
            "is_default",
        ]


class ItemSerializer(serializers.ModelSerializer[PlanItem]):
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
            "for_culprit",
            "override_reason",
            "safety_warnings",
            "dose",
        ]

    def get_dose(self, item: PlanItem) -> dict[str, Any]:
        profile = item.plan.dosing_profile or self.context.get("default_profile")
        dose = effective_dose(item, profile)
        return {
            "hold_seconds": dose.hold_seconds,
            "repetitions": dose.repetitions,
            "sets": dose.sets,
            "side": dose.side,
            "sessions_per_week": dose.sessions_per_week,
            "text": dose.describe(),
        }


class AlertSerializer(serializers.ModelSerializer[HomeworkAlert]):
    class Meta:
        model = HomeworkAlert
        fields = ["id", "kind", "raised_on", "detail"]


class PlanSerializer(serializers.ModelSerializer[HomeworkPlan]):
    items = ItemSerializer(many=True, read_only=True)
    alerts = AlertSerializer(many=True, read_only=True)
    therapist_name = serializers.CharField(source="therapist.display_name", read_only=True)

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
            "time_of_day",
            "zone_name",
            "start_date",
            "end_date",
            "message",
            "published_at",
            "superseded_by",
            "items",
            "alerts",
        ]


class ProposeSerializer(serializers.Serializer[None]):
    note = serializers.IntegerField()


class PlanUpdateSerializer(serializers.Serializer[None]):
    days_of_week = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6), allow_empty=False, required=False
    )
    time_of_day = serializers.TimeField(required=False)
    start_date = serializers.DateField(required=False)
    end_date = serializers.DateField(required=False, allow_null=True)
    dosing_profile = serializers.IntegerField(required=False, allow_null=True)
    message = serializers.CharField(allow_blank=True, required=False)


class ItemInputSerializer(serializers.Serializer[None]):
    exercise = serializers.SlugRelatedField(slug_field="slug", queryset=Exercise.objects.all())
    side = serializers.ChoiceField(choices=Side.choices, default=Side.BOTH)
    hold_seconds = serializers.IntegerField(min_value=1, max_value=600, required=False)
    repetitions = serializers.IntegerField(min_value=1, max_value=100, required=False)
    sets = serializers.IntegerField(min_value=1, max_value=20, required=False)
    note = serializers.CharField(max_length=300, allow_blank=True, required=False)
    override_reason = serializers.CharField(max_length=300, allow_blank=True, default="")


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
    override_reason = serializers.CharField(max_length=300, allow_blank=True, default="")


class ReorderSerializer(serializers.Serializer[None]):
    items = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


class ReplySerializer(serializers.Serializer[None]):
    session_date = serializers.DateField()
    kind = serializers.ChoiceField(choices=ReplyKind.choices)
    pain_score = serializers.IntegerField(
        min_value=0, max_value=10, required=False, allow_null=True
    )
    exercise = serializers.SlugRelatedField(
        slug_field="slug", queryset=Exercise.objects.all(), required=False, allow_null=True
    )


class ReplyResultSerializer(serializers.Serializer[None]):
    id = serializers.IntegerField()
    recorded = serializers.BooleanField()
