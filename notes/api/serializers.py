from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clinic.core.api.fields import (
    AwareDateTimeField,
    ClinicModelSerializer,
    IdField,
    SlugChoiceField,
)
from clinic.core.models import Muscle
from intake.selectors import ClearanceState, get_clearance_states
from notes import selectors
from notes.models import (
    PROBLEM_REASON_MAX,
    SOAP_SECTION_MAX,
    Addendum,
    FindingRole,
    FindingSide,
    MuscleFinding,
    NoteKind,
    NoteTemplate,
    ObjectiveTest,
    ProblemEntry,
    SessionNote,
    TestKind,
    TestResult,
)


class FindingSerializer(ClinicModelSerializer[MuscleFinding]):
    muscle_slug = serializers.CharField(source="muscle.slug", read_only=True)
    muscle_name = serializers.CharField(source="muscle.name", read_only=True)
    pulls_on = serializers.SerializerMethodField()

    class Meta:
        model = MuscleFinding
        fields = [
            "id",
            "muscle",
            "muscle_slug",
            "muscle_name",
            "side",
            "role",
            "tension",
            "tenderness",
            "trigger_points",
            "comment",
            "suggestion",
            "suggested_by_rule",
            "pulls_on",
        ]

    def get_pulls_on(self, finding: MuscleFinding) -> list[int]:
        return [link.victim_id for link in finding.pulls.all()]


class TestSerializer(ClinicModelSerializer[ObjectiveTest]):
    class Meta:
        model = ObjectiveTest
        fields = ["id", "test", "name", "side", "result", "degrees", "comment"]


class AddendumSerializer(ClinicModelSerializer[Addendum]):
    author_name = serializers.SerializerMethodField()

    class Meta:
        model = Addendum
        fields = ["id", "text", "author", "author_name", "created_at"]

    def get_author_name(self, addendum: Addendum) -> str:
        return addendum.author.get_full_name() or addendum.author.username


class ActiveProblemSerializer(ClinicModelSerializer[ProblemEntry]):
    """One culprit or victim muscle and side on the client's problem list."""

    muscle = serializers.CharField(source="muscle.slug", read_only=True, help_text="Its slug.")
    muscle_name = serializers.CharField(source="muscle.name", read_only=True)

    class Meta:
        model = ProblemEntry
        fields = [
            "id",
            "muscle",
            "muscle_name",
            "side",
            "role",
            "status",
            "first_seen_on",
            "first_seen_note",
            "last_seen_on",
            "last_seen_note",
            "times_seen",
        ]
        read_only_fields = fields


class ProblemSerializer(ActiveProblemSerializer):
    """A problem list entry with who confirmed or resolved it, and when."""

    class Meta(ActiveProblemSerializer.Meta):
        fields = [
            *ActiveProblemSerializer.Meta.fields,
            "client",
            "confirmed_at",
            "confirmed_by",
            "resolved_at",
            "resolved_by",
            "resolved_reason",
            "reopened_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ProblemResolveSerializer(serializers.Serializer[None]):
    reason = serializers.CharField(
        max_length=PROBLEM_REASON_MAX,
        allow_blank=True,
        default="",
        help_text="Why it is resolved (optional), e.g. no longer tender at two visits.",
    )


class ProblemFilterSerializer(serializers.Serializer[None]):
    status = serializers.ChoiceField(
        choices=selectors.PROBLEM_FILTERS,
        default="active",
        help_text="active (suspected and confirmed, the default), one status, or all.",
    )


class NoteClearanceSerializer(serializers.Serializer[Any]):
    state = serializers.ChoiceField(
        choices=["none", "referred", "cleared"],
        help_text="none: nothing asks for a doctor; referred: referred to a doctor for red "
        "flags, not yet cleared (assess and refer; homework needs a reason); cleared: seen by "
        "a doctor and cleared.",
    )
    since = serializers.DateTimeField(allow_null=True)


class NoteSerializer(ClinicModelSerializer[SessionNote]):
    client_name = serializers.CharField(source="client.full_name", read_only=True)
    clearance = serializers.SerializerMethodField(
        help_text="The client's red-flag clearance now (not when the note was written)."
    )
    therapist_name = serializers.CharField(source="therapist.display_name", read_only=True)
    findings = FindingSerializer(many=True, read_only=True)
    tests = TestSerializer(many=True, read_only=True)
    addenda = AddendumSerializer(many=True, read_only=True)
    active_problems = serializers.SerializerMethodField(
        help_text="The client's problem list as it stands now: the culprits and victims "
        "still open (suspected or confirmed), to ask about and re-check."
    )

    class Meta:
        model = SessionNote
        fields = [
            "id",
            "client",
            "client_name",
            "therapist",
            "therapist_name",
            "appointment",
            "kind",
            "seen_at",
            "status",
            "subjective",
            "subjective_data",
            "objective",
            "assessment",
            "plan",
            "nrs_before",
            "nrs_after",
            "findings",
            "tests",
            "addenda",
            "created_at",
            "updated_at",
            "signed_at",
            "signed_by",
            "content_hash",
            "active_problems",
            "clearance",
        ]

    @extend_schema_field(NoteClearanceSerializer)
    def get_clearance(self, note: SessionNote) -> dict[str, Any]:
        # One lookup for a whole list of notes, kept on the outermost serializer.
        root: Any = self.root
        states: dict[int, ClearanceState] | None = getattr(root, "_clearance_states", None)
        if states is None or note.client_id not in states:
            instances = root.instance if isinstance(root, serializers.ListSerializer) else None
            client_ids = {n.client_id for n in instances or []} | {note.client_id}
            states = {**(states or {}), **get_clearance_states(sorted(client_ids))}
            root._clearance_states = states
        state = states[note.client_id]
        return {"state": state.state, "since": state.since}

    @extend_schema_field(ActiveProblemSerializer(many=True))
    def get_active_problems(self, note: SessionNote) -> Any:
        entries = getattr(note.client, selectors.ACTIVE_PROBLEMS_ATTR, None)
        if entries is None:  # a note read without ``with_note_details``
            entries = selectors.list_active_problems(note.client)
        return ActiveProblemSerializer(entries, many=True).data


class NoteCreateSerializer(serializers.Serializer[None]):
    client = IdField()
    appointment = IdField(required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=NoteKind.choices, default=NoteKind.VISIT)
    seen_at = AwareDateTimeField(required=False)


def _soap_section() -> serializers.CharField:
    return serializers.CharField(max_length=SOAP_SECTION_MAX, allow_blank=True, required=False)


class NoteUpdateSerializer(serializers.Serializer[None]):
    subjective = _soap_section()
    objective = _soap_section()
    assessment = _soap_section()
    plan = _soap_section()
    nrs_before = serializers.IntegerField(
        min_value=0, max_value=10, allow_null=True, required=False
    )
    nrs_after = serializers.IntegerField(min_value=0, max_value=10, allow_null=True, required=False)
    seen_at = AwareDateTimeField(required=False)


class FindingInputSerializer(serializers.Serializer[None]):
    muscle: SlugChoiceField[Muscle] = SlugChoiceField(
        slug_field="slug", queryset=Muscle.objects.all()
    )
    side = serializers.ChoiceField(choices=FindingSide.choices, allow_blank=True, default="")
    role = serializers.ChoiceField(choices=FindingRole.choices)
    tension = serializers.IntegerField(min_value=0, max_value=3, default=0)
    tenderness = serializers.IntegerField(min_value=0, max_value=3, default=0)
    trigger_points = serializers.BooleanField(default=False)
    comment = serializers.CharField(max_length=300, allow_blank=True, default="")


class FindingUpdateSerializer(serializers.Serializer[None]):
    side = serializers.ChoiceField(choices=FindingSide.choices, allow_blank=True, required=False)
    role = serializers.ChoiceField(choices=FindingRole.choices, required=False)
    tension = serializers.IntegerField(min_value=0, max_value=3, required=False)
    tenderness = serializers.IntegerField(min_value=0, max_value=3, required=False)
    trigger_points = serializers.BooleanField(required=False)
    comment = serializers.CharField(max_length=300, allow_blank=True, required=False)


class LinkSerializer(serializers.Serializer[None]):
    culprit = IdField()
    victim = IdField()


class TestInputSerializer(serializers.Serializer[None]):
    test = serializers.ChoiceField(choices=TestKind.choices)
    name = serializers.CharField(max_length=100, allow_blank=True, default="")
    side = serializers.ChoiceField(choices=[("left", "Left"), ("right", "Right"), ("both", "Both")])
    result = serializers.ChoiceField(choices=TestResult.choices)
    degrees = serializers.IntegerField(min_value=0, max_value=180, required=False, allow_null=True)
    comment = serializers.CharField(max_length=300, allow_blank=True, default="")


class SuggestionAcceptSerializer(serializers.Serializer[None]):
    suggestion = IdField()


class AddendumInputSerializer(serializers.Serializer[None]):
    text = serializers.CharField(max_length=SOAP_SECTION_MAX)


class IntegritySerializer(serializers.Serializer[None]):
    ok = serializers.BooleanField()
    stored = serializers.CharField()
    computed = serializers.CharField()


class TemplateSerializer(ClinicModelSerializer[NoteTemplate]):
    class Meta:
        model = NoteTemplate
        fields = ["id", "section", "title", "text"]


class CulpritVisitSerializer(serializers.Serializer[Any]):
    note = serializers.IntegerField()
    seen_at = serializers.DateTimeField()
    tension = serializers.IntegerField(min_value=0, max_value=3)
    tenderness = serializers.IntegerField(min_value=0, max_value=3)


class CulpritHistorySerializer(serializers.Serializer[Any]):
    """One culprit muscle on one side, over the client's signed visits."""

    muscle = serializers.CharField(help_text="The muscle's slug.")
    muscle_name = serializers.CharField()
    side = serializers.CharField(allow_blank=True, help_text="left, right, both or blank.")
    visits = CulpritVisitSerializer(many=True, help_text="Oldest first.")
    first_tension = serializers.IntegerField()
    last_tension = serializers.IntegerField()
    improving = serializers.BooleanField()
