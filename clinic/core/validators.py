"""Field validators shared by models and serializers."""

from __future__ import annotations

import re
import zoneinfo
from functools import lru_cache

import phonenumbers
from django.core.exceptions import ValidationError

_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value: str) -> None:
    """Accept only IANA zone names such as Europe/Berlin."""
    if value not in _zones():
        raise ValidationError(
            "%(value)s is not a known time zone; use an IANA name such as Europe/Berlin.",
            code="invalid_timezone",
            params={"value": value},
        )


def normalize_phone(value: str) -> str:
    """Return the number in E.164 (+4915112345678) or raise ValidationError."""
    raw = (value or "").strip()
    try:
        parsed = phonenumbers.parse(raw, None)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            "Enter the number in international form, starting with + and the country code.",
            code="invalid_phone",
        ) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError("This is not a valid phone number.", code="invalid_phone")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def validate_e164(value: str) -> None:
    """A stored phone number must already be in E.164 form."""
    if normalize_phone(value) != value:
        raise ValidationError(
            "Store phone numbers in E.164 form, e.g. +4915112345678.", code="invalid_phone"
        )


def validate_colour(value: str) -> None:
    if not _COLOUR.match(value or ""):
        raise ValidationError("Use a colour such as #3366CC.", code="invalid_colour")
