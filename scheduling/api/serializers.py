"""Shapes of the scheduling API (input serializers check shape only)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clinic.core.api.fields import (
    AwareDateTimeField,
    ClinicModelSerializer,
    SaneDateField,
    StrictPrimaryKeyRelatedField,
)
from clinic.core.models import Therapist
from clinic.core.selectors import list_clients_for, list_locations_for, list_therapists_for
from scheduling.models import (
    Appointment,
    AvailabilityOverride,
    OverrideKind,
    Room,
    Service,
    WaitlistEntry,
)
from scheduling.selectors import list_rooms_for, list_services_for

FRONT_DESK_NOTES_MAX = Appointment._meta.get_field("front_desk_notes").max_length or 2000
# A waitlist entry is for a nearer slot than one already offered: a year is plenty.
WAITLIST_MAX_DAYS_AHEAD = 366


def _scoped(selector: Any) -> type[StrictPrimaryKeyRelatedField[Any]]:
    """A primary-key field that only finds objects the caller may see."""

    @extend_schema_field(OpenApiTypes.INT)
    class Scoped(StrictPrimaryKeyRelatedField[Any]):
        def get_queryset(self):  # type: ignore[no-untyped-def]
            return selector(self.context["request"].user)

    return Scoped


ClientField = _scoped(list_clients_for)
TherapistField = _scoped(list_therapists_for)
LocationField = _scoped(list_locations_for)
ServiceField = _scoped(list_services_for)
RoomField = _scoped(list_rooms_for)


class ServiceSerializer(ClinicModelSerializer[Service]):
    therapists: serializers.PrimaryKeyRelatedField[Therapist] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = Service
        fields = [
            "id",
            "name",
            "description",
            "duration_minutes",
            "price",
            "buffer_before_minutes",
            "buffer_after_minutes",
            "therapists",
            "room_kind",
            "online_bookable",
            "active",
        ]


class RoomSerializer(ClinicModelSerializer[Room]):
    class Meta:
        model = Room
        fields = ["id", "name", "kind", "location", "active"]


class SlotQuerySerializer(serializers.Serializer[None]):
    service = ServiceField()
    location = LocationField()
    therapist = TherapistField(required=False, allow_null=True)
    start = SaneDateField(help_text="First day (the location's local date).")
    end = SaneDateField(help_text="Last day, included (at most 62 days after start).")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": "The end must not be before the start."})
        if (attrs["end"] - attrs["start"]).days > 62:
            raise serializers.ValidationError({"end": "Ask for at most 62 days at a time."})
        return attrs


class SlotSerializer(serializers.Serializer[None]):
    starts_at = serializers.CharField(help_text="Local time with its UTC offset.")
    starts_at_utc = serializers.DateTimeField()
    ends_at = serializers.CharField()
    therapist = serializers.IntegerField()
    room = serializers.IntegerField(allow_null=True)


class AppointmentSerializer(ClinicModelSerializer[Appointment]):
    client_name = serializers.CharField(source="client.full_name", read_only=True)
    therapist_name = serializers.CharField(source="therapist.display_name", read_only=True)
    service_name = serializers.CharField(source="service.name", read_only=True)
    room_name = serializers.SerializerMethodField()
    starts_at_local = serializers.SerializerMethodField()
    rescheduled_to = serializers.SerializerMethodField()

    class Meta:
        model = Appointment
        fields = [
            "id",
            "client",
            "client_name",
            "therapist",
            "therapist_name",
            "service",
            "service_name",
            "location",
            "room",
            "room_name",
            "starts_at",
            "ends_at",
            "starts_at_local",
            "status",
            "channel",
            "created_at",
            "confirmed_at",
            "checked_in_at",
            "completed_at",
            "cancelled_at",
            "cancellation_reason",
            "late_cancellation",
            "front_desk_notes",
            "override_reason",
            "rescheduled_from",
            "rescheduled_to",
            "sequence",
        ]
        # Staff only: a client's own appointment comes without them (the schema
        # documents them as not always there; clinic/core/api/schema.py).
        role_dependent_fields = ("front_desk_notes", "override_reason", "channel")

    def get_room_name(self, appointment: Appointment) -> str:
        return appointment.room.name if appointment.room else ""

    def get_starts_at_local(self, appointment: Appointment) -> str:
        return appointment.starts_at.astimezone(ZoneInfo(appointment.location.timezone)).isoformat()

    def get_rescheduled_to(self, appointment: Appointment) -> int | None:
        target = getattr(appointment, "rescheduled_to", None)
        return target.pk if target else None


class ClientAppointmentSerializer(AppointmentSerializer):
    """What a client sees of their own appointment (no desk notes)."""

    class Meta(AppointmentSerializer.Meta):
        fields = [
            f
            for f in AppointmentSerializer.Meta.fields
            if f not in ("front_desk_notes", "override_reason", "channel")
        ]


class BookSerializer(serializers.Serializer[None]):
    client = ClientField(required=False, help_text="Staff: whom to book. Clients book themselves.")
    service = ServiceField()
    therapist = TherapistField()
    location = LocationField()
    starts_at = AwareDateTimeField(help_text="ISO 8601 with its UTC offset.")
    room = RoomField(required=False, allow_null=True)
    override_reason = serializers.CharField(max_length=300, required=False, allow_blank=True)
    front_desk_notes = serializers.CharField(
        max_length=FRONT_DESK_NOTES_MAX, required=False, allow_blank=True
    )


class CancelSerializer(serializers.Serializer[None]):
    reason = serializers.CharField(max_length=300)


class RescheduleSerializer(serializers.Serializer[None]):
    starts_at = AwareDateTimeField()
    therapist = TherapistField(required=False)
    room = RoomField(required=False, allow_null=True)


class NotesSerializer(serializers.Serializer[None]):
    front_desk_notes = serializers.CharField(max_length=FRONT_DESK_NOTES_MAX, allow_blank=True)


class DayQuerySerializer(serializers.Serializer[None]):
    location = LocationField()
    date = SaneDateField()


class DayAppointmentSerializer(ClinicModelSerializer[Appointment]):
    client_name = serializers.CharField(source="client.full_name", read_only=True)
    client_phone = serializers.CharField(source="client.phone", read_only=True)
    therapist_name = serializers.CharField(source="therapist.display_name", read_only=True)
    service_name = serializers.CharField(source="service.name", read_only=True)
    room_name = serializers.SerializerMethodField()
    starts_at_local = serializers.SerializerMethodField()
    intake_status = serializers.SerializerMethodField()
    red_flag = serializers.SerializerMethodField()
    clearance = serializers.SerializerMethodField(
        help_text="Red-flag clearance: none, referred (not yet cleared) or cleared."
    )

    class Meta:
        model = Appointment
        fields = [
            "id",
            "starts_at",
            "starts_at_local",
            "ends_at",
            "status",
            "client",
            "client_name",
            "client_phone",
            "therapist",
            "therapist_name",
            "service",
            "service_name",
            "room",
            "room_name",
            "front_desk_notes",
            "intake_status",
            "red_flag",
            "clearance",
        ]

    def get_room_name(self, appointment: Appointment) -> str:
        return appointment.room.name if appointment.room else ""

    def get_starts_at_local(self, appointment: Appointment) -> str:
        return appointment.starts_at.astimezone(ZoneInfo(appointment.location.timezone)).isoformat()

    def _badge(self, appointment: Appointment) -> dict[str, Any]:
        badges: dict[int, dict[str, Any]] = self.context.get("badges", {})
        return badges.get(appointment.client_id, {})

    def get_intake_status(self, appointment: Appointment) -> str:
        return str(self._badge(appointment).get("intake_status", "not_sent"))

    def get_red_flag(self, appointment: Appointment) -> bool:
        return bool(self._badge(appointment).get("red_flag", False))

    def get_clearance(self, appointment: Appointment) -> str:
        return str(self._badge(appointment).get("clearance", "none"))


class OverrideSerializer(ClinicModelSerializer[AvailabilityOverride]):
    class Meta:
        model = AvailabilityOverride
        fields = [
            "id",
            "therapist",
            "location",
            "date",
            "kind",
            "start_time",
            "end_time",
            "reason",
        ]


class OverrideInputSerializer(serializers.Serializer[None]):
    therapist = TherapistField(required=False, help_text="Staff: whose time. Therapists: own.")
    location = LocationField(required=False, allow_null=True)
    date = SaneDateField()
    kind = serializers.ChoiceField(choices=OverrideKind.choices)
    start_time = serializers.TimeField(required=False, allow_null=True)
    end_time = serializers.TimeField(required=False, allow_null=True)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("kind") in (OverrideKind.TIME_OFF, OverrideKind.EXTRA_HOURS):
            start, end = attrs.get("start_time"), attrs.get("end_time")
            problems: dict[str, str] = {}
            if start is None:
                problems["start_time"] = "Give the time it starts."
            if end is None:
                problems["end_time"] = "Give the time it ends."
            elif start is not None and end <= start:
                problems["end_time"] = "The end must be after the start."
            if problems:
                raise serializers.ValidationError(problems)
        return attrs


class WaitlistEntrySerializer(ClinicModelSerializer[WaitlistEntry]):
    class Meta:
        model = WaitlistEntry
        fields = [
            "id",
            "client",
            "service",
            "location",
            "therapist",
            "earliest_date",
            "latest_date",
            "status",
            "created_at",
            "booked_appointment",
        ]


class WaitlistInputSerializer(serializers.Serializer[None]):
    client = ClientField(required=False)
    service = ServiceField()
    location = LocationField()
    therapist = TherapistField(required=False, allow_null=True)
    earliest_date = SaneDateField()
    latest_date = SaneDateField()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """A window that is not over, ends after it starts, and at most a year ahead
        (dates are the location's)."""
        today = timezone.now().astimezone(ZoneInfo(attrs["location"].timezone)).date()
        earliest, latest = attrs["earliest_date"], attrs["latest_date"]
        if earliest < today:
            raise serializers.ValidationError({"earliest_date": "Give a date from today on."})
        if latest < earliest:
            raise serializers.ValidationError(
                {"latest_date": "The last date must not be before the first."}
            )
        if latest > today + timedelta(days=WAITLIST_MAX_DAYS_AHEAD):
            raise serializers.ValidationError(
                {"latest_date": f"Give a date at most {WAITLIST_MAX_DAYS_AHEAD} days ahead."}
            )
        return attrs


class CalendarFeedSerializer(serializers.Serializer[None]):
    url = serializers.URLField()
