"""Homework in the admin: the clinic edits its exercise library, dosing
profiles, area order and homework settings (proposal size, plan page words);
plans and alerts are read here (therapists use the API), and reading them is
audited. Each clinic sees its own
(``ClinicScopedAdmin``); the shared exercise library is read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from clinic.core.admin_scoping import ClinicScopedAdmin, ClinicScopedTabularInline
from homework.models import (
    AreaPriority,
    DoseKind,
    DosingProfile,
    Exercise,
    ExerciseTarget,
    HomeworkAlert,
    HomeworkPlan,
    HomeworkSettings,
    PlanItem,
)


class ExerciseForm(forms.ModelForm[Exercise]):
    """A dose kind or caution flags left out of the form keep their defaults."""

    video_url = forms.URLField(assume_scheme="https", required=False, max_length=200)

    class Meta:
        model = Exercise
        fields = [f.name for f in Exercise._meta.fields if f.editable and not f.primary_key]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("dose_kind", "caution_flags"):
            if name in self.fields:  # absent where the row is read-only
                self.fields[name].required = False

    def clean_dose_kind(self) -> str:
        return str(self.cleaned_data.get("dose_kind") or DoseKind.STATIC_HOLD)

    def clean_caution_flags(self) -> list[str]:
        return list(self.cleaned_data.get("caution_flags") or [])


class TargetInline(ClinicScopedTabularInline[ExerciseTarget, Exercise]):
    model = ExerciseTarget
    extra = 0


@admin.register(Exercise)
class ExerciseAdmin(ClinicScopedAdmin[Exercise]):
    form = ExerciseForm
    clinic_path = "clinic"
    shared_rows_visible = True  # the shared library (no clinic): read, not changed
    # A video address typed without a scheme is https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "kind", "dose_kind", "area", "sided", "active"]
    list_filter = ["kind", "dose_kind", "area", "active"]
    search_fields = ["name", "slug", "instructions"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TargetInline]


@admin.register(DosingProfile)
class DosingProfileAdmin(ClinicScopedAdmin[DosingProfile]):
    clinic_path = "clinic"
    list_display = [
        "name",
        "hold_seconds",
        "repetitions",
        "sets",
        "sessions_per_week",
        "is_default",
    ]
    list_filter = ["clinic"]


@admin.register(HomeworkSettings)
class HomeworkSettingsAdmin(ClinicScopedAdmin[HomeworkSettings]):
    """How much a proposal holds and the words of the client's plan page. One
    row per clinic, made when the clinic is set up: changed, never added or
    deleted here."""

    clinic_path = "clinic"
    list_display = ["clinic", "max_proposed_exercises", "max_per_culprit"]
    fields = [
        "max_proposed_exercises",
        "max_per_culprit",
        "how_to_move",
        "if_it_hurts",
        "what_to_avoid",
        "flexible_only_words",
        "discouraged_words",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AreaPriority)
class AreaPriorityAdmin(ClinicScopedAdmin[AreaPriority]):
    clinic_path = "clinic"
    list_display = ["rank", "area", "clinic"]
    list_editable = ["area"]
    list_filter = ["clinic"]


class ItemInline(ClinicScopedTabularInline[PlanItem, HomeworkPlan]):
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
class HomeworkPlanAdmin(ClinicScopedAdmin[HomeworkPlan]):
    clinic_path = "clinic"
    audit_client_path = "client"
    audit_list_reads = True
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
class HomeworkAlertAdmin(ClinicScopedAdmin[HomeworkAlert]):
    clinic_path = "plan__clinic"
    audit_client_path = "plan__client"
    audit_list_reads = True
    list_select_related = ["plan__client"]
    list_display = ["plan", "kind", "raised_on"]
    list_filter = ["kind"]
    readonly_fields = ["plan", "kind", "raised_on", "detail", "created_at"]
