"""The workspace's navigation, by role (a template context processor)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from clinic.core.models import Role

# (URL name, label, roles that see it), in the order the bar shows them.
NAV = [
    ("workspace:day", "Day", (Role.OWNER, Role.FRONT_DESK)),
    ("workspace:my-day", "My day", (Role.OWNER, Role.THERAPIST)),
    ("workspace:waitlist", "Waitlist", (Role.OWNER, Role.FRONT_DESK)),
    ("workspace:reports", "Reports", (Role.OWNER, Role.FRONT_DESK)),
    ("two-factor-settings", "Two-step sign-in", (Role.OWNER, Role.FRONT_DESK, Role.THERAPIST)),
]


def workspace_nav(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "is_clinic_staff", False):
        return {}
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else ""
    items = []
    for name, label, roles in NAV:
        if user.role not in roles:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:  # a page this installation does not have
            continue
        items.append({"url": url, "label": label, "current": name == current})
    return {"workspace_nav": items}
