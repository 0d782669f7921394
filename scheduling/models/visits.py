"""Appointments, therapists' calendar feeds and the waitlist."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from clinic.core.validators import validate_sane_date
from scheduling.models.setup import Room, Service


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    CONFIRMED = "confirmed", "Confirmed"
    CHECKED_IN = "checked_in", "Checked in"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "No-show"


# Statuses that hold the therapist's, the room's and the client's time.
ACTIVE_STATUSES = (
    AppointmentStatus.BOOKED,
    AppointmentStatus.CONFIRMED,
    AppointmentStatus.CHECKED_IN,
    AppointmentStatus.COMPLETED,
)


class BookingChannel(models.TextChoices):
    FRONT_DESK = "front_desk", "Front desk"
    ONLINE = "online", "Client online"
    WAITLIST = "waitlist", "Waitlist offer"
    ADMIN = "admin", "Admin"


# The PostgreSQL exclusion constraints (migration 0002), by name: a refused
# booking is told apart by the constraint the database names.
THERAPIST_OVERLAP = "appointment_no_therapist_overlap"
ROOM_OVERLAP = "appointment_no_room_overlap"
CLIENT_OVERLAP = "appointment_no_client_overlap"
OVERLAP_CONSTRAINTS = frozenset({THERAPIST_OVERLAP, ROOM_OVERLAP, CLIENT_OVERLAP})


class Appointment(models.Model):
    """One visit. ``block_start``/``block_end`` add the service's buffers; the
    PostgreSQL exclusion constraints forbid two active blocks of one therapist
    or one room overlapping (and two visits of one client)."""

    clinic = models.ForeignKey("clinic.Clinic", on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(
        "clinic.Location", on_delete=models.PROTECT, related_name="appointments"
    )
    client = models.ForeignKey(
        "clinic.Client", on_delete=models.PROTECT, related_name="appointments"
    )
    therapist = models.ForeignKey(
        "clinic.Therapist", on_delete=models.PROTECT, related_name="appointments"
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="appointments")
    room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.PROTECT, related_name="appointments"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    block_start = models.DateTimeField(help_text="Start minus the buffer before.")
    block_end = models.DateTimeField(help_text="End plus the buffer after.")
    status = models.CharField(
        max_length=12, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    channel = models.CharField(max_length=12, choices=BookingChannel.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Blank: the client, through a signed link.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cancellation_reason = models.CharField(max_length=300, blank=True)
    late_cancellation = models.BooleanField(
        default=False, help_text="Cancelled inside the clinic's cancellation window."
    )
    front_desk_notes = models.TextField(max_length=2000, blank=True)
    override_reason = models.CharField(
        max_length=300,
        blank=True,
        help_text="Why staff booked despite a warning (red flags, intake not done).",
    )
    rescheduled_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="rescheduled_to"
    )
    ical_uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(
        default=0, help_text="iCalendar SEQUENCE: goes up with every change."
    )

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["therapist", "block_start"], name="appt_therapist_time_idx"),
            models.Index(fields=["location", "starts_at"], name="appt_location_time_idx"),
            models.Index(fields=["client", "starts_at"], name="appt_client_time_idx"),
            models.Index(fields=["room", "block_start"], name="appt_room_time_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="appointment_start_before_end"
            ),
            models.CheckConstraint(
                condition=Q(block_start__lte=F("starts_at")) & Q(block_end__gte=F("ends_at")),
                name="appointment_block_covers_visit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service.name} for {self.client} at {self.starts_at:%Y-%m-%d %H:%M} UTC"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


def new_calendar_token() -> str:
    """A fresh secret for a therapist's calendar address."""
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A therapist's secret iCalendar feed address (replace the token to revoke)."""

    therapist = models.OneToOneField(
        "clinic.Therapist", on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar of {self.therapist}"


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    BOOKED = "booked", "Booked"
    CANCELLED = "cancelled", "Cancelled"
    EXPIRED = "expired", "Expired"


class WaitlistEntry(models.Model):
    """A client would take an earlier slot for this service (with this
    therapist, if named) at this location between two dates."""

    client = models.ForeignKey(
        "clinic.Client", on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey("clinic.Location", on_delete=models.CASCADE, related_name="+")
    therapist = models.ForeignKey(
        "clinic.Therapist", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    earliest_date = models.DateField(validators=[validate_sane_date])
    latest_date = models.DateField(validators=[validate_sane_date])
    status = models.CharField(
        max_length=10, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    booked_appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "waitlist entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(latest_date__gte=F("earliest_date")),
                name="waitlist_dates_in_order",
                violation_error_message="The last date must not be before the first.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} waiting for {self.service.name}"


class WaitlistOffer(models.Model):
    """A freed slot offered to a waiting client; the first to accept books it."""

    entry = models.ForeignKey(WaitlistEntry, on_delete=models.CASCADE, related_name="offers")
    therapist = models.ForeignKey("clinic.Therapist", on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    freed_by = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "freed_by"], name="waitlist_offer_once_per_freed_slot"
            ),
        ]

    def __str__(self) -> str:
        return f"Offer {self.starts_at:%Y-%m-%d %H:%M} to {self.entry.client}"
