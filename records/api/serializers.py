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


class TimelineSerializer(serializers.Serializer[Any]):
    client = TimelineClientSerializer()
    items = TimelineItemSerializer(many=True, help_text="Oldest first.")
    pain = TimelinePainSerializer(many=True)
    culprits = CulpritHistorySerializer(many=True)
    homework = TimelineHomeworkSerializer(
        allow_null=True, help_text="The live plan's adherence and recent alerts, if any."
    )
