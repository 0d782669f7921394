"""Serializer fields shared by every app's API, and the input policy they
apply: every datetime carries a UTC offset (at most +-15:59) and falls between
1900 and 2200, every date too, every id is a whole number, every text has a
length limit. ``ClinicModelSerializer`` makes them the default for model
serializers; input serializers name them."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, TypeVar, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clinic.core.validators import (
    normalize_phone,
    validate_aware_datetime,
    validate_date_of_birth,
    validate_sane_date,
    validate_timezone,
)

_M = TypeVar("_M", bound=models.Model)

# Ids are BigAutoField values: 1 .. 2**63 - 1, written as digits.
MAX_ID = 2**63 - 1
_ID_DIGITS = re.compile(r"[0-9]{1,19}")
# Nothing longer than this can be an ISO 8601 date or time; refused unparsed.
_MAX_TEMPORAL_TEXT = 64

ID_MESSAGE = "Give a whole-number id, such as 12."
DATETIME_MESSAGE = "Give a date and time with its UTC offset, such as 2026-06-01T09:30:00+02:00."


def whole_number_id(value: Any) -> int | None:
    """``value`` as an id if it is one (an int, or a string of digits), else None.

    1.5, "1.5", "1e0", True and " 1" are not ids; 0 and numbers beyond a
    bigint come back as they are, for the caller to find no such object."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _ID_DIGITS.fullmatch(value):
        return int(value)
    return None


def parse_aware_datetime(value: Any) -> datetime:
    """An ISO 8601 time with its offset, checked against the policy; raises
    Django's ValidationError naming what is wrong."""
    parsed: datetime | None = None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and len(value) <= _MAX_TEMPORAL_TEXT:
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:  # an offset of 24 hours or more, a 31 February
            parsed = None
    if parsed is None:
        raise DjangoValidationError(DATETIME_MESSAGE, code="invalid")
    validate_aware_datetime(parsed)
    return parsed


def _drf_error(exc: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(exc.messages, code=exc.code)


@extend_schema_field(OpenApiTypes.DATETIME)
class AwareDateTimeField(serializers.DateTimeField):
    """A datetime that must carry its UTC offset; stored as the same instant."""

    default_error_messages = {"invalid": DATETIME_MESSAGE}

    def to_internal_value(self, value: Any) -> datetime:
        try:
            parsed = parse_aware_datetime(value)
        except DjangoValidationError as exc:
            raise _drf_error(exc) from exc
        return self.enforce_timezone(parsed)


@extend_schema_field(OpenApiTypes.DATE)
class SaneDateField(serializers.DateField):
    """A calendar date between 1900-01-01 and 2200-12-31."""

    default_error_messages = {"invalid": "Give a date such as 2026-06-01."}

    def to_internal_value(self, value: Any) -> date:
        if isinstance(value, str) and len(value) > _MAX_TEMPORAL_TEXT:
            self.fail("invalid")
        parsed = super().to_internal_value(value)
        try:
            validate_sane_date(parsed)
        except DjangoValidationError as exc:
            raise _drf_error(exc) from exc
        return parsed


class DateOfBirthField(SaneDateField):
    """A date of birth: in the past, and not before 1900."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validators", [validate_date_of_birth])
        super().__init__(**kwargs)


class IdField(serializers.IntegerField):
    """The id of something, given as a whole number (12 or "12", never 12.0)."""

    default_error_messages = {"invalid": ID_MESSAGE}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> int:
        number = whole_number_id(data)
        if number is None:
            self.fail("invalid")
        return number


@extend_schema_field(OpenApiTypes.INT)
class StrictPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField[_M]):
    """A related object by its id: 1.5 or "1e0" is refused, not rounded to 1."""

    default_error_messages = {
        "incorrect_type": ID_MESSAGE,
        "does_not_exist": "There is no such item (id {pk_value}).",
    }

    def to_internal_value(self, data: Any) -> _M:
        number = whole_number_id(data)
        if number is None:
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 1 <= number <= MAX_ID:
            self.fail("does_not_exist", pk_value=number)
        return super().to_internal_value(cast(Any, number))


class SlugChoiceField(serializers.SlugRelatedField[_M]):
    """A related object by its slug (writable): a value longer than the model's
    slug field is refused before any lookup, and the schema says how long."""

    default_error_messages = {
        "too_long": "Give at most {max_length} characters.",
        "does_not_exist": "There is no such item.",
        "nul": "Remove the NUL character (\\x00) from this field.",
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        assert self.queryset is not None, "SlugChoiceField is for input; give a queryset."
        model_field = self.queryset.model._meta.get_field(self.slug_field)
        self.max_length: int = getattr(model_field, "max_length", None) or 100
        extend_schema_field({"type": "string", "maxLength": self.max_length})(cast(Any, self))

    def to_internal_value(self, data: Any) -> _M:
        if isinstance(data, str) and len(data) > self.max_length:
            self.fail("too_long", max_length=self.max_length)
        if isinstance(data, str) and "\x00" in data:
            # The parsers refuse NUL already; a form Django parsed first (a signed-in
            # browser's CSRF check) reaches here unparsed by them.
            self.fail("nul")
        return super().to_internal_value(data)


class ClinicModelSerializer(serializers.ModelSerializer[_M]):
    """Model serializers with the project's input policy as their defaults."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: AwareDateTimeField,
        models.DateField: SaneDateField,
    }
    serializer_related_field = StrictPrimaryKeyRelatedField


class PhoneField(serializers.CharField):
    """Accepts +44 20 7946 0958 or +442079460958; stores E.164. Blank stays blank."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if value == "":
            return value
        try:
            return normalize_phone(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class TimeZoneField(serializers.CharField):
    """An IANA zone name such as America/New_York."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if value == "" and self.allow_blank:
            return value
        try:
            validate_timezone(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return value
