"""A wrong second-factor code is a failed sign-in, as a wrong password is.

Both go through django-axes, keyed by username and client address
(``AXES_LOCKOUT_PARAMETERS``), so five wrong codes lock the sign-in out just
like five wrong passwords, and switching between the two does not help: the
count is only reset by a sign-in that completes.
"""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest


def is_locked_out(request: HttpRequest, *, username: str) -> bool:
    """Whether sign-in for this username from this address is paused."""
    return bool(AxesProxyHandler.is_locked(request, {"username": username}))


def record_failed_code(request: HttpRequest, *, username: str) -> bool:
    """Count a wrong code against the sign-in; True when it has now locked it
    out (``AxesMiddleware`` then answers with the lockout page or error)."""
    # Django's own "a sign-in failed" signal, which django-axes counts: the
    # same path a wrong password takes inside ``authenticate``.
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
    return bool(getattr(request, "axes_locked_out", False))
