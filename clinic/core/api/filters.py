from __future__ import annotations

import django_filters

from clinic.core.models import (
    AuditAction,
    AuditEvent,
    Channel,
    Client,
    FunctionalGroup,
    Muscle,
    MuscleRegion,
)


class ClientFilter(django_filters.FilterSet):
    archived = django_filters.BooleanFilter(
        field_name="archived_at", lookup_expr="isnull", exclude=True
    )
    preferred_channel = django_filters.ChoiceFilter(choices=Channel.choices)
    therapist = django_filters.NumberFilter(field_name="care_team", distinct=True)
    message_opt_in = django_filters.BooleanFilter()

    class Meta:
        model = Client
        fields = ["archived", "preferred_channel", "therapist", "message_opt_in"]


class MuscleFilter(django_filters.FilterSet):
    region = django_filters.ChoiceFilter(choices=MuscleRegion.choices)
    functional_group = django_filters.ChoiceFilter(choices=FunctionalGroup.choices)
    sided = django_filters.BooleanFilter()

    class Meta:
        model = Muscle
        fields = ["region", "functional_group", "sided"]


class AuditEventFilter(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(choices=AuditAction.choices)
    actor = django_filters.NumberFilter(field_name="actor_id")
    client = django_filters.NumberFilter(field_name="client_id")
    object_type = django_filters.CharFilter()
    object_id = django_filters.CharFilter()
    since = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="lt")

    class Meta:
        model = AuditEvent
        fields = ["action", "actor", "client", "object_type", "object_id", "since", "until"]
