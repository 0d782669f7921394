"""The clinic, its locations and the people it serves."""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from clinic.core.validators import (
    validate_colour,
    validate_date_of_birth,
    validate_e164,
    validate_timezone,
)


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    SMS = "sms", "SMS"


class Side(models.TextChoices):
    LEFT = "left", "Left"
    RIGHT = "right", "Right"
    BOTH = "both", "Both"


class Clinic(models.Model):
    """A practice with its policies. Every person and record belongs to one."""

    name = models.CharField(max_length=200)
    phone = models.CharField(max_length=20, blank=True, validators=[validate_e164])
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    timezone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text="Default time zone for clients who have not chosen one.",
    )
    # Policies
    cancellation_window_hours = models.PositiveIntegerField(
        default=24,
        validators=[MaxValueValidator(24 * 14)],
        help_text="Cancelling later than this before the visit counts as a late cancellation.",
    )
    reminder_lead_hours = models.PositiveIntegerField(
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 14)],
        help_text="How long before a visit the reminder is sent.",
    )
    quiet_hours_start = models.TimeField(
        default=time(21, 0), help_text="No SMS from this local time of the recipient..."
    )
    quiet_hours_end = models.TimeField(default=time(8, 0), help_text="...until this one.")
    email_in_quiet_hours = models.BooleanField(
        default=True, help_text="E-mail may be sent during quiet hours."
    )
    # Booking rules
    min_booking_notice_minutes = models.PositiveIntegerField(
        default=120,
        validators=[MaxValueValidator(60 * 24 * 30)],
        help_text="Clients cannot book online later than this before a visit.",
    )
    booking_horizon_days = models.PositiveIntegerField(
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
        help_text="How far ahead clients can book online.",
    )
    slot_granularity_minutes = models.PositiveIntegerField(
        default=15,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
        help_text="Offered start times are this far apart.",
    )
    intake_link_valid_days = models.PositiveIntegerField(
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text="How long an intake form link works.",
    )
    therapists_see_all_clients = models.BooleanField(
        default=False,
        help_text="Off: therapists see only the clients on their care team.",
    )
    require_two_factor_for_staff = models.BooleanField(
        default=False,
        help_text=(
            "On: owners, front desk and therapists sign in with a code from an "
            "authenticator app as well as their password, and set one up at their next sign-in."
        ),
    )
    # Homework dosing defaults (a plan item inherits these unless overridden)
    default_hold_seconds = models.PositiveIntegerField(
        default=60, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    default_repetitions = models.PositiveIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    default_sets = models.PositiveIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    default_sessions_per_week = models.PositiveIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(21)]
    )
    default_side = models.CharField(max_length=5, choices=Side.choices, default=Side.BOTH)
    adherence_alert_percent = models.PositiveIntegerField(
        default=50,
        validators=[MaxValueValidator(100)],
        help_text="Alert the therapist when homework adherence stays below this for 7 days.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(default_hold_seconds__gte=1), name="clinic_hold_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    """A place where the clinic treats clients; wall times there use its zone."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="locations")
    name = models.CharField(max_length=120)
    address_line1 = models.CharField(max_length=200)
    address_line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    region = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, help_text="ISO 3166 two-letter code, e.g. DE.")
    phone = models.CharField(max_length=20, blank=True, validators=[validate_e164])
    timezone = models.CharField(max_length=64, validators=[validate_timezone])
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["clinic_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "name"], name="location_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.city})"


class Therapist(models.Model):
    """A therapist's professional profile; their sign-in is ``user``."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="therapist_profile"
    )
    credentials = models.CharField(max_length=200, blank=True, help_text="e.g. LMT, RMT")
    licence_number = models.CharField(max_length=60, blank=True)
    locations = models.ManyToManyField(Location, blank=True, related_name="therapists")
    calendar_colour = models.CharField(
        max_length=7, default="#3366CC", validators=[validate_colour]
    )
    bio = models.TextField(max_length=2000, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() or self.user.username

    @property
    def clinic_id(self) -> int | None:
        return self.user.clinic_id


class Client(models.Model):
    """A person the clinic treats. Never deleted: archived instead."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="clients")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="client_profile",
        help_text="The client's own sign-in, if they have one.",
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True, validators=[validate_date_of_birth])
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True, validators=[validate_e164])
    preferred_channel = models.CharField(
        max_length=5, choices=Channel.choices, default=Channel.EMAIL
    )
    timezone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_timezone],
        help_text="Blank: the clinic's time zone.",
    )
    emergency_contact_name = models.CharField(max_length=200, blank=True)
    emergency_contact_phone = models.CharField(
        max_length=20, blank=True, validators=[validate_e164]
    )
    emergency_contact_relationship = models.CharField(max_length=60, blank=True)
    message_opt_in = models.BooleanField(
        default=True, help_text="Off: the client gets no reminders or other messages."
    )
    care_team = models.ManyToManyField(
        Therapist,
        blank=True,
        related_name="clients",
        help_text="Therapists who treat this client.",
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            models.Index(fields=["clinic", "last_name", "first_name"]),
            models.Index(fields=["clinic", "email"]),
            models.Index(fields=["clinic", "phone"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(preferred_channel="sms") | ~models.Q(phone=""),
                name="client_sms_needs_phone",
                violation_error_message="A client who prefers SMS needs a phone number.",
            ),
            models.CheckConstraint(
                condition=~models.Q(preferred_channel="email") | ~models.Q(email=""),
                name="client_email_needs_address",
                violation_error_message="A client who prefers e-mail needs an e-mail address.",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def zone_name(self) -> str:
        """The client's time zone, falling back to the clinic's."""
        return self.timezone or self.clinic.timezone
