"""Shapes of the timeline API (documentation of what ``records.timeline.build``
returns; the items differ by type, so each is described by its common keys)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from homework.api.serializers import AdherenceSerializer
from notes.api.serializers import CulpritHistorySerializer


class TimelineClientSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class TimelineItemSerializer(serializers.Serializer[Any]):
    """An intake form, an Oswestry form or a note; more keys by type (a note's
    are under ``note``, as in the notes API)."""

    type = serializers.ChoiceField(choices=["intake", "odi", "note"])
    at = serializers.DateTimeField()
    id = serializers.IntegerField()


class TimelinePainSerializer(serializers.Serializer[Any]):
    at = serializers.DateTimeField()
    score = serializers.IntegerField()
    # A field called "source" shadows Field.source for the type checker only.
    source = serializers.CharField()  # type: ignore[assignment]


class TimelineAlertSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    raised_on = serializers.DateField()
    detail = serializers.JSONField()


class TimelineHomeworkSerializer(serializers.Serializer[Any]):
    plan = serializers.IntegerField(allow_null=True)
    adherence = AdherenceSerializer(allow_null=True)
    alerts = TimelineAlertSerializer(many=True)


class TimelineClearanceRecordSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=["referred", "cleared"])
    recorded_at = serializers.DateTimeField()
    recorded_by = serializers.CharField(help_text="Blank when an intake form opened it.")
    automatic = serializers.BooleanField()
    clinician_name = serializers.CharField()
    cleared_on = serializers.DateField(allow_null=True)
    note = serializers.CharField()
    document = serializers.IntegerField(allow_null=True)


class TimelineClearanceSerializer(serializers.Serializer[Any]):
    state = serializers.ChoiceField(choices=["none", "referred", "cleared"])
    since = serializers.DateTimeField(allow_null=True)
    history = TimelineClearanceRecordSerializer(many=True, help_text="Newest first (20 at most).")


class TimelineSerializer(serializers.Serializer[Any]):
    client = TimelineClientSerializer()
    items = TimelineItemSerializer(many=True, help_text="Oldest first.")
    pain = TimelinePainSerializer(many=True)
    culprits = CulpritHistorySerializer(many=True)
    homework = TimelineHomeworkSerializer(
        allow_null=True, help_text="The live plan's adherence and recent alerts, if any."
    )
    clearance = TimelineClearanceSerializer(
        help_text="Red-flag clearance: referred to a doctor and not yet cleared, or cleared."
    )
