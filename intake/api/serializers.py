from __future__ import annotations

from typing import Any

from rest_framework import serializers

from clinic.core.api.fields import ClinicModelSerializer, IdField, SaneDateField
from intake.models import (
    Clearance,
    ClearanceStatus,
    ClientDocument,
    CulpritSuggestion,
    DocumentKind,
    PainRating,
    QuestionnaireKind,
    Submission,
)
from intake.selectors import NO_CLEARANCE


class SuggestionSerializer(ClinicModelSerializer[CulpritSuggestion]):
    muscle_slug = serializers.CharField(source="muscle.slug", read_only=True)
    muscle_name = serializers.CharField(source="muscle.name", read_only=True)
    shown_as = serializers.SerializerMethodField()
    source_note = serializers.CharField(
        source="rule.source_note",
        read_only=True,
        default="",
        help_text="Where the rule comes from (blank when its rule has since been deleted).",
    )

    class Meta:
        model = CulpritSuggestion
        fields = [
            "id",
            "muscle",
            "muscle_slug",
            "muscle_name",
            "side",
            "rule",
            "rule_name",
            "reason",
            "source_note",
            "matched_regions",
            "matched_triggers",
            "shown_as",
        ]

    def get_shown_as(self, obj: CulpritSuggestion) -> str:
        return "Suggestion for assessment"


class SubmissionBadgeSerializer(ClinicModelSerializer[Submission]):
    """What the front desk sees: that a form is done, and whether it is red-flagged."""

    kind = serializers.CharField(source="questionnaire.kind", read_only=True)
    completed = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = ["id", "client", "kind", "submitted_at", "completed", "referral_flag"]

    def get_completed(self, obj: Submission) -> bool:
        return True


class SubmissionSerializer(SubmissionBadgeSerializer):
    """The clinical answers (for the client themselves and for therapists)."""

    questionnaire_version = serializers.IntegerField(source="questionnaire.version", read_only=True)
    questions = serializers.SerializerMethodField()

    class Meta(SubmissionBadgeSerializer.Meta):
        fields = [
            *SubmissionBadgeSerializer.Meta.fields,
            "questionnaire",
            "questionnaire_version",
            "answers",
            "questions",
            "pain_regions",
            "triggers",
            "nrs_now",
            "nrs_worst",
            "nrs_best",
            "red_flags",
            "contraindications",
            "anticoagulants",
            "consent_treatment",
            "consent_privacy",
            "signature_name",
            "signed_at",
            "odi_score",
            "odi_band",
            "supersedes",
        ]

    def get_questions(self, obj: Submission) -> dict[str, str]:
        """The wording each answer was given to (the version's labels)."""
        return {q.key: q.label for q in obj.questionnaire.questions.all()}


class TherapistSubmissionSerializer(SubmissionSerializer):
    suggestions = SuggestionSerializer(many=True, read_only=True)

    class Meta(SubmissionSerializer.Meta):
        fields = [*SubmissionSerializer.Meta.fields, "suggestions"]
        # The API documents this shape; the front desk gets the badge fields
        # only, a client their answers without the suggestions.
        role_dependent_fields = tuple(
            name for name in fields if name not in SubmissionBadgeSerializer.Meta.fields
        )


class SendLinkSerializer(serializers.Serializer[None]):
    kind = serializers.ChoiceField(
        choices=QuestionnaireKind.choices, default=QuestionnaireKind.INTAKE
    )
    corrects = IdField(required=False, help_text="A submission this new form replaces.")


class InvitationSerializer(serializers.Serializer[None]):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    expires_at = serializers.DateTimeField()


class PainPointSerializer(ClinicModelSerializer[PainRating]):
    class Meta:
        model = PainRating
        fields = ["recorded_at", "score", "source", "reference"]


class OdiPointSerializer(ClinicModelSerializer[Submission]):
    class Meta:
        model = Submission
        fields = ["submitted_at", "odi_score", "odi_band"]


class OutcomesSerializer(serializers.Serializer[None]):
    pain = PainPointSerializer(many=True)
    odi = OdiPointSerializer(many=True)


# --- clearance ----------------------------------------------------------------------------------


class ClearanceRecordSerializer(ClinicModelSerializer[Clearance]):
    recorded_by_name = serializers.SerializerMethodField()
    automatic = serializers.SerializerMethodField(
        help_text="True when a red-flagged intake form opened the referral by itself."
    )

    class Meta:
        model = Clearance
        fields = [
            "id",
            "status",
            "recorded_at",
            "recorded_by",
            "recorded_by_name",
            "automatic",
            "submission",
            "clinician_name",
            "cleared_on",
            "note",
            "document",
        ]

    def get_recorded_by_name(self, record: Clearance) -> str:
        user = record.recorded_by
        return (user.get_full_name() or user.username) if user is not None else ""

    def get_automatic(self, record: Clearance) -> bool:
        return record.recorded_by_id is None


class ClearanceSerializer(serializers.Serializer[Any]):
    """A client's clearance: the state for every member of staff; who cleared
    them, the notes and the history only for those who read clinical records."""

    client = serializers.IntegerField()
    state = serializers.ChoiceField(
        choices=[NO_CLEARANCE, *ClearanceStatus.values],
        help_text="none: nothing asks for a doctor; referred: referred, not yet cleared; "
        "cleared: seen by a doctor and cleared.",
    )
    since = serializers.DateTimeField(allow_null=True)
    current = ClearanceRecordSerializer(allow_null=True)
    history = ClearanceRecordSerializer(many=True, help_text="Newest first.")

    class Meta:
        role_dependent_fields = ("current", "history")


class ClearanceInputSerializer(serializers.Serializer[None]):
    status = serializers.ChoiceField(choices=ClearanceStatus.choices)
    clinician_name = serializers.CharField(max_length=200, allow_blank=True, default="")
    cleared_on = SaneDateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=2000, allow_blank=True, default="")
    document = IdField(
        required=False, allow_null=True, default=None, help_text="A document of this client."
    )


# --- documents ----------------------------------------------------------------------------------


class DocumentSerializer(ClinicModelSerializer[ClientDocument]):
    uploaded_by_name = serializers.SerializerMethodField()

    class Meta:
        model = ClientDocument
        fields = [
            "id",
            "client",
            "kind",
            "title",
            "original_name",
            "content_type",
            "size",
            "uploaded_by",
            "uploaded_by_name",
            "uploaded_at",
        ]

    def get_uploaded_by_name(self, document: ClientDocument) -> str:
        user = document.uploaded_by
        return user.get_full_name() or user.username


class DocumentUploadSerializer(serializers.Serializer[None]):
    file = serializers.FileField(
        max_length=200,
        allow_empty_file=False,
        help_text="A PDF, JPEG, PNG or HEIC file of at most CLINIC_DOCUMENT_MAX_BYTES "
        "(10 MB by default), recognised by its content.",
    )
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    title = serializers.CharField(max_length=200)
