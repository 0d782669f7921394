from __future__ import annotations

from rest_framework import serializers

from clinic.core.api.fields import ClinicModelSerializer, IdField
from intake.models import CulpritSuggestion, PainRating, QuestionnaireKind, Submission


class SuggestionSerializer(ClinicModelSerializer[CulpritSuggestion]):
    muscle_slug = serializers.CharField(source="muscle.slug", read_only=True)
    muscle_name = serializers.CharField(source="muscle.name", read_only=True)
    shown_as = serializers.SerializerMethodField()

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
