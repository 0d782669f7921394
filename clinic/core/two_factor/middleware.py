"""A session that still owes its second step reaches only the sign-in pages.

The password step never signs in someone who has a second factor (see
``session``); this catches the sessions that were signed in before: the clinic
has just started to require a second factor, or the person set one up in
another browser. Staff pages and the admin send them to the code or to the
set-up; the API does not count such a session at all
(``clinic.core.api.authentication.VerifiedSessionAuthentication``).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from clinic.core.models import User
from clinic.core.two_factor.devices import Need, get_session_need

# Reached whatever the session owes: signing in and out, the second step
# itself, the API (which decides for itself), static files and the health check.
EXEMPT_PREFIXES = (
    "/accounts/",
    "/admin/login/",
    "/admin/logout/",
    "/api/",
    "/static/",
    "/healthz",
)


class TwoFactorMiddleware:
    """Install after ``django_otp.middleware.OTPMiddleware``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(EXEMPT_PREFIXES):
            user = request.user
            if user.is_authenticated and isinstance(user, User):
                need = get_session_need(user)
                if need is not Need.NOTHING:
                    target = "two-factor" if need is Need.CODE else "two-factor-setup"
                    query = urlencode({"next": request.get_full_path()})
                    return HttpResponseRedirect(f"{reverse(target)}?{query}")
        return self.get_response(request)
