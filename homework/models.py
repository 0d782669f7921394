"""Stretch homework: the exercise library, dosing, plans built from a note's
culprit muscles, their reminder schedule, the client's replies and alerts."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from clinic.core.models.atlas import FunctionalGroup
from clinic.core.validators import validate_sane_date


class ExerciseKind(models.TextChoices):
    STRETCH = "stretch", "Stretch"
    FOAM_ROLLING = "foam_rolling", "Foam rolling"
    TRIGGER_POINT = "trigger_point", "Trigger-point release"
    STRENGTHENING = "strengthening", "Strengthening"
    MOBILITY = "mobility", "Mobility"


class DoseKind(models.TextChoices):
    """How an exercise is dosed: a dosing profile changes only the kinds it speaks for."""

    STATIC_HOLD = "static_hold", "Static hold"
    DYNAMIC_REPS = "dynamic_reps", "Dynamic repetitions"
    RELEASE_TIME = "release_time", "Release or foam-rolling time"
    STRENGTH_SETS = "strength_sets", "Strengthening sets"


class CautionFlag(models.TextChoices):
    """Why an exercise is never proposed automatically (a therapist may still add it)."""

    FLEXIBLE_ONLY = "flexible_only", "For flexible clients only"
    DISCOURAGED = "discouraged", "Discouraged by the method"


def validate_caution_flags(value: object) -> None:
    if not isinstance(value, list) or any(flag not in CautionFlag.values for flag in value):
        raise ValidationError(f"A list of: {', '.join(CautionFlag.values)}.")


def validate_dose_kinds(value: object) -> None:
    if (
        not isinstance(value, list)
        or not value
        or any(kind not in DoseKind.values for kind in value)
    ):
        raise ValidationError(f"A non-empty list of: {', '.join(DoseKind.values)}.")


def validate_weekdays(value: object) -> None:
    if (
        not isinstance(value, list)
        or any(not isinstance(d, int) or isinstance(d, bool) or d not in range(7) for d in value)
        or len(set(value)) != len(value)
    ):
        raise ValidationError("Give days from 0 (Monday) to 6, each once.")


class Side(models.TextChoices):
    LEFT = "left", "Left"
    RIGHT = "right", "Right"
    BOTH = "both", "Both"


class Exercise(models.Model):
    """One exercise of the library (shared when ``clinic`` is blank)."""

    clinic = models.ForeignKey(
        "clinic.Clinic",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Blank: part of the shared library.",
    )
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=15, choices=ExerciseKind.choices)
    area = models.CharField(
        max_length=20,
        choices=FunctionalGroup.choices,
        help_text="The body area group it belongs to (plans are ordered by area).",
    )
    instructions = models.TextField(max_length=4000)
    cautions = models.TextField(max_length=2000, blank=True)
    dose_kind = models.CharField(
        max_length=15,
        choices=DoseKind.choices,
        default=DoseKind.STATIC_HOLD,
        help_text="How it is dosed; a dosing profile changes only the kinds it speaks for.",
    )
    caution_flags = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_caution_flags],
        help_text="Flagged exercises are never proposed automatically and warn when added.",
    )
    contraindications = models.JSONField(
        default=list,
        blank=True,
        help_text="Intake codes that make it unsuitable (e.g. pregnancy, recent_surgery, "
        "anticoagulants).",
    )
    video_url = models.URLField(blank=True)
    sided = models.BooleanField(default=True, help_text="Done one side at a time.")
    default_hold_seconds = models.PositiveIntegerField(null=True, blank=True)
    default_repetitions = models.PositiveIntegerField(null=True, blank=True)
    default_sets = models.PositiveIntegerField(null=True, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["area", "name"]

    def __str__(self) -> str:
        return self.name


class TargetEffect(models.TextChoices):
    LENGTHENED = "lengthened", "Lengthened (stretched)"
    WORKED = "worked", "Worked (strengthened or released)"


class ExerciseTarget(models.Model):
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="targets")
    muscle = models.ForeignKey("clinic.Muscle", on_delete=models.PROTECT, related_name="+")
    effect = models.CharField(max_length=10, choices=TargetEffect.choices)
    primary = models.BooleanField(default=True)

    class Meta:
        ordering = ["exercise_id", "-primary", "id"]
        constraints = [
            models.UniqueConstraint(fields=["exercise", "muscle"], name="target_once"),
        ]

    def __str__(self) -> str:
        return f"{self.muscle} ({self.effect}{', primary' if self.primary else ''})"


def list_of_static_hold() -> list[str]:
    return [DoseKind.STATIC_HOLD.value]


class DosingProfile(models.Model):
    """A clinic's way of dosing: e.g. short active holds, 45 s, 60 s per side."""

    clinic = models.ForeignKey(
        "clinic.Clinic", on_delete=models.CASCADE, related_name="dosing_profiles"
    )
    name = models.CharField(max_length=80)
    hold_seconds = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    repetitions = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    sets = models.PositiveIntegerField(validators=[MinValueValidator(1), MaxValueValidator(20)])
    side = models.CharField(max_length=5, choices=Side.choices, default=Side.BOTH)
    sessions_per_week = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(21)]
    )
    description = models.TextField(max_length=1000, blank=True)
    dose_kinds = models.JSONField(
        default=list_of_static_hold,
        validators=[validate_dose_kinds],
        help_text="The dose kinds this profile sets; other exercises keep their own dose.",
    )
    how_to_move = models.TextField(
        max_length=1000, blank=True, help_text="On the client's page (blank: the clinic's words)."
    )
    if_it_hurts = models.TextField(
        max_length=1000, blank=True, help_text="On the client's page (blank: the clinic's words)."
    )
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ["clinic_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic"], condition=Q(is_default=True), name="one_default_dosing_profile"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class HomeworkSettings(models.Model):
    """A clinic's homework settings: how much a proposal holds and the plain
    words of the client's plan page (from ``homework/data/plan_page_words.json``)."""

    clinic = models.OneToOneField(
        "clinic.Clinic", on_delete=models.CASCADE, related_name="homework_settings"
    )
    max_proposed_exercises = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="At most this many exercises in a proposed plan.",
    )
    max_per_culprit = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="At most this many exercises proposed for one culprit muscle.",
    )
    how_to_move = models.TextField(max_length=1000, blank=True)
    if_it_hurts = models.TextField(max_length=1000, blank=True)
    what_to_avoid = models.TextField(max_length=1000, blank=True)
    flexible_only_words = models.TextField(max_length=500, blank=True)
    discouraged_words = models.TextField(max_length=500, blank=True)

    class Meta:
        verbose_name_plural = "homework settings"

    def __str__(self) -> str:
        return f"Homework settings of {self.clinic}"


class AreaPriority(models.Model):
    """The order areas come in a plan (hip flexors first by default)."""

    clinic = models.ForeignKey(
        "clinic.Clinic", on_delete=models.CASCADE, related_name="area_priorities"
    )
    area = models.CharField(max_length=20, choices=FunctionalGroup.choices)
    rank = models.PositiveIntegerField()

    class Meta:
        ordering = ["clinic_id", "rank"]
        verbose_name_plural = "area priorities"
        constraints = [
            models.UniqueConstraint(fields=["clinic", "area"], name="area_priority_once"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.get_area_display()}"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    STOPPED = "stopped", "Stopped"
    SUPERSEDED = "superseded", "Superseded"


class HomeworkPlan(models.Model):
    clinic = models.ForeignKey("clinic.Clinic", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(
        "clinic.Client", on_delete=models.PROTECT, related_name="homework_plans"
    )
    therapist = models.ForeignKey(
        "clinic.Therapist", on_delete=models.PROTECT, related_name="homework_plans"
    )
    source_note = models.ForeignKey(
        "notes.SessionNote",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The signed note whose culprits the plan was proposed from.",
    )
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    dosing_profile = models.ForeignKey(
        DosingProfile, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Schedule: days and a time of day in the client's zone, between two dates.
    days_of_week = models.JSONField(default=list, blank=True, help_text="0 = Monday.")
    days_set_by_hand = models.BooleanField(
        default=False,
        help_text="The therapist chose the days: a new dosing profile keeps them (and warns).",
    )
    time_of_day = models.TimeField(null=True, blank=True)
    zone_name = models.CharField(max_length=64, blank=True, help_text="The client's zone.")
    start_date = models.DateField(null=True, blank=True, validators=[validate_sane_date])
    end_date = models.DateField(null=True, blank=True, validators=[validate_sane_date])
    schedule_version = models.PositiveIntegerField(
        default=0,
        help_text="Goes up with every change of schedule, pause or resume: part of "
        "each reminder's idempotency key, so changed reminders are new ones.",
    )
    reminders_through = models.DateField(
        null=True,
        blank=True,
        help_text="Reminders are in the outbox up to this date, for reminders_version.",
    )
    reminders_version = models.PositiveIntegerField(null=True, blank=True)
    message = models.TextField(
        max_length=2000, blank=True, help_text="A word from the therapist, on the page."
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Homework for a client referred to a doctor and not yet cleared needs a
    # reason, kept here with who gave it and when (intake's clearance record).
    clearance_override_reason = models.CharField(
        max_length=300,
        blank=True,
        help_text="Why homework goes ahead before a doctor has cleared the client.",
    )
    clearance_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    clearance_override_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status"], name="plan_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="plan_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"Homework for {self.client} ({self.get_status_display()})"


class PlanItem(models.Model):
    """One exercise in a plan. Blank dose fields inherit: the plan's dosing
    profile, else the clinic's default profile."""

    plan = models.ForeignKey(HomeworkPlan, on_delete=models.CASCADE, related_name="items")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveIntegerField(default=0)
    side = models.CharField(max_length=5, choices=Side.choices, default=Side.BOTH)
    hold_seconds = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    repetitions = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    sets = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    note = models.CharField(max_length=300, blank=True, help_text="Extra advice for the client.")
    days_of_week = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_weekdays],
        help_text="The item's own days (0 = Monday); empty: the plan's days.",
    )
    for_culprit = models.ForeignKey(
        "clinic.Muscle", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    override_reason = models.CharField(
        max_length=300,
        blank=True,
        help_text="Why the therapist kept it despite a safety warning (shown with the item).",
    )
    safety_warnings = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["plan_id", "order", "id"]

    def __str__(self) -> str:
        return f"{self.exercise} ({self.side})"


class ReplyKind(models.TextChoices):
    DONE = "done", "Done"
    SKIPPED = "skipped", "Skipped"
    PAIN = "pain", "Pain today"


class HomeworkReply(models.Model):
    """The client's answer for one scheduled session (or one exercise of it)."""

    plan = models.ForeignKey(HomeworkPlan, on_delete=models.CASCADE, related_name="replies")
    session_date = models.DateField()
    kind = models.CharField(max_length=7, choices=ReplyKind.choices)
    exercise = models.ForeignKey(
        Exercise,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Blank: the whole session.",
    )
    pain_score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    replied_at = models.DateTimeField(default=timezone.now)
    via = models.CharField(max_length=10, default="link")

    class Meta:
        ordering = ["plan_id", "session_date", "id"]
        indexes = [models.Index(fields=["plan", "session_date"], name="reply_plan_date_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "session_date", "kind"],
                condition=Q(exercise__isnull=True),
                name="one_session_reply_per_kind",
            ),
            models.UniqueConstraint(
                fields=["plan", "session_date", "kind", "exercise"],
                condition=Q(exercise__isnull=False),
                name="one_exercise_reply_per_kind",
            ),
            models.CheckConstraint(
                condition=(Q(kind="pain") & Q(pain_score__isnull=False) & Q(pain_score__lte=10))
                | (~Q(kind="pain") & Q(pain_score__isnull=True)),
                name="reply_pain_score_only_for_pain",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.session_date}"


class AlertKind(models.TextChoices):
    LOW_ADHERENCE = "low_adherence", "Low adherence"
    PAIN_RISING = "pain_rising", "Pain rising"


class HomeworkAlert(models.Model):
    """Something the therapist should see before the next visit."""

    plan = models.ForeignKey(HomeworkPlan, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=15, choices=AlertKind.choices)
    raised_on = models.DateField()
    detail = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "kind", "raised_on"], name="one_alert_per_kind_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.raised_on})"
