"""The clinic in the admin. It lives here rather than in the core's admin
because adding a clinic sets it up (``records.onboarding``), which reaches every
app: a new clinic gets its forms, culprit rules, quick phrases and homework
settings at once, so its first intake already suggests culprits. An owner sees
and changes their own clinic; only the platform operator adds or deletes one."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.http import HttpRequest

from clinic.core.admin_scoping import ClinicScopedAdmin, is_platform_operator
from clinic.core.models import Clinic
from records.onboarding import set_up_clinic


@admin.register(Clinic)
class ClinicAdmin(ClinicScopedAdmin[Clinic]):
    clinic_path = "pk"
    list_display = ["name", "timezone", "cancellation_window_hours", "reminder_lead_hours"]
    # A clinic's website typed without a scheme is https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("name", "phone", "email", "website", "timezone")}),
        (
            "Policies",
            {
                "fields": (
                    "cancellation_window_hours",
                    "reminder_lead_hours",
                    "quiet_hours_start",
                    "quiet_hours_end",
                    "email_in_quiet_hours",
                    "therapists_see_all_clients",
                    "require_two_factor_for_staff",
                    "min_booking_notice_minutes",
                    "booking_horizon_days",
                    "slot_granularity_minutes",
                    "intake_link_valid_days",
                )
            },
        ),
        (
            "Homework dosing defaults",
            {
                "fields": (
                    "default_hold_seconds",
                    "default_repetitions",
                    "default_sets",
                    "default_sessions_per_week",
                    "default_side",
                    "adherence_alert_percent",
                )
            },
        ),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_platform_operator(request) and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_platform_operator(request) and super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Clinic, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            # The admin's add view runs in one transaction: a clinic that could
            # not be set up is not created either.
            report = set_up_clinic(clinic=obj)
            self.message_user(request, f"Set up with {report.summary()}.", messages.INFO)
