"""Thin views of the scheduling API: check the role, validate, call one service."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import django_filters
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clinic.core.api.base import ScopedQuerysetMixin, request_user
from clinic.core.api.filters import AwareDateTimeFilter, ClinicFilterSet
from clinic.core.api.permissions import ALL_ROLES, DESK, STAFF, RolePolicy
from clinic.core.errors import InvalidInput, NotAllowed
from clinic.core.models import Role
from clinic.core.selectors import get_therapist_for_user
from clinic.notifications.rendering import absolute_url
from intake import selectors as intake_selectors
from scheduling import selectors, services
from scheduling.api import serializers as s
from scheduling.models import (
    Appointment,
    AppointmentStatus,
    AvailabilityOverride,
    Room,
    Service,
    WaitlistEntry,
    WaitlistOffer,
)

CLIENT = {Role.CLIENT}


class ServiceViewSet(ScopedQuerysetMixin[Service], viewsets.ReadOnlyModelViewSet[Service]):
    """Bookable services (clients see those they can book online)."""

    model = Service
    permission_classes = [RolePolicy]
    roles = {"read": ALL_ROLES}
    serializer_class = s.ServiceSerializer
    filterset_fields = ["active", "online_bookable", "room_kind"]
    search_fields = ["name"]

    def scoped_queryset(self, user: Any) -> QuerySet[Service]:
        return selectors.list_services_for(user)


class RoomViewSet(ScopedQuerysetMixin[Room], viewsets.ReadOnlyModelViewSet[Room]):
    model = Room
    permission_classes = [RolePolicy]
    roles = {"read": STAFF}
    serializer_class = s.RoomSerializer
    filterset_fields = ["location", "kind", "active"]

    def scoped_queryset(self, user: Any) -> QuerySet[Room]:
        return selectors.list_rooms_for(user)


class SlotsView(APIView):
    """Free start times for a service at a location, in the location's local
    time with UTC offsets, each with a therapist and room."""

    permission_classes = [RolePolicy]
    roles = {"GET": ALL_ROLES}

    @extend_schema(parameters=[s.SlotQuerySerializer], responses=s.SlotSerializer(many=True))
    def get(self, request: Request) -> Response:
        user = request_user(request)
        query = s.SlotQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        data = query.validated_data
        location, service = data["location"], data["service"]
        zone = ZoneInfo(location.timezone)
        start = datetime.combine(data["start"], time.min, tzinfo=zone)
        end = datetime.combine(data["end"] + timedelta(days=1), time.min, tzinfo=zone)
        window = selectors.get_booking_window(
            clinic=location.clinic, as_client=user.role == Role.CLIENT, now=timezone.now()
        )
        if window.not_after is not None:
            end = min(end, window.not_after)
        slots = selectors.list_free_slots(
            service=service,
            location=location,
            therapist=data.get("therapist"),
            start=start,
            end=end,
            not_before=window.not_before,
        )
        return Response(
            [
                {
                    "starts_at": slot.starts_at.astimezone(zone).isoformat(),
                    "starts_at_utc": slot.starts_at.isoformat().replace("+00:00", "Z"),
                    "ends_at": slot.ends_at.astimezone(zone).isoformat(),
                    "therapist": slot.therapist_id,
                    "room": slot.room_id,
                }
                for slot in slots
            ]
        )


class AppointmentFilter(ClinicFilterSet):
    starts_after = AwareDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = AwareDateTimeFilter(field_name="starts_at", lookup_expr="lt")
    status = django_filters.MultipleChoiceFilter(choices=AppointmentStatus.choices)

    class Meta:
        model = Appointment
        fields = ["therapist", "client", "location", "status", "starts_after", "starts_before"]


class AppointmentViewSet(
    ScopedQuerysetMixin[Appointment],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Appointment],
):
    """Appointments: front desk and owner book and manage any; a client books,
    reschedules and cancels their own; a therapist sees their own schedule
    (and marks their visits completed)."""

    model = Appointment
    permission_classes = [RolePolicy]
    roles = {
        "read": ALL_ROLES,
        "create": DESK | CLIENT,
        "reschedule": DESK | CLIENT,
        "cancel": DESK | CLIENT,
        "confirm": DESK,
        "check_in": DESK,
        "no_show": DESK,
        "complete": DESK | {Role.THERAPIST},
        "partial_update": DESK,
    }
    filterset_class = AppointmentFilter
    ordering_fields = ["starts_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scoped_queryset(self, user: Any) -> QuerySet[Appointment]:
        return selectors.list_appointments_for(user).select_related("rescheduled_to")

    def get_serializer_class(self) -> Any:
        user = self.request.user
        if getattr(user, "role", None) == Role.CLIENT:
            return s.ClientAppointmentSerializer
        return s.AppointmentSerializer

    def _out(self, appointment: Appointment, code: int = status.HTTP_200_OK) -> Response:
        appointment = self.get_queryset().get(pk=appointment.pk)
        return Response(self.get_serializer(appointment).data, status=code)

    @extend_schema(request=s.BookSerializer, responses={201: s.AppointmentSerializer})
    def create(self, request: Request) -> Response:
        user = request_user(request)
        data = s.BookSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        if user.role == Role.CLIENT:
            client = selectors.get_client_for_user(user)
            if client is None:
                raise NotAllowed("Your sign-in is not linked to a client record.")
            v.pop("override_reason", None)
            v.pop("front_desk_notes", None)
            v["client"] = client
        elif "client" not in v:
            raise InvalidInput(fields={"client": ["Say whom to book."]})
        appointment = services.book_appointment(booked_by=user, **v)
        response = self._out(appointment, status.HTTP_201_CREATED)
        response.data["warnings"] = intake_selectors.list_booking_warnings(appointment.client)
        return response

    @extend_schema(request=s.NotesSerializer, responses=s.AppointmentSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        data = s.NotesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        appointment = services.update_front_desk_notes(
            appointment=self.get_object(),
            changed_by=request_user(request),
            notes=data.validated_data["front_desk_notes"],
        )
        return self._out(appointment)

    @extend_schema(request=s.CancelSerializer, responses=s.AppointmentSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        data = s.CancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        appointment = services.cancel_appointment(
            appointment=self.get_object(),
            cancelled_by=request_user(request),
            reason=data.validated_data["reason"],
        )
        return self._out(appointment)

    @extend_schema(request=s.RescheduleSerializer, responses={201: s.AppointmentSerializer})
    @action(detail=True, methods=["post"])
    def reschedule(self, request: Request, pk: str | None = None) -> Response:
        data = s.RescheduleSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        appointment = services.reschedule_appointment(
            appointment=self.get_object(),
            rescheduled_by=request_user(request),
            **data.validated_data,
        )
        return self._out(appointment, status.HTTP_201_CREATED)

    def _step(self, request: Request, service: Any, by: str) -> Response:
        appointment = service(appointment=self.get_object(), **{by: request_user(request)})
        return self._out(appointment)

    @extend_schema(request=None, responses=s.AppointmentSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, services.confirm_appointment, "confirmed_by")

    @extend_schema(request=None, responses=s.AppointmentSerializer)
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, services.check_in_appointment, "checked_in_by")

    @extend_schema(request=None, responses=s.AppointmentSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, services.complete_appointment, "completed_by")

    @extend_schema(request=None, responses=s.AppointmentSerializer)
    @action(detail=True, methods=["post"], url_path="no-show")
    def no_show(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, services.mark_no_show, "marked_by")


class DayView(APIView):
    """Everything at one location on one local date, for the front desk."""

    permission_classes = [RolePolicy]
    roles = {"GET": DESK}

    @extend_schema(
        parameters=[s.DayQuerySerializer], responses=s.DayAppointmentSerializer(many=True)
    )
    def get(self, request: Request) -> Response:
        query = s.DayQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        appointments = list(
            selectors.list_day_for(
                request_user(request),
                location=query.validated_data["location"],
                day=query.validated_data["date"],
            )
        )
        badges = intake_selectors.get_intake_badges(sorted({a.client_id for a in appointments}))
        return Response(
            s.DayAppointmentSerializer(appointments, many=True, context={"badges": badges}).data
        )


class OverrideViewSet(
    ScopedQuerysetMixin[AvailabilityOverride],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[AvailabilityOverride],
):
    """Days off, time off and extra hours. A therapist blocks their own time."""

    model = AvailabilityOverride
    permission_classes = [RolePolicy]
    roles = {"read": STAFF, "create": STAFF, "destroy": STAFF}
    serializer_class = s.OverrideSerializer
    filterset_fields = ["therapist", "date", "kind"]

    def scoped_queryset(self, user: Any) -> QuerySet[AvailabilityOverride]:
        return selectors.list_overrides_for(user)

    @extend_schema(request=s.OverrideInputSerializer, responses={201: s.OverrideSerializer})
    def create(self, request: Request) -> Response:
        user = request_user(request)
        data = s.OverrideInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        therapist = v.pop("therapist", None)
        if therapist is None:
            therapist = get_therapist_for_user(user)
            if therapist is None:
                raise InvalidInput(fields={"therapist": ["Say whose time this is."]})
        override = services.add_availability_override(
            therapist=therapist, day=v.pop("date"), created_by=user, **v
        )
        return Response(s.OverrideSerializer(override).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: AvailabilityOverride) -> None:
        services.remove_availability_override(
            override=instance, removed_by=request_user(self.request)
        )


class WaitlistViewSet(
    ScopedQuerysetMixin[WaitlistEntry],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[WaitlistEntry],
):
    """Clients asking for an earlier slot; DELETE withdraws the request."""

    model = WaitlistEntry
    permission_classes = [RolePolicy]
    roles = {"read": ALL_ROLES, "create": DESK | CLIENT, "destroy": DESK | CLIENT}
    serializer_class = s.WaitlistEntrySerializer
    filterset_fields = ["status", "service", "client"]

    def scoped_queryset(self, user: Any) -> QuerySet[WaitlistEntry]:
        return selectors.list_waitlist_for(user)

    @extend_schema(request=s.WaitlistInputSerializer, responses={201: s.WaitlistEntrySerializer})
    def create(self, request: Request) -> Response:
        user = request_user(request)
        data = s.WaitlistInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        if user.role == Role.CLIENT:
            v["client"] = selectors.get_client_for_user(user)
            if v["client"] is None:
                raise NotAllowed("Your sign-in is not linked to a client record.")
        elif "client" not in v:
            raise InvalidInput(fields={"client": ["Say who is waiting."]})
        entry = services.join_waitlist(created_by=user, **v)
        return Response(s.WaitlistEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: WaitlistEntry) -> None:
        services.leave_waitlist(entry=instance, removed_by=request_user(self.request))


class AcceptOfferView(APIView):
    """Take a slot offered from the waitlist (the client it was offered to, or staff)."""

    permission_classes = [RolePolicy]
    roles = {"POST": DESK | CLIENT}

    @extend_schema(request=None, responses={201: s.AppointmentSerializer})
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        entries = selectors.list_waitlist_for(user)
        offer = WaitlistOffer.objects.filter(pk=pk, entry__in=entries).first()
        if offer is None:
            raise Http404
        appointment = services.accept_offer(offer=offer, accepted_by=user)
        return Response(s.AppointmentSerializer(appointment).data, status=status.HTTP_201_CREATED)


class CalendarFeedView(APIView):
    """A therapist's secret calendar address; POST makes a new one (the old stops)."""

    permission_classes = [RolePolicy]
    roles = {"GET": {Role.THERAPIST}, "POST": {Role.THERAPIST}}

    def _answer(self, request: Request, rotate: bool) -> Response:
        therapist = get_therapist_for_user(request_user(request))
        if therapist is None:
            raise NotAllowed("Your sign-in has no therapist profile.")
        feed = services.calendar_feed_for(therapist=therapist, rotate=rotate)
        return Response({"url": absolute_url(f"/calendars/{feed.token}.ics")})

    @extend_schema(responses=s.CalendarFeedSerializer)
    def get(self, request: Request) -> Response:
        return self._answer(request, rotate=False)

    @extend_schema(request=None, responses=s.CalendarFeedSerializer)
    def post(self, request: Request) -> Response:
        return self._answer(request, rotate=True)
