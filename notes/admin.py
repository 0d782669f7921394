"""Session notes in the admin, for the owner: signed notes are read-only and
show their body chart; reading one (or a list of them) is audited. Each clinic
sees its own (``ClinicScopedAdmin``). Quick phrases are edited here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from clinic.core.admin_scoping import ClinicScopedAdmin, ClinicScopedTabularInline
from clinic.core.models import User
from notes import clinical_charts, services
from notes.models import Addendum, MuscleFinding, NoteTemplate, ObjectiveTest, SessionNote


class FindingInline(ClinicScopedTabularInline[MuscleFinding, SessionNote]):
    model = MuscleFinding
    extra = 0
    fields = [
        "muscle",
        "side",
        "role",
        "tension",
        "tenderness",
        "trigger_points",
        "comment",
        "suggested_by_rule",
    ]


class TestInline(ClinicScopedTabularInline[ObjectiveTest, SessionNote]):
    model = ObjectiveTest
    extra = 0


class AddendumInline(ClinicScopedTabularInline[Addendum, SessionNote]):
    model = Addendum
    extra = 0
    fields = ["author", "created_at", "text"]
    readonly_fields = ["author", "created_at", "text"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SessionNote)
class SessionNoteAdmin(ClinicScopedAdmin[SessionNote]):
    clinic_path = "clinic"
    audit_client_path = "client"
    audit_list_reads = True  # as the API's list of notes
    list_display = ["client", "therapist", "kind", "seen_at", "status"]
    list_filter = ["status", "kind", "therapist"]
    search_fields = ["client__last_name", "client__first_name"]
    date_hierarchy = "seen_at"
    list_select_related = ["client", "therapist__user"]
    inlines = [FindingInline, TestInline, AddendumInline]
    readonly_fields = ["body_chart", "content_hash", "signed_at", "signed_by"]

    @admin.display(description="Body chart")
    def body_chart(self, obj: SessionNote) -> str:
        if obj.pk is None:
            return "-"
        svg = clinical_charts.note_body_chart(obj)
        # No style attribute: the CSP forbids inline styles (the SVG sizes itself).
        return format_html("<div>{}</div>", mark_safe(svg))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and obj.is_signed:
            return [f.name for f in SessionNote._meta.fields] + ["body_chart"]
        return self.readonly_fields

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_signed:
            return False  # signed: corrections are addenda, through the API
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # notes are started for a client by their therapist

    def record_read(self, request: HttpRequest, obj: SessionNote) -> None:
        assert isinstance(request.user, User)
        services.record_note_read(note=obj, read_by=request.user, via="admin")


@admin.register(NoteTemplate)
class NoteTemplateAdmin(ClinicScopedAdmin[NoteTemplate]):
    clinic_path = "clinic"
    list_display = ["title", "section", "order"]
    list_filter = ["section", "clinic"]
