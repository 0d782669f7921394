"""The outbox in the admin: filter by status, channel and due time; resend a
failed message; cancel a pending one. A message's page shows what it says, so
opening one is audited as a read about its recipient."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from clinic.core.admin_scoping import ClinicScopedAdmin
from clinic.core.errors import Conflict
from clinic.notifications import services
from clinic.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(ClinicScopedAdmin[Notification]):
    clinic_path = "clinic"
    audit_client_path = "client"
    list_display = [
        "id",
        "template_key",
        "channel",
        "recipient_label",
        "status",
        "next_attempt_at",
        "attempts",
        "sent_at",
        "short_error",
    ]
    list_filter = [
        "status",
        "channel",
        "template_key",
        ("maybe_delivered_at", admin.EmptyFieldListFilter),
        "clinic",
    ]
    date_hierarchy = "next_attempt_at"
    search_fields = ["idempotency_key", "client__last_name", "user__username", "sent_to"]
    list_select_related = ["client", "user"]
    actions = ["resend_failed", "cancel_pending"]
    readonly_fields = [f.name for f in Notification._meta.fields if f.name != "id"]

    def audit_detail(self, obj: Notification) -> dict[str, Any]:
        # A message to a member of staff names them here (the trail's client is empty).
        detail = super().audit_detail(obj)
        if obj.user_id is not None:
            detail["user"] = obj.user_id
        return detail

    @admin.display(description="last error")
    def short_error(self, obj: Notification) -> str:
        return obj.last_error[:80]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Send the selected failed messages again", permissions=["change"])
    def resend_failed(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        done = maybe = 0
        for row in queryset:
            try:
                services.resend_notification(notification=row, by=request.user)  # type: ignore[arg-type]
                done += 1
                maybe += row.maybe_delivered
            except Conflict:
                pass
        self.message_user(request, f"{done} message(s) will be sent again.", messages.SUCCESS)
        if maybe:
            self.message_user(
                request,
                f"{maybe} of them may have been delivered already (a try was interrupted), "
                "so the person may get them twice.",
                messages.WARNING,
            )

    @admin.action(description="Cancel the selected pending messages", permissions=["change"])
    def cancel_pending(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        done = 0
        for row in queryset:
            try:
                services.cancel_notification(
                    notification=row,
                    reason="Cancelled by staff.",
                    by=request.user,  # type: ignore[arg-type]
                )
                done += 1
            except Conflict:
                pass
        self.message_user(request, f"{done} message(s) cancelled.", messages.SUCCESS)
