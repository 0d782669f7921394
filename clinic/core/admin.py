"""Admin for the owner and the front desk. Writes that carry rules go through
the services (archiving a client, changing a role); the audit trail is read-only.
The clinic itself is in ``records/admin.py``: adding one sets it up in every app.
Every admin here shows its user's own clinic only (``ClinicScopedAdmin``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from clinic.core import services
from clinic.core.admin_scoping import ClinicScopedAdmin, is_platform_operator
from clinic.core.models import AuditEvent, Client, Location, Muscle, Therapist, User

# What makes a user more than their role: only the platform operator grants it
# (a clinic's owner who could tick "superuser" would see every clinic).
_OPERATOR_ONLY_USER_FIELDS = ["is_superuser", "groups", "user_permissions"]


@admin.register(User)
class UserAdmin(ClinicScopedAdmin[User], DjangoUserAdmin):
    clinic_path = "clinic"
    list_display = ["username", "first_name", "last_name", "email", "role", "clinic", "is_active"]
    list_filter = ["role", "clinic", "is_active", "is_staff"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,  # type: ignore[misc]
        ("Clinic", {"fields": ("clinic", "role")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        # A clinic's owner never manages the platform operator (nor resets
        # their password), even one who is also a member of the clinic.
        queryset = super().get_queryset(request)
        return queryset if is_platform_operator(request) else queryset.filter(is_superuser=False)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if not is_platform_operator(request):
            fields += [f for f in _OPERATOR_ONLY_USER_FIELDS if f not in fields]
        return fields

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if "role" in form.changed_data or not change:
            services.set_user_role(user=obj, role=obj.role)


@admin.register(Location)
class LocationAdmin(ClinicScopedAdmin[Location]):
    clinic_path = "clinic"
    list_display = ["name", "city", "country", "timezone", "active"]
    list_filter = ["active", "country", "timezone"]
    search_fields = ["name", "city", "postcode"]


@admin.register(Therapist)
class TherapistAdmin(ClinicScopedAdmin[Therapist]):
    clinic_path = "user__clinic"
    list_display = ["display_name", "credentials", "licence_number", "active"]
    list_filter = ["active", "locations"]
    search_fields = ["user__first_name", "user__last_name", "licence_number"]
    list_select_related = ["user"]
    filter_horizontal = ["locations"]


class ArchivedFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("active", "Active"), ("archived", "Archived")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "active":
            return queryset.filter(archived_at__isnull=True)
        if self.value() == "archived":
            return queryset.filter(archived_at__isnull=False)
        return queryset


@admin.register(Client)
class ClientAdmin(ClinicScopedAdmin[Client]):
    clinic_path = "clinic"
    audit_client_path = ""  # opening a client's record is a read of it
    list_display = [
        "last_name",
        "first_name",
        "preferred_name",
        "phone",
        "email",
        "preferred_channel",
        "message_opt_in",
        "archived_at",
    ]
    list_filter = [ArchivedFilter, "preferred_channel", "message_opt_in", "care_team"]
    search_fields = ["first_name", "last_name", "preferred_name", "email", "phone"]
    filter_horizontal = ["care_team"]
    readonly_fields = ["archived_at", "created_at", "updated_at"]
    date_hierarchy = "created_at"
    actions = ["archive_clients", "restore_clients"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # clients are archived, never deleted

    @admin.action(description="Archive the selected clients", permissions=["change"])
    def archive_clients(self, request: HttpRequest, queryset: QuerySet[Client]) -> None:
        for client in queryset:
            services.archive_client(client=client, archived_by=request.user)  # type: ignore[arg-type]
        self.message_user(request, f"{queryset.count()} client(s) archived.", messages.SUCCESS)

    @admin.action(description="Restore the selected clients", permissions=["change"])
    def restore_clients(self, request: HttpRequest, queryset: QuerySet[Client]) -> None:
        for client in queryset:
            services.restore_client(client=client, restored_by=request.user)  # type: ignore[arg-type]
        self.message_user(request, f"{queryset.count()} client(s) restored.", messages.SUCCESS)


@admin.register(Muscle)
class MuscleAdmin(ClinicScopedAdmin[Muscle]):
    clinic_path = None  # the atlas is reference data every clinic shares
    list_display = ["name", "functional_group", "region", "sided"]
    list_filter = ["functional_group", "region", "sided"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["antagonists"]


@admin.register(AuditEvent)
class AuditEventAdmin(ClinicScopedAdmin[AuditEvent]):
    # The clinic's people's events, as the API's trail (list_audit_events_for).
    clinic_path = ("client__clinic", "actor__clinic")
    list_display = [
        "at",
        "actor",
        "actor_role",
        "action",
        "object_type",
        "object_repr",
        "ip_address",
    ]
    list_filter = ["action", "actor_role", "object_type"]
    search_fields = ["object_repr", "object_id", "request_id", "actor__username"]
    date_hierarchy = "at"
    list_select_related = ["actor"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
