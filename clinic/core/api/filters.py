"""Filtering for list endpoints, under the same input policy as serializers:
ids are whole numbers, dates fall between 1900 and 2200, datetimes carry a
UTC offset. ``ClinicFilterBackend`` (DEFAULT_FILTER_BACKENDS) builds the
filters of a view's ``filterset_fields`` from ``ClinicFilterSet``, so even an
automatic filter follows the policy; hand-written filter sets subclass it."""

from __future__ import annotations

from copy import deepcopy
from datetime import datetime
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django_filters import fields as filter_fields
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.rest_framework import FilterSet as RestFilterSet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from clinic.core.api.fields import ID_MESSAGE, MAX_ID, parse_aware_datetime, whole_number_id
from clinic.core.models import (
    AuditAction,
    AuditEvent,
    Channel,
    Client,
    FunctionalGroup,
    Muscle,
    MuscleRegion,
)
from clinic.core.validators import validate_sane_date


def _check_id(value: Any) -> int:
    number = whole_number_id(value)
    if number is None or not 1 <= number <= MAX_ID:
        raise ValidationError(ID_MESSAGE, code="invalid")
    return number


def _has_integer_key(queryset: Any, to_field_name: str | None) -> bool:
    field = queryset.model._meta.get_field(to_field_name) if to_field_name else None
    field = field or queryset.model._meta.pk
    return isinstance(field, (models.IntegerField, models.AutoField))


class IdFormField(forms.Field):
    """A query parameter naming an object by its id."""

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        return _check_id(value.strip() if isinstance(value, str) else value)


class AwareDateTimeFormField(forms.Field):
    def to_python(self, value: Any) -> datetime | None:
        if value in self.empty_values:
            return None
        return parse_aware_datetime(value)


class SaneDateFormField(forms.DateField):
    default_validators = [validate_sane_date]


class StrictModelChoiceField(filter_fields.ModelChoiceField):
    def to_python(self, value: Any) -> Any:
        if (
            value not in self.empty_values
            and not (self.null_label is not None and value == self.null_value)
            and _has_integer_key(self.queryset, self.to_field_name)
        ):
            _check_id(value)
        return super().to_python(value)


class StrictModelMultipleChoiceField(filter_fields.ModelMultipleChoiceField):
    def _check_values(self, value: Any) -> Any:
        if _has_integer_key(self.queryset, self.to_field_name):
            for item in value:
                if not (self.null_label is not None and item == self.null_value):
                    _check_id(item)
        return super()._check_values(value)


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    field_class = IdFormField


@extend_schema_field(OpenApiTypes.DATETIME)
class AwareDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = AwareDateTimeFormField


@extend_schema_field(OpenApiTypes.DATE)
class SaneDateFilter(django_filters.DateFilter):
    field_class = SaneDateFormField


class StrictModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = StrictModelChoiceField


class StrictModelMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = StrictModelMultipleChoiceField


def _strict_defaults() -> dict[Any, dict[str, Any]]:
    defaults: dict[Any, dict[str, Any]] = deepcopy(RestFilterSet.FILTER_DEFAULTS)
    defaults[models.AutoField] = {"filter_class": IdFilter}
    defaults[models.BigAutoField] = {"filter_class": IdFilter}
    defaults[models.DateField] = {"filter_class": SaneDateFilter}
    defaults[models.DateTimeField] = {"filter_class": AwareDateTimeFilter}
    for field_class, entry in list(defaults.items()):
        if entry["filter_class"] is django_filters.ModelChoiceFilter:
            defaults[field_class] = {**entry, "filter_class": StrictModelChoiceFilter}
        elif entry["filter_class"] is django_filters.ModelMultipleChoiceFilter:
            defaults[field_class] = {**entry, "filter_class": StrictModelMultipleChoiceFilter}
    return defaults


class ClinicFilterSet(RestFilterSet):
    """The base of every filter set: automatic filters follow the input policy."""

    FILTER_DEFAULTS = _strict_defaults()


class ClinicFilterBackend(DjangoFilterBackend):
    filterset_base = ClinicFilterSet


# --- The core's own filters ------------------------------------------------------


class ClientFilter(ClinicFilterSet):
    archived = django_filters.BooleanFilter(
        field_name="archived_at", lookup_expr="isnull", exclude=True
    )
    preferred_channel = django_filters.ChoiceFilter(choices=Channel.choices)
    therapist = IdFilter(field_name="care_team", distinct=True)
    message_opt_in = django_filters.BooleanFilter()

    class Meta:
        model = Client
        fields = ["archived", "preferred_channel", "therapist", "message_opt_in"]


class MuscleFilter(ClinicFilterSet):
    region = django_filters.ChoiceFilter(choices=MuscleRegion.choices)
    functional_group = django_filters.ChoiceFilter(choices=FunctionalGroup.choices)
    sided = django_filters.BooleanFilter()

    class Meta:
        model = Muscle
        fields = ["region", "functional_group", "sided"]


class AuditEventFilter(ClinicFilterSet):
    action = django_filters.ChoiceFilter(choices=AuditAction.choices)
    actor = IdFilter(field_name="actor_id")
    client = IdFilter(field_name="client_id")
    object_type = django_filters.CharFilter(max_length=100)
    object_id = django_filters.CharFilter(max_length=64)
    since = AwareDateTimeFilter(field_name="at", lookup_expr="gte")
    until = AwareDateTimeFilter(field_name="at", lookup_expr="lt")

    class Meta:
        model = AuditEvent
        fields = ["action", "actor", "client", "object_type", "object_id", "since", "until"]
