"""The half-finished sign-in: the password was right, the second step is to come.

Until the code (or the set-up of an app) is done, nobody is signed in: the
session holds only who is on their way in, for ``CLINIC_TWO_FACTOR_STEP_SECONDS``.
Nothing that checks ``request.user`` sees them, and ``user_logged_in`` (which
resets the lockout count) fires only when the sign-in completes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import django_otp
from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from django_otp.models import Device

from clinic.core.models import User
from clinic.core.two_factor.devices import Need

PENDING_KEY = "clinic_two_factor_pending"


@dataclass(frozen=True)
class Pending:
    user: User
    backend: str
    need: Need


def begin_pending(request: HttpRequest, *, user: User, need: Need) -> None:
    """Remember that ``user`` gave the right password and still owes ``need``."""
    backend = getattr(user, "backend", None) or settings.AUTHENTICATION_BACKENDS[-1]
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": backend,
        "need": str(need),
        "since": time.time(),
        # A password change in between ends the half-finished sign-in.
        "auth": user.get_session_auth_hash(),
    }


def get_pending(request: HttpRequest) -> Pending | None:
    """Who is half-way through signing in, if it is still recent enough."""
    data: Any = request.session.get(PENDING_KEY)
    if not isinstance(data, dict):
        return None
    age = time.time() - float(data.get("since", 0))
    user = User.objects.filter(pk=int(data.get("user") or 0), is_active=True).first()
    if (
        age < 0
        or age > settings.CLINIC_TWO_FACTOR_STEP_SECONDS
        or user is None
        or not constant_time_compare(str(data.get("auth", "")), user.get_session_auth_hash())
        or data.get("need") not in (Need.CODE, Need.SETUP)
    ):
        clear_pending(request)
        return None
    return Pending(user=user, backend=str(data["backend"]), need=Need(data["need"]))


def clear_pending(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)


def complete_sign_in(request: HttpRequest, *, pending: Pending, device: Device) -> None:
    """The second step is done: sign the person in, verified by ``device``."""
    clear_pending(request)
    login(request, pending.user, backend=pending.backend)
    django_otp.login(request, device)


def mark_verified(request: HttpRequest, *, device: Device) -> None:
    """A signed-in session passed its second step (a new session key, as at sign-in)."""
    request.session.cycle_key()
    django_otp.login(request, device)
