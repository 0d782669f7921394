"""Second factors of staff: who needs one, enrolment, checking a code,
recovery codes and turning it off.

Codes are checked through ``django_otp.verify_token``, which locks the device
row and records the attempt in its own transaction: the device's throttle
(a wait that doubles after each wrong code) and a used recovery code stay
recorded even when the caller then refuses the request. That is why the
services below check the code first and only then open their transaction.
"""

from __future__ import annotations

import enum
from base64 import b32encode
from dataclasses import dataclass
from typing import Literal

import django_otp
from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.core.accounts import revoke_api_tokens
from clinic.core.audit import record_audit
from clinic.core.errors import Conflict, InvalidInput, NotAllowed
from clinic.core.models import AuditAction, Clinic, User

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
WRONG_CODE = "That code is not right. Please check it and try again."
CodeKind = Literal["app", "recovery", "any"]


class Need(enum.StrEnum):
    """What a signed-in person still owes before they reach the staff pages."""

    NOTHING = "nothing"
    CODE = "code"  # has a second factor: enter a code
    SETUP = "setup"  # the clinic requires one and they have none: set it up


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    recovery_codes: list[str]


# --- reads --------------------------------------------------------------------------


def may_use_two_factor(user: User) -> bool:
    """Staff (owner, front desk, therapists) and admin users can set one up."""
    return bool(
        user.is_authenticated and (user.is_clinic_staff or user.is_staff or user.is_superuser)
    )


def has_two_factor(user: User) -> bool:
    """Whether the user has a confirmed authenticator app."""
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def is_two_factor_required_for(user: User) -> bool:
    """Whether the user's clinic requires a second factor of its staff."""
    if not user.is_clinic_staff or user.clinic_id is None:
        return False
    return Clinic.objects.filter(pk=user.clinic_id, require_two_factor_for_staff=True).exists()


def get_sign_in_need(user: User) -> Need:
    """What a sign-in with the right password still needs."""
    if not may_use_two_factor(user):
        return Need.NOTHING
    if has_two_factor(user):
        return Need.CODE
    if is_two_factor_required_for(user):
        return Need.SETUP
    return Need.NOTHING


def get_session_need(user: User) -> Need:
    """What a signed-in session still owes (``OTPMiddleware`` has run)."""
    if not user.is_authenticated:
        return Need.NOTHING
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return Need.NOTHING
    return get_sign_in_need(user)


def get_unconfirmed_app(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).order_by("-id").first()


def count_recovery_codes(user: User) -> int:
    return StaticToken.objects.filter(device__user_id=user.pk, device__confirmed=True).count()


def secret_for_people(device: TOTPDevice) -> str:
    """The device's secret as an authenticator app asks for it, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def normalise_code(code: str) -> str:
    """Codes as people type them: spaces and hyphens dropped, any case."""
    return "".join(code.split()).replace("-", "").lower()


def format_recovery_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


# --- checking a code ----------------------------------------------------------------------


def verify_second_factor(*, user: User, code: str, kind: CodeKind = "any") -> Device | None:
    """The device that accepts ``code`` (a code from the app, or an unused
    recovery code, which is then used up), or None. Each wrong code makes that
    device wait longer before the next try (django-otp's throttle)."""
    code = normalise_code(code)
    if not code:
        return None
    looks_like_app_code = code.isdigit()
    devices: list[Device] = []
    if kind in ("app", "any") and (kind == "app" or looks_like_app_code):
        devices += list(TOTPDevice.objects.filter(user_id=user.pk, confirmed=True))
    if kind in ("recovery", "any") and (kind == "recovery" or not looks_like_app_code):
        devices += list(StaticDevice.objects.filter(user_id=user.pk, confirmed=True))
    for device in devices:
        verified = django_otp.verify_token(user, device.persistent_id, code)
        if verified is not None:
            if isinstance(verified, StaticDevice):
                record_audit(
                    actor=user,
                    action=AuditAction.UPDATE,
                    obj=user,
                    detail={"two_factor": "recovery code used", "left": count_recovery_codes(user)},
                )
            return verified
    return None


# --- enrolment and changes ------------------------------------------------------------------


@transaction.atomic
def start_app_enrolment(*, user: User) -> TOTPDevice:
    """A new (unconfirmed) authenticator-app secret for the user, or the one
    they were already setting up."""
    if not may_use_two_factor(user):
        raise NotAllowed()
    if has_two_factor(user):
        raise Conflict("An authenticator app is already set up.")
    device = get_unconfirmed_app(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def confirm_app_enrolment(*, user: User, code: str) -> Enrolment:
    """The first code from the app proves it holds the secret: the app is
    confirmed, ten recovery codes are made (shown once), and API tokens issued
    without a second factor stop working."""
    device = get_unconfirmed_app(user)
    if device is None or has_two_factor(user):
        raise Conflict("Please start setting up the authenticator app again.")
    if django_otp.verify_token(user, device.persistent_id, normalise_code(code)) is None:
        raise InvalidInput(fields={"code": [WRONG_CODE]})
    return _complete_enrolment(user=user, device=device)


@transaction.atomic
def _complete_enrolment(*, user: User, device: TOTPDevice) -> Enrolment:
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
    device.confirmed = True
    TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).delete()
    codes = _new_recovery_codes(user)
    revoked = revoke_api_tokens(user=user, only_without_second_factor=True)
    record_audit(
        actor=user,
        action=AuditAction.UPDATE,
        obj=user,
        detail={"two_factor": "set up", "api_tokens_revoked": revoked},
    )
    return Enrolment(device=device, recovery_codes=codes)


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user_id=user.pk).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return sorted(codes)


def replace_recovery_codes(*, user: User, code: str) -> list[str]:
    """Ten new recovery codes for the old ones (a current app code is needed)."""
    if verify_second_factor(user=user, code=code, kind="app") is None:
        raise InvalidInput(fields={"code": [WRONG_CODE]})
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        record_audit(
            actor=user,
            action=AuditAction.UPDATE,
            obj=user,
            detail={"two_factor": "new recovery codes"},
        )
    return codes


def turn_off_two_factor(*, user: User, code: str) -> None:
    """Remove the app and the recovery codes (a current code is needed). If the
    clinic requires a second factor, the next page asks to set one up again."""
    if verify_second_factor(user=user, code=code) is None:
        raise InvalidInput(fields={"code": [WRONG_CODE]})
    with transaction.atomic():
        TOTPDevice.objects.filter(user_id=user.pk).delete()
        StaticDevice.objects.filter(user_id=user.pk).delete()
        record_audit(
            actor=user, action=AuditAction.UPDATE, obj=user, detail={"two_factor": "turned off"}
        )
