"""The second factor of an API sign-in (the staff pages use ``views``)."""

from __future__ import annotations

from django.http import HttpRequest

from clinic.core.errors import InvalidInput, SecondFactorRequired, SecondFactorSetupRequired
from clinic.core.models import User
from clinic.core.two_factor.devices import (
    WRONG_CODE,
    CodeKind,
    Need,
    get_sign_in_need,
    verify_second_factor,
)
from clinic.core.two_factor.lockout import record_failed_code


def check_second_factor(
    request: HttpRequest, *, user: User, username: str, otp: str = "", recovery_code: str = ""
) -> bool:
    """After the right password: whether the sign-in passed a second factor
    (False for someone who has none and needs none). Raises when one is
    needed and missing (400), wrong (400, counted as a failed sign-in, so
    the limit answers 429), or not set up although the clinic requires it (403)."""
    need = get_sign_in_need(user)
    if need is Need.SETUP:
        raise SecondFactorSetupRequired()
    if need is Need.NOTHING:
        return False
    by_recovery = bool(recovery_code)
    field = "recovery_code" if by_recovery else "otp"
    kind: CodeKind = "recovery" if by_recovery else "app"
    code = recovery_code if by_recovery else otp
    if not code:
        raise SecondFactorRequired(
            fields={"otp": ["Enter the 6-digit code from your authenticator app."]}
        )
    if verify_second_factor(user=user, code=code, kind=kind) is None:
        record_failed_code(request, username=username)
        raise InvalidInput(fields={field: [WRONG_CODE]})
    return True
