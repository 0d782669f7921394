"""Session notes: SOAP notes that record culprit and victim muscles.

A note is a draft its author may change; signing hashes its whole content and
locks it. After that nothing changes: corrections are addenda shown under it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from clinic.core.validators import validate_aware_datetime

# The longest a SOAP section or an addendum may be (about four typed pages).
SOAP_SECTION_MAX = 10_000


class NoteLocked(Exception):
    """Raised when anything tries to change a signed note's row."""


class NoteKind(models.TextChoices):
    VISIT = "visit", "Visit"
    PHONE = "phone", "Phone consult"


class NoteStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"


class SessionNote(models.Model):
    clinic = models.ForeignKey("clinic.Clinic", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(
        "clinic.Client", on_delete=models.PROTECT, related_name="session_notes"
    )
    therapist = models.ForeignKey(
        "clinic.Therapist", on_delete=models.PROTECT, related_name="session_notes"
    )
    appointment = models.OneToOneField(
        "scheduling.Appointment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="session_note",
    )
    kind = models.CharField(max_length=5, choices=NoteKind.choices, default=NoteKind.VISIT)
    seen_at = models.DateTimeField(
        validators=[validate_aware_datetime], help_text="When the visit or call took place."
    )
    status = models.CharField(max_length=6, choices=NoteStatus.choices, default=NoteStatus.DRAFT)
    # SOAP
    subjective = models.TextField(max_length=SOAP_SECTION_MAX, blank=True)
    subjective_data = models.JSONField(
        default=dict,
        blank=True,
        help_text="What was pre-filled: the intake's pain map, triggers and pain ratings.",
    )
    objective = models.TextField(
        max_length=SOAP_SECTION_MAX, blank=True, help_text="Posture and other observations."
    )
    assessment = models.TextField(max_length=SOAP_SECTION_MAX, blank=True)
    plan = models.TextField(max_length=SOAP_SECTION_MAX, blank=True)
    nrs_before = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    nrs_after = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    content_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        db_table = "clinic_sessionnote"  # the name it had in the core app
        ordering = ["-seen_at", "-id"]
        indexes = [models.Index(fields=["client", "seen_at"], name="note_client_time_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="signed") | (Q(signed_at__isnull=False) & ~Q(content_hash="")),
                name="note_signed_has_hash",
            ),
            models.CheckConstraint(
                condition=Q(nrs_before__isnull=True) | Q(nrs_before__lte=10),
                name="note_nrs_before_0_10",
            ),
            models.CheckConstraint(
                condition=Q(nrs_after__isnull=True) | Q(nrs_after__lte=10),
                name="note_nrs_after_0_10",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} note for {self.client} ({self.seen_at:%Y-%m-%d})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A signed row is never written again, whoever asks (services, admin,
        # a stray script): the database copy is the one that was hashed.
        if self.pk and not self._state.adding:
            stored = SessionNote.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == NoteStatus.SIGNED:
                raise NoteLocked("A signed note cannot be changed; add an addendum.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.is_signed:
            raise NoteLocked("A signed note cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_signed(self) -> bool:
        return self.status == NoteStatus.SIGNED


class TestKind(models.TextChoices):
    THOMAS = "thomas", "Thomas test (hip flexors)"
    MODIFIED_THOMAS = "modified_thomas", "Modified Thomas test (hip flexors, rectus femoris)"
    ELY = "ely", "Ely's test (rectus femoris)"
    OBER = "ober", "Ober's test (TFL, iliotibial band)"
    SLR = "slr", "Straight-leg raise"
    OTHER = "other", "Other test"


class TestResult(models.TextChoices):
    NEGATIVE = "negative", "Negative (normal length)"
    POSITIVE = "positive", "Positive (short / restricted)"
    PAIN = "pain", "Reproduces pain"


class FindingSide(models.TextChoices):
    LEFT = "left", "Left"
    RIGHT = "right", "Right"
    BOTH = "both", "Both"
    MIDLINE = "", "Midline (unsided muscle)"


class ObjectiveTest(models.Model):
    """A structured range-of-motion or muscle-length test."""

    note = models.ForeignKey(SessionNote, on_delete=models.CASCADE, related_name="tests")
    test = models.CharField(max_length=20, choices=TestKind.choices)
    name = models.CharField(max_length=100, blank=True, help_text="For other tests.")
    side = models.CharField(max_length=5, choices=FindingSide.choices[:3])
    result = models.CharField(max_length=10, choices=TestResult.choices)
    degrees = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(180)]
    )
    comment = models.CharField(max_length=300, blank=True)

    class Meta:
        db_table = "clinic_objectivetest"  # the name it had in the core app
        ordering = ["note_id", "id"]

    def __str__(self) -> str:
        return f"{self.name or self.get_test_display()} {self.side}: {self.result}"


class FindingRole(models.TextChoices):
    CULPRIT = "culprit", "Culprit (short, pulling)"
    VICTIM = "victim", "Victim (overstretched, painful)"
    NEITHER = "neither", "Neither"


class MuscleFinding(models.Model):
    note = models.ForeignKey(SessionNote, on_delete=models.CASCADE, related_name="findings")
    muscle = models.ForeignKey("clinic.Muscle", on_delete=models.PROTECT, related_name="+")
    side = models.CharField(max_length=5, choices=FindingSide.choices, blank=True)
    role = models.CharField(max_length=8, choices=FindingRole.choices)
    tension = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(3)])
    tenderness = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(3)])
    trigger_points = models.BooleanField(default=False)
    comment = models.CharField(max_length=300, blank=True)
    suggestion = models.ForeignKey(
        "intake.CulpritSuggestion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The intake rule suggestion this was accepted from.",
    )
    suggested_by_rule = models.CharField(max_length=120, blank=True)

    class Meta:
        db_table = "clinic_musclefinding"  # the name it had in the core app
        ordering = ["note_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["note", "muscle", "side"], name="finding_once_per_muscle_side"
            ),
            models.CheckConstraint(condition=Q(tension__lte=3), name="finding_tension_0_3"),
            models.CheckConstraint(condition=Q(tenderness__lte=3), name="finding_tenderness_0_3"),
        ]

    def __str__(self) -> str:
        side = f" ({self.side})" if self.side else ""
        return f"{self.muscle}{side}: {self.role}"


class TugOfWar(models.Model):
    """A culprit finding pulling on a victim finding of the same note."""

    culprit = models.ForeignKey(MuscleFinding, on_delete=models.CASCADE, related_name="pulls")
    victim = models.ForeignKey(MuscleFinding, on_delete=models.CASCADE, related_name="pulled_by")

    class Meta:
        db_table = "clinic_tugofwar"  # the name it had in the core app
        ordering = ["culprit_id", "victim_id"]
        verbose_name_plural = "tug-of-war links"
        constraints = [
            models.UniqueConstraint(fields=["culprit", "victim"], name="tug_of_war_once"),
            models.CheckConstraint(
                condition=~Q(culprit=models.F("victim")), name="tug_of_war_two_findings"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.culprit} pulls on {self.victim}"


class Addendum(models.Model):
    """A correction or later remark under a signed note; never edited either."""

    note = models.ForeignKey(SessionNote, on_delete=models.PROTECT, related_name="addenda")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=SOAP_SECTION_MAX)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "clinic_addendum"  # the name it had in the core app
        ordering = ["note_id", "created_at", "id"]
        verbose_name_plural = "addenda"

    def __str__(self) -> str:
        return f"Addendum by {self.author} ({self.created_at:%Y-%m-%d})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise NoteLocked("An addendum cannot be changed; add another.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise NoteLocked("An addendum cannot be deleted.")


class NoteSection(models.TextChoices):
    SUBJECTIVE = "subjective", "Subjective"
    OBJECTIVE = "objective", "Objective"
    ASSESSMENT = "assessment", "Assessment"
    PLAN = "plan", "Plan"


class NoteTemplate(models.Model):
    """A quick phrase the clinic's therapists insert with one tap."""

    clinic = models.ForeignKey(
        "clinic.Clinic", on_delete=models.CASCADE, related_name="note_templates"
    )
    section = models.CharField(max_length=12, choices=NoteSection.choices)
    title = models.CharField(max_length=80)
    text = models.TextField(max_length=2000)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "clinic_notetemplate"  # the name it had in the core app
        ordering = ["clinic_id", "section", "order", "id"]

    def __str__(self) -> str:
        return self.title


class ProblemRole(models.TextChoices):
    CULPRIT = "culprit", "Culprit (short, pulling)"
    VICTIM = "victim", "Victim (overstretched, painful)"


class ProblemStatus(models.TextChoices):
    SUSPECTED = "suspected", "Suspected (recorded at one visit)"
    CONFIRMED = "confirmed", "Confirmed"
    RESOLVED = "resolved", "Resolved"


# What homework safety and the next note treat as still there.
ACTIVE_PROBLEM_STATUSES = (ProblemStatus.SUSPECTED, ProblemStatus.CONFIRMED)
PROBLEM_REASON_MAX = 500


class ProblemEntry(models.Model):
    """One culprit or victim muscle on one side on a client's problem list.

    Signing a note that records the muscle in that role creates the entry or
    refreshes it (``last_seen`` moves; a second visit confirms it). It stays
    active, whatever later notes leave out, until a therapist resolves it; a
    later signed note that records it again re-opens it (the last resolution
    is kept on the row, and in the audit trail)."""

    clinic = models.ForeignKey("clinic.Clinic", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey("clinic.Client", on_delete=models.PROTECT, related_name="problems")
    muscle = models.ForeignKey("clinic.Muscle", on_delete=models.PROTECT, related_name="+")
    side = models.CharField(max_length=5, choices=FindingSide.choices, blank=True)
    role = models.CharField(max_length=8, choices=ProblemRole.choices)
    status = models.CharField(
        max_length=9, choices=ProblemStatus.choices, default=ProblemStatus.SUSPECTED
    )
    first_seen_on = models.DateField(help_text="The clinic's date of the first note recording it.")
    first_seen_note = models.ForeignKey(SessionNote, on_delete=models.PROTECT, related_name="+")
    last_seen_on = models.DateField(help_text="The clinic's date of the latest note recording it.")
    last_seen_note = models.ForeignKey(SessionNote, on_delete=models.PROTECT, related_name="+")
    times_seen = models.PositiveIntegerField(
        default=1, help_text="How many signed notes recorded it."
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who confirmed it by hand (empty when a second visit did).",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolved_reason = models.TextField(max_length=PROBLEM_REASON_MAX, blank=True)
    reopened_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a later note recorded it again after it was resolved.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["client_id", "-role", "muscle_id", "side", "id"]
        verbose_name_plural = "problem entries"
        indexes = [models.Index(fields=["client", "status"], name="problem_client_status_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "muscle", "side", "role"],
                condition=~Q(status="resolved"),
                name="problem_active_once",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["culprit", "victim"]), name="problem_culprit_or_victim"
            ),
            models.CheckConstraint(
                condition=~Q(status="resolved") | Q(resolved_at__isnull=False),
                name="problem_resolved_has_time",
            ),
            models.CheckConstraint(condition=Q(times_seen__gte=1), name="problem_seen_once"),
        ]

    def __str__(self) -> str:
        side = f" ({self.side})" if self.side else ""
        return f"{self.muscle}{side}: {self.role}, {self.status}"

    @property
    def is_active(self) -> bool:
        return self.status != ProblemStatus.RESOLVED
