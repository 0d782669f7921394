"""Role checks for views. Which objects a role reaches is decided by the
selectors' scoped querysets; these classes decide which actions a role may try."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from clinic.core.models import Role

ALL_ROLES = frozenset(Role.values)
STAFF = frozenset({Role.OWNER, Role.THERAPIST, Role.FRONT_DESK})
DESK = frozenset({Role.OWNER, Role.FRONT_DESK})
OWNER = frozenset({Role.OWNER})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class RolePolicy(BasePermission):
    """Allow the action when the caller's role is listed for it.

    A view declares ``roles = {"list": ALL_ROLES, "create": DESK, ...}`` keyed by
    viewset action, or by HTTP method for plain API views; ``"*"`` is the fallback.
    A user who belongs to no clinic is never allowed.
    """

    message = "Your role does not allow this."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if getattr(user, "clinic_id", None) is None:
            return False
        policy: dict[str, Iterable[str]] = getattr(view, "roles", {})
        key = getattr(view, "action", None) or request.method or ""
        allowed = policy.get(key)
        if allowed is None and request.method in SAFE_METHODS:
            allowed = policy.get("read")
        if allowed is None:
            allowed = policy.get(request.method or "", policy.get("*", ()))
        return user.role in allowed
