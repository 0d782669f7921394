"""Who may open a workspace page: signed-in clinic staff, by role.

Pages reach rows through the same selectors and services as the API, so a
page never shows what the API would hide; this only decides who gets in."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from clinic.core.models import Role, User

DESK = (Role.OWNER, Role.FRONT_DESK)
TREATING = (Role.OWNER, Role.THERAPIST)
STAFF = (Role.OWNER, Role.FRONT_DESK, Role.THERAPIST)

View = Callable[..., HttpResponse]


def staff_page(*roles: str) -> Callable[[View], View]:
    """Only signed-in staff of these roles (all staff when none are named):
    others signed in get 403, strangers the sign-in page."""
    allowed = roles or STAFF

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            assert isinstance(user, User)
            if user.role not in allowed or user.clinic_id is None:
                raise PermissionDenied("This page is for other members of the staff.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def role_home(user: User) -> str:
    """The URL name of the page a member of staff starts the day on."""
    if user.role == Role.THERAPIST:
        return "workspace:my-day"
    return "workspace:day"
