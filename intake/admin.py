"""Intake in the admin: the clinic edits questionnaires (as new versions) and
its culprit rules; submissions and pain ratings are read-only, and reading them
is audited. Each clinic sees its own (``ClinicScopedAdmin``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from clinic.core.admin_scoping import ClinicScopedAdmin, ClinicScopedTabularInline
from clinic.core.errors import DomainError
from clinic.core.models import FunctionalGroup, User
from intake import services
from intake.models import (
    CulpritRule,
    CulpritSuggestion,
    IntakeInvitation,
    PainRating,
    Question,
    Questionnaire,
    Submission,
)
from intake.vocabulary import REGIONS, TRIGGERS


class QuestionInline(ClinicScopedTabularInline[Question, Questionnaire]):
    model = Question
    extra = 0
    fields = [
        "order",
        "section",
        "key",
        "label",
        "help_text",
        "type",
        "required",
        "maps_to",
        "choices",
    ]


@admin.register(Questionnaire)
class QuestionnaireAdmin(ClinicScopedAdmin[Questionnaire]):
    clinic_path = "clinic"
    list_display = ["title", "kind", "version", "published", "created_at"]
    list_filter = ["kind", "published", "clinic"]
    inlines = [QuestionInline]
    actions = ["new_version"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A version that has answers is frozen: change a new version instead.
        if obj is not None and obj.submissions.exists():
            return ["clinic", "kind", "version", "title", "intro"]
        return []

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        if obj is not None and obj.submissions.exists():
            return [FrozenQuestionInline]
        return [QuestionInline]

    @admin.action(description="Create a new version to edit", permissions=["add"])
    def new_version(self, request: HttpRequest, queryset: QuerySet[Questionnaire]) -> None:
        assert isinstance(request.user, User)
        for questionnaire in queryset:
            try:
                copy = services.create_new_version(
                    questionnaire=questionnaire, created_by=request.user
                )
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                continue
            self.message_user(
                request,
                f"Version {copy.version} created (unpublished): edit it, then publish.",
                messages.SUCCESS,
            )


class FrozenQuestionInline(QuestionInline):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RuleForm(forms.ModelForm[CulpritRule]):
    regions = forms.MultipleChoiceField(
        choices=[(r.code, r.label) for r in REGIONS], widget=forms.CheckboxSelectMultiple
    )
    triggers = forms.MultipleChoiceField(
        choices=list(TRIGGERS.items()), widget=forms.CheckboxSelectMultiple, required=False
    )
    functional_groups = forms.MultipleChoiceField(
        choices=FunctionalGroup.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = CulpritRule
        fields = [
            "clinic",
            "name",
            "active",
            "priority",
            "regions",
            "region_match",
            "triggers",
            "muscles",
            "functional_groups",
            "reason",
            "source_note",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("muscles") and not data.get("functional_groups"):
            raise forms.ValidationError("Name at least one muscle or muscle group.")
        return data


@admin.register(CulpritRule)
class CulpritRuleAdmin(ClinicScopedAdmin[CulpritRule]):
    clinic_path = "clinic"
    form = RuleForm
    list_display = ["name", "priority", "active", "region_match"]
    list_filter = ["active", "clinic"]
    filter_horizontal = ["muscles"]
    search_fields = ["name", "reason", "source_note"]


class SuggestionInline(ClinicScopedTabularInline[CulpritSuggestion, Submission]):
    model = CulpritSuggestion
    extra = 0
    fields = ["muscle", "side", "rule_name", "reason"]
    readonly_fields = ["muscle", "side", "rule_name", "reason"]
    can_delete = False
    verbose_name_plural = "Suggestions for assessment (from the clinic's rules)"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(ClinicScopedAdmin[Submission]):
    clinic_path = "client__clinic"
    audit_client_path = "client"
    audit_list_reads = True  # the list shows pain scores and red flags
    list_display = [
        "client",
        "questionnaire",
        "submitted_at",
        "referral_flag",
        "nrs_now",
        "odi_score",
    ]
    list_filter = ["referral_flag", "questionnaire__kind"]
    search_fields = ["client__last_name", "client__first_name"]
    date_hierarchy = "submitted_at"
    list_select_related = ["client", "questionnaire"]
    inlines = [SuggestionInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [f.name for f in Submission._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(IntakeInvitation)
class IntakeInvitationAdmin(ClinicScopedAdmin[IntakeInvitation]):
    clinic_path = "client__clinic"
    list_display = ["client", "questionnaire", "created_at", "expires_at", "used_at"]
    list_filter = ["questionnaire__kind"]
    search_fields = ["client__last_name"]
    readonly_fields = [
        "client",
        "questionnaire",
        "created_at",
        "expires_at",
        "sent_by",
        "used_at",
        "corrects",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(PainRating)
class PainRatingAdmin(ClinicScopedAdmin[PainRating]):
    clinic_path = "client__clinic"
    audit_client_path = "client"
    audit_list_reads = True
    list_display = ["client", "score", "source", "recorded_at"]
    list_select_related = ["client"]
    list_filter = ["source"]
    search_fields = ["client__last_name"]
    readonly_fields = ["client", "score", "source", "recorded_at", "reference"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
