"""Scheduling in the admin. Every change of an appointment goes through the
services, so the admin obeys the same rules as the API. Each clinic sees and
chooses from its own therapists, rooms, services and clients
(``ClinicScopedAdmin``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from clinic.core.admin_scoping import ClinicScopedAdmin
from clinic.core.errors import DomainError
from clinic.core.models import User
from scheduling import services
from scheduling.models import (
    Appointment,
    AvailabilityOverride,
    CalendarFeed,
    Closure,
    Room,
    Service,
    WaitlistEntry,
    WeeklyHours,
)


def _staff(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@admin.register(Service)
class ServiceAdmin(ClinicScopedAdmin[Service]):
    clinic_path = "clinic"
    list_display = ["name", "duration_minutes", "price", "room_kind", "online_bookable", "active"]
    list_filter = ["active", "online_bookable", "room_kind", "clinic"]
    search_fields = ["name"]
    filter_horizontal = ["therapists"]


@admin.register(Room)
class RoomAdmin(ClinicScopedAdmin[Room]):
    clinic_path = "location__clinic"
    list_display = ["name", "location", "kind", "active"]
    list_filter = ["location", "kind", "active"]


@admin.register(WeeklyHours)
class WeeklyHoursAdmin(ClinicScopedAdmin[WeeklyHours]):
    clinic_path = "therapist__user__clinic"
    list_display = [
        "therapist",
        "location",
        "weekday",
        "start_time",
        "end_time",
        "valid_from",
        "valid_to",
    ]
    list_filter = ["therapist", "location", "weekday"]
    list_select_related = ["therapist__user", "location"]


@admin.register(AvailabilityOverride)
class AvailabilityOverrideAdmin(ClinicScopedAdmin[AvailabilityOverride]):
    clinic_path = "therapist__user__clinic"
    list_display = ["therapist", "date", "kind", "start_time", "end_time", "location", "reason"]
    list_filter = ["kind", "therapist"]
    date_hierarchy = "date"
    list_select_related = ["therapist__user", "location"]


@admin.register(Closure)
class ClosureAdmin(ClinicScopedAdmin[Closure]):
    clinic_path = "clinic"
    list_display = ["reason", "start_date", "end_date", "location"]
    list_filter = ["location"]


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(ClinicScopedAdmin[WaitlistEntry]):
    clinic_path = "client__clinic"
    list_display = ["client", "service", "therapist", "earliest_date", "latest_date", "status"]
    list_filter = ["status", "service"]
    search_fields = ["client__last_name", "client__first_name"]
    list_select_related = ["client", "service", "therapist__user"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ClinicScopedAdmin[CalendarFeed]):
    clinic_path = "therapist__user__clinic"
    list_display = ["therapist", "created_at"]
    readonly_fields = ["token"]


class BookingForm(forms.ModelForm[Appointment]):
    """Books through the service while the form is checked, so every rule of
    booking shows as an error on the form."""

    starts_at = forms.DateTimeField(help_text="In UTC, or with an offset: 2026-06-03 14:00+00:00")

    class Meta:
        model = Appointment
        fields = [
            "client",
            "service",
            "therapist",
            "location",
            "room",
            "starts_at",
            "override_reason",
            "front_desk_notes",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.user = kwargs.pop("user", None)
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            self.instance = services.book_appointment(
                client=data["client"],
                service=data["service"],
                therapist=data["therapist"],
                location=data["location"],
                room=data.get("room"),
                starts_at=data["starts_at"],
                booked_by=self.user,
                channel="admin",
                override_reason=data.get("override_reason", ""),
                front_desk_notes=data.get("front_desk_notes", ""),
            )
        except DomainError as exc:
            errors: dict[str, list[str]] = {}
            for name, problems in exc.fields.items():
                key = name if name in self.fields else NON_FIELD_ERRORS
                errors.setdefault(key, []).extend(problems)
            raise ValidationError(errors or exc.message) from exc
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=300)


class RescheduleForm(forms.Form):
    starts_at = forms.DateTimeField(help_text="The new start, in UTC or with an offset.")


@admin.register(Appointment)
class AppointmentAdmin(ClinicScopedAdmin[Appointment]):
    clinic_path = "clinic"
    list_display = [
        "starts_at",
        "client",
        "therapist",
        "service",
        "room",
        "location",
        "status",
        "late_cancellation",
    ]
    list_filter = ["status", "location", "therapist", "service", "channel"]
    search_fields = ["client__last_name", "client__first_name", "client__phone"]
    date_hierarchy = "starts_at"
    list_select_related = ["client", "therapist__user", "service", "room", "location"]
    actions = ["confirm", "check_in", "complete", "no_show", "cancel", "reschedule"]
    readonly_fields = [
        "client",
        "therapist",
        "service",
        "room",
        "location",
        "starts_at",
        "ends_at",
        "block_start",
        "block_end",
        "status",
        "channel",
        "created_by",
        "created_at",
        "confirmed_at",
        "checked_in_at",
        "completed_at",
        "cancelled_at",
        "cancelled_by",
        "cancellation_reason",
        "late_cancellation",
        "override_reason",
        "rescheduled_from",
        "ical_uid",
        "sequence",
        "clinic",
    ]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            # Built by the admin, so its choices are the clinic's (ClinicScopedAdmin).
            form = super().get_form(request, obj, change=change, form=BookingForm, **kwargs)

            class WithUser(form):  # type: ignore[valid-type,misc]
                def __init__(self, *args: Any, **kw: Any) -> None:
                    super().__init__(*args, user=_staff(request), **kw)

            return WithUser
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_fields if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Appointment, form: Any, change: bool) -> None:
        if not change:
            return  # BookingForm already booked it through the service
        services.update_front_desk_notes(
            appointment=obj,
            changed_by=_staff(request),
            notes=obj.front_desk_notes,
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # cancel instead: the history stays

    def _each(
        self,
        request: HttpRequest,
        queryset: QuerySet[Appointment],
        step: Callable[[Appointment], Any],
        done: str,
    ) -> None:
        ok = 0
        for appointment in queryset:
            try:
                step(appointment)
                ok += 1
            except DomainError as exc:
                self.message_user(request, f"{appointment}: {exc.message}", messages.ERROR)
        if ok:
            self.message_user(request, f"{ok} appointment(s) {done}.", messages.SUCCESS)

    @admin.action(description="Confirm", permissions=["change"])
    def confirm(self, request: HttpRequest, queryset: QuerySet[Appointment]) -> None:
        self._each(
            request,
            queryset,
            lambda a: services.confirm_appointment(appointment=a, confirmed_by=_staff(request)),
            "confirmed",
        )

    @admin.action(description="Check in", permissions=["change"])
    def check_in(self, request: HttpRequest, queryset: QuerySet[Appointment]) -> None:
        self._each(
            request,
            queryset,
            lambda a: services.check_in_appointment(appointment=a, checked_in_by=_staff(request)),
            "checked in",
        )

    @admin.action(description="Mark completed", permissions=["change"])
    def complete(self, request: HttpRequest, queryset: QuerySet[Appointment]) -> None:
        self._each(
            request,
            queryset,
            lambda a: services.complete_appointment(appointment=a, completed_by=_staff(request)),
            "completed",
        )

    @admin.action(description="Mark as no-show", permissions=["change"])
    def no_show(self, request: HttpRequest, queryset: QuerySet[Appointment]) -> None:
        self._each(
            request,
            queryset,
            lambda a: services.mark_no_show(appointment=a, marked_by=_staff(request)),
            "marked as no-shows",
        )

    def _with_form(
        self,
        request: HttpRequest,
        queryset: QuerySet[Appointment],
        form_class: type[forms.Form],
        title: str,
        action: str,
        step: Callable[[Appointment, dict[str, Any]], Any],
        done: str,
    ) -> HttpResponse | None:
        form = form_class(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            self._each(request, queryset, lambda a: step(a, form.cleaned_data), done)
            return None
        return TemplateResponse(
            request,
            "admin/scheduling/appointment_action.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "form": form,
                "appointments": queryset,
                "action": action,
                "opts": self.model._meta,
            },
        )

    @admin.action(description="Cancel (asks for the reason)", permissions=["change"])
    def cancel(self, request: HttpRequest, queryset: QuerySet[Appointment]) -> Any:
        return self._with_form(
            request,
            queryset,
            CancelForm,
            "Cancel appointments",
            "cancel",
            lambda a, d: services.cancel_appointment(
                appointment=a,
                cancelled_by=_staff(request),
                reason=d["reason"],
            ),
            "cancelled",
        )

    @admin.action(description="Reschedule (asks for the new time)", permissions=["change"])
    def reschedule(self, request: HttpRequest, queryset: QuerySet[Appointment]) -> Any:
        return self._with_form(
            request,
            queryset,
            RescheduleForm,
            "Reschedule an appointment",
            "reschedule",
            lambda a, d: services.reschedule_appointment(
                appointment=a,
                starts_at=d["starts_at"],
                rescheduled_by=_staff(request),
            ),
            "rescheduled",
        )
