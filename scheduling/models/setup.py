"""What can be booked, and when: services, rooms, weekly hours, one-day
overrides and clinic closures."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from clinic.core.validators import validate_sane_date


class RoomKind(models.TextChoices):
    TREATMENT = "treatment", "Treatment room"
    STUDIO = "studio", "Movement studio"
    CONSULT = "consult", "Consultation room"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class Service(models.Model):
    """Something a client can book: duration, price, buffers, who and where."""

    clinic = models.ForeignKey("clinic.Clinic", on_delete=models.PROTECT, related_name="services")
    name = models.CharField(max_length=120)
    description = models.TextField(max_length=2000, blank=True)
    duration_minutes = models.PositiveIntegerField(
        validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    price = models.DecimalField(
        max_digits=8, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    buffer_before_minutes = models.PositiveIntegerField(
        default=0,
        validators=[MaxValueValidator(120)],
        help_text="Kept free before the visit (preparation).",
    )
    buffer_after_minutes = models.PositiveIntegerField(
        default=0,
        validators=[MaxValueValidator(120)],
        help_text="Kept free after the visit (notes, cleaning the room).",
    )
    therapists = models.ManyToManyField(
        "clinic.Therapist",
        blank=True,
        related_name="services",
        help_text="Therapists who offer this service.",
    )
    room_kind = models.CharField(
        max_length=20,
        choices=RoomKind.choices,
        blank=True,
        help_text="The kind of room it needs; blank for no room (e.g. a phone consult).",
    )
    online_bookable = models.BooleanField(
        default=True, help_text="Off: only the front desk can book it."
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["clinic_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "name"], name="service_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.duration_minutes} min)"


class Room(models.Model):
    location = models.ForeignKey("clinic.Location", on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=20, choices=RoomKind.choices, default=RoomKind.TREATMENT)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["location_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["location", "name"], name="room_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.location.name})"


class WeeklyHours(models.Model):
    """A recurring working interval: e.g. Mondays 09:00-12:30 at Brooklyn,
    from 1 March until further notice. Several rows make a split day."""

    therapist = models.ForeignKey(
        "clinic.Therapist", on_delete=models.CASCADE, related_name="weekly_hours"
    )
    location = models.ForeignKey(
        "clinic.Location", on_delete=models.CASCADE, related_name="weekly_hours"
    )
    weekday = models.IntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()
    valid_from = models.DateField(default=timezone.localdate, validators=[validate_sane_date])
    valid_to = models.DateField(
        null=True,
        blank=True,
        validators=[validate_sane_date],
        help_text="Blank: until further notice.",
    )

    class Meta:
        ordering = ["therapist_id", "weekday", "start_time"]
        verbose_name_plural = "weekly hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(start_time__lt=F("end_time")),
                name="weekly_hours_start_before_end",
                violation_error_message="The start must be before the end.",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="weekly_hours_valid_range",
                violation_error_message="'Valid to' must not be before 'valid from'.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}-{self.end_time:%H:%M}"


class OverrideKind(models.TextChoices):
    DAY_OFF = "day_off", "Whole day off"
    TIME_OFF = "time_off", "Time off"
    EXTRA_HOURS = "extra_hours", "Extra hours"


class AvailabilityOverride(models.Model):
    """A change to one date: a day off, some hours off, or extra hours."""

    therapist = models.ForeignKey(
        "clinic.Therapist", on_delete=models.CASCADE, related_name="availability_overrides"
    )
    location = models.ForeignKey(
        "clinic.Location",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Extra hours need a location; time off applies everywhere.",
    )
    date = models.DateField(validators=[validate_sane_date])
    kind = models.CharField(max_length=12, choices=OverrideKind.choices)
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["date", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="day_off")
                | (
                    Q(start_time__isnull=False)
                    & Q(end_time__isnull=False)
                    & Q(start_time__lt=F("end_time"))
                ),
                name="override_times_for_partial_days",
                violation_error_message="Give a start before the end for time off or extra hours.",
            ),
            models.CheckConstraint(
                condition=~Q(kind="extra_hours") | Q(location__isnull=False),
                name="override_extra_hours_need_location",
                violation_error_message="Extra hours need a location.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"


class Closure(models.Model):
    """Holidays and closures: the whole clinic, or one location, for some days."""

    clinic = models.ForeignKey("clinic.Clinic", on_delete=models.CASCADE, related_name="closures")
    location = models.ForeignKey(
        "clinic.Location",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Blank: every location.",
    )
    start_date = models.DateField(validators=[validate_sane_date])
    end_date = models.DateField(validators=[validate_sane_date])
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="closure_dates_in_order",
                violation_error_message="The last day must not be before the first.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reason} ({self.start_date} - {self.end_date})"
