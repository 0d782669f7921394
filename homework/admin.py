"""Homework in the admin: the clinic edits its exercise library, dosing
profiles and area order; plans are read here (therapists use the API)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from homework.models import (
    AreaPriority,
    DosingProfile,
    Exercise,
    ExerciseTarget,
    HomeworkAlert,
    HomeworkPlan,
    PlanItem,
)


class TargetInline(admin.TabularInline[ExerciseTarget, Exercise]):
    model = ExerciseTarget
    extra = 0


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin[Exercise]):
    list_display = ["name", "kind", "area", "sided", "active"]
    list_filter = ["kind", "area", "active"]
    search_fields = ["name", "slug", "instructions"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TargetInline]


@admin.register(DosingProfile)
class DosingProfileAdmin(admin.ModelAdmin[DosingProfile]):
    list_display = [
        "name",
        "hold_seconds",
        "repetitions",
        "sets",
        "sessions_per_week",
        "is_default",
    ]
    list_filter = ["clinic"]


@admin.register(AreaPriority)
class AreaPriorityAdmin(admin.ModelAdmin[AreaPriority]):
    list_display = ["rank", "area", "clinic"]
    list_editable = ["area"]
    list_filter = ["clinic"]


class ItemInline(admin.TabularInline[PlanItem, HomeworkPlan]):
    model = PlanItem
    extra = 0
    fields = [
        "order",
        "exercise",
        "side",
        "hold_seconds",
        "repetitions",
        "sets",
        "override_reason",
        "safety_warnings",
    ]
    readonly_fields = [
        "order",
        "exercise",
        "side",
        "hold_seconds",
        "repetitions",
        "sets",
        "override_reason",
        "safety_warnings",
    ]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(HomeworkPlan)
class HomeworkPlanAdmin(admin.ModelAdmin[HomeworkPlan]):
    list_display = ["client", "therapist", "status", "start_date", "end_date", "published_at"]
    list_filter = ["status", "therapist"]
    search_fields = ["client__last_name"]
    list_select_related = ["client", "therapist__user"]
    inlines = [ItemInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [f.name for f in HomeworkPlan._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(HomeworkAlert)
class HomeworkAlertAdmin(admin.ModelAdmin[HomeworkAlert]):
    list_display = ["plan", "kind", "raised_on"]
    list_filter = ["kind"]
    readonly_fields = ["plan", "kind", "raised_on", "detail", "created_at"]
