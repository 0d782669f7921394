"""Intake questionnaires, submissions, culprit rules and outcome measures.

A questionnaire is versioned: a submission points at the version it answered,
so it stays readable after the clinic changes the form. Special question types
(body map, triggers, pain ratings, red flags...) are what the rules and the
badges read; the clinic words and orders them, and adds free questions.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from clinic.core.validators import validate_sane_date


class QuestionnaireKind(models.TextChoices):
    INTAKE = "intake", "Intake form"
    ODI = "odi", "Oswestry Disability Index"


class Questionnaire(models.Model):
    clinic = models.ForeignKey(
        "clinic.Clinic", on_delete=models.PROTECT, related_name="questionnaires"
    )
    kind = models.CharField(max_length=10, choices=QuestionnaireKind.choices)
    version = models.PositiveIntegerField(default=1)
    title = models.CharField(max_length=200)
    intro = models.TextField(max_length=2000, blank=True, help_text="Shown at the top of the form.")
    published = models.BooleanField(
        default=True, help_text="The newest published version is the one sent to clients."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["clinic_id", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "kind", "version"], name="questionnaire_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class QuestionType(models.TextChoices):
    TEXT = "text", "Short text"
    TEXTAREA = "textarea", "Long text"
    INTEGER = "integer", "Whole number"
    DATE = "date", "Date"
    BOOLEAN = "boolean", "Yes / no"
    CHOICE = "choice", "One of a list"
    MULTICHOICE = "multichoice", "Several of a list"
    PHONE = "phone", "Phone number"
    NRS = "nrs", "Pain 0-10"
    BODY_MAP = "body_map", "Body map (where it hurts)"
    TRIGGERS = "triggers", "What brings the pain on"
    RED_FLAGS = "red_flags", "Red flags"
    CONTRAINDICATIONS = "contraindications", "Massage contraindications"
    CONSENT = "consent", "Consent (must be ticked)"
    SIGNATURE = "signature", "Typed-name signature"
    ODI_SECTION = "odi_section", "Oswestry section (statements scored 0-5)"


class MapsTo(models.TextChoices):
    """Which structured field of a submission a question fills."""

    NONE = "", "(free question)"
    PAIN_REGIONS = "pain_regions", "Pain regions"
    TRIGGERS = "triggers", "Triggers"
    NRS_NOW = "nrs_now", "Pain now"
    NRS_WORST = "nrs_worst", "Pain at worst"
    NRS_BEST = "nrs_best", "Pain at best"
    RED_FLAGS = "red_flags", "Red flags"
    CONTRAINDICATIONS = "contraindications", "Contraindications"
    ANTICOAGULANTS = "anticoagulants", "Takes blood thinners"
    PHONE = "phone", "Phone"
    EMERGENCY_NAME = "emergency_contact_name", "Emergency contact name"
    EMERGENCY_PHONE = "emergency_contact_phone", "Emergency contact phone"
    DATE_OF_BIRTH = "date_of_birth", "Date of birth (for the red-flag screen)"
    NEW_PAIN = "new_pain", "The pain is new (for the red-flag screen)"
    CONSENT_TREATMENT = "consent_treatment", "Consent to treatment"
    CONSENT_PRIVACY = "consent_privacy", "Consent to the privacy notice"
    SIGNATURE = "signature", "Signature"


class Question(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    key = models.SlugField(max_length=60, help_text="Stable name of the answer.")
    section = models.CharField(max_length=120)
    label = models.CharField(max_length=300)
    help_text = models.CharField(max_length=300, blank=True)
    type = models.CharField(max_length=20, choices=QuestionType.choices)
    choices = models.JSONField(
        default=list,
        blank=True,
        help_text='For lists: [{"value": "...", "label": "...", "score": 0}] (score: Oswestry).',
    )
    required = models.BooleanField(default=False)
    order = models.PositiveIntegerField(default=0)
    maps_to = models.CharField(max_length=30, choices=MapsTo.choices, blank=True)

    class Meta:
        ordering = ["questionnaire_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "key"], name="question_key_unique"),
            models.UniqueConstraint(
                fields=["questionnaire", "maps_to"],
                condition=~Q(maps_to=""),
                name="question_maps_once",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class IntakeInvitation(models.Model):
    """A link sent to one client for one questionnaire version; used once.
    Sending a newer link of the same kind revokes the unused older ones."""

    client = models.ForeignKey(
        "clinic.Client", on_delete=models.PROTECT, related_name="intake_invitations"
    )
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Blank: sent automatically at booking.",
    )
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set when a newer link to the same kind of form was sent: this one "
        "then only says it has been replaced.",
    )
    corrects = models.ForeignKey(
        "Submission",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="A correction of this earlier submission.",
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.questionnaire.get_kind_display()} link for {self.client}"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at


class Submission(models.Model):
    """One completed questionnaire, never edited: a correction is a new
    submission that points at the one it replaces."""

    client = models.ForeignKey(
        "clinic.Client", on_delete=models.PROTECT, related_name="intake_submissions"
    )
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="submissions"
    )
    invitation = models.OneToOneField(
        IntakeInvitation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submission",
    )
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    answers = models.JSONField(default=dict)
    # Structured answers (what rules, badges and trends read)
    pain_regions = models.JSONField(default=list, blank=True)
    triggers = models.JSONField(default=list, blank=True)
    nrs_now = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    nrs_worst = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    nrs_best = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    red_flags = models.JSONField(default=list, blank=True)
    contraindications = models.JSONField(default=list, blank=True)
    anticoagulants = models.BooleanField(default=False)
    referral_flag = models.BooleanField(
        default=False, help_text="Red flags: advise the client to see a doctor before treatment."
    )
    consent_treatment = models.BooleanField(default=False)
    consent_privacy = models.BooleanField(default=False)
    signature_name = models.CharField(max_length=200, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    odi_score = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    odi_band = models.CharField(max_length=40, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["client", "submitted_at"], name="submission_client_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(nrs_now__isnull=True) | Q(nrs_now__lte=10), name="submission_nrs_now"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire.title} from {self.client} ({self.submitted_at:%Y-%m-%d})"


class RegionMatch(models.TextChoices):
    ANY = "any", "Any of these regions"
    ALL = "all", "All of these regions"


SOURCE_NOTE_MAX_LENGTH = 300


class CulpritRule(models.Model):
    """The clinic's working hypothesis: where it hurts and what brings it on
    point at candidate culprit muscles elsewhere, with the reason in the
    clinic's words. Suggestions only; the therapist assesses."""

    clinic = models.ForeignKey("clinic.Clinic", on_delete=models.CASCADE, related_name="rules")
    name = models.CharField(max_length=120)
    active = models.BooleanField(default=True)
    priority = models.PositiveIntegerField(default=100, help_text="Lower comes first.")
    regions = models.JSONField(help_text="Region codes, e.g. lower_back_left.")
    region_match = models.CharField(
        max_length=3, choices=RegionMatch.choices, default=RegionMatch.ANY
    )
    triggers = models.JSONField(
        default=list, blank=True, help_text="Any one of these triggers; empty: no trigger needed."
    )
    muscles = models.ManyToManyField("clinic.Muscle", blank=True, related_name="+")
    functional_groups = models.JSONField(
        default=list, blank=True, help_text="Whole groups from the atlas, e.g. adductors."
    )
    reason = models.TextField(
        max_length=1000, help_text="Why, in the clinic's words, shown to the therapist."
    )
    source_note = models.TextField(
        max_length=SOURCE_NOTE_MAX_LENGTH,
        blank=True,
        help_text="Where the rule comes from (an article, an anatomy reference, the clinic's "
        "own experience); shown with every suggestion it makes.",
    )

    class Meta:
        ordering = ["clinic_id", "priority", "id"]

    def __str__(self) -> str:
        return self.name


class CulpritSuggestion(models.Model):
    """What a rule suggested for one submission (kept even if the rule changes)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="suggestions")
    rule = models.ForeignKey(
        CulpritRule, null=True, on_delete=models.SET_NULL, related_name="suggestions"
    )
    rule_name = models.CharField(max_length=120)
    muscle = models.ForeignKey("clinic.Muscle", on_delete=models.PROTECT, related_name="+")
    side = models.CharField(
        max_length=5, choices=[("left", "Left"), ("right", "Right"), ("both", "Both")]
    )
    reason = models.TextField(max_length=1000)
    matched_regions = models.JSONField(default=list)
    matched_triggers = models.JSONField(default=list)

    class Meta:
        ordering = ["submission_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "muscle", "side"], name="suggestion_once_per_muscle_side"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.muscle} ({self.side}) from {self.rule_name}"


class PainSource(models.TextChoices):
    INTAKE = "intake", "Intake form"
    VISIT_BEFORE = "visit_before", "Visit, before treatment"
    VISIT_AFTER = "visit_after", "Visit, after treatment"
    HOMEWORK = "homework", "Homework reply"


class PainRating(models.Model):
    """One 0-10 numeric pain rating: the client's pain over time."""

    client = models.ForeignKey(
        "clinic.Client", on_delete=models.CASCADE, related_name="pain_ratings"
    )
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=15, choices=PainSource.choices)
    reference = models.CharField(
        max_length=64, blank=True, help_text="What it came from, e.g. submission:12, note:7."
    )

    class Meta:
        ordering = ["client_id", "recorded_at", "id"]
        indexes = [models.Index(fields=["client", "recorded_at"], name="pain_client_time_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(score__lte=10), name="pain_score_0_10"),
            models.UniqueConstraint(
                fields=["source", "reference"],
                condition=~Q(reference=""),
                name="pain_rating_once_per_reference",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.score}/10 ({self.get_source_display()})"


# --- Client documents and red-flag clearance --------------------------------------------------


class DocumentKind(models.TextChoices):
    CLEARANCE_LETTER = "clearance_letter", "Clearance letter"
    IMAGING_REPORT = "imaging_report", "Imaging report"
    REFERRAL_LETTER = "referral_letter", "Referral letter"
    OTHER = "other", "Other"


def documents_storage() -> Storage:
    """The storage of client documents: ``STORAGES["documents"]`` (local files
    under MEDIA_ROOT in the embedded default, any django-storages backend in
    production). Never served from a public URL: only through the API."""
    return storages["documents"]


def document_path(instance: ClientDocument, filename: str) -> str:
    """A name that says nothing of the client or the file's own name."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"documents/{instance.clinic_id}/{uuid.uuid4().hex}.{extension}"


class ClientDocument(models.Model):
    """A letter or report on a client's record (a clearance letter, an imaging
    report, a referral letter). Clinical content: read only by those who read
    the client's notes, every read audited, never deleted."""

    clinic = models.ForeignKey("clinic.Clinic", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey("clinic.Client", on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    title = models.CharField(max_length=200)
    file = models.FileField(storage=documents_storage, upload_to=document_path, max_length=255)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=50, help_text="Found from the file's content.")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["client", "uploaded_at"], name="document_client_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class ClearanceStatus(models.TextChoices):
    REFERRED = "referred", "Referred, not yet cleared"
    CLEARED = "cleared", "Seen by a doctor and cleared"


class Clearance(models.Model):
    """One step of a client's red-flag clearance, never edited: the newest
    says where the client stands. A red-flagged intake form opens a referral
    by itself (``submission``, no ``recorded_by``); a therapist or the owner
    records that a doctor cleared the client (or refers them again)."""

    client = models.ForeignKey("clinic.Client", on_delete=models.PROTECT, related_name="clearances")
    status = models.CharField(max_length=10, choices=ClearanceStatus.choices)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Blank: opened by a red-flagged intake form.",
    )
    submission = models.ForeignKey(
        Submission,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The red-flagged intake form that opened this referral.",
    )
    clinician_name = models.CharField(
        max_length=200, blank=True, help_text="The doctor who cleared the client."
    )
    cleared_on = models.DateField(null=True, blank=True, validators=[validate_sane_date])
    note = models.TextField(max_length=2000, blank=True)
    document = models.ForeignKey(
        ClientDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["client", "recorded_at"], name="clearance_client_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["submission"],
                condition=Q(submission__isnull=False),
                name="clearance_once_per_submission",
            ),
            models.CheckConstraint(
                condition=~Q(status="cleared")
                | (Q(cleared_on__isnull=False) & ~Q(clinician_name="")),
                name="clearance_cleared_names_who_and_when",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.client})"
