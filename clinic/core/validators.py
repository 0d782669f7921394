"""Field validators shared by models and serializers."""

from __future__ import annotations

import re
import zoneinfo
from datetime import date, datetime, timedelta
from functools import lru_cache

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils import timezone

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


# --- Dates and times people type ------------------------------------------------
# One policy for every date and time that comes in (API fields, filters, query
# parameters, admin forms): a clinic's records fall between these dates, and
# an offset beyond +-15:59 is not a real place's (and PostgreSQL refuses it).
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2200, 12, 31)
MAX_UTC_OFFSET = timedelta(hours=15, minutes=59)


def validate_sane_date(value: date) -> None:
    """A date between 1900-01-01 and 2200-12-31."""
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(
            "Give a date between %(earliest)s and %(latest)s.",
            code="date_out_of_range",
            params={"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
        )


def validate_aware_datetime(value: datetime) -> None:
    """A time with its UTC offset (at most +-15:59), on a date the policy allows."""
    offset = value.utcoffset()
    if offset is None:
        raise ValidationError("Give a time with its UTC offset.", code="naive_datetime")
    if abs(offset) > MAX_UTC_OFFSET:
        raise ValidationError(
            "Give a UTC offset between -15:59 and +15:59.", code="offset_out_of_range"
        )
    validate_sane_date(value.date())


def validate_date_of_birth(value: date) -> None:
    """A date of birth is in the past, and not before 1900."""
    if value < EARLIEST_DATE:
        raise ValidationError(
            "Give a date of birth after %(earliest)s.",
            code="date_of_birth_too_early",
            params={"earliest": EARLIEST_DATE.isoformat()},
        )
    if value > timezone.localdate():
        raise ValidationError(
            "A date of birth cannot be in the future.", code="date_of_birth_future"
        )


def validate_no_nul(value: str) -> None:
    """Text with a NUL character (\\x00) in it is refused: no database stores it."""
    if "\x00" in value:
        raise ValidationError("Remove the NUL character (\\x00) from this.", code="null_characters")
