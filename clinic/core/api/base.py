"""API plumbing every app's views build on: who is asking, and querysets that
are already scoped to them."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.db.models import Model, QuerySet
from rest_framework.request import Request

from clinic.core.models import User

M = TypeVar("M", bound=Model)


def request_user(request: Request) -> User:
    """The signed-in user of an API request. Every view that calls it is behind
    a permission class that has already refused anonymous callers."""
    user = request.user
    assert isinstance(user, User)
    return user


class ScopedQuerysetMixin(Generic[M]):
    """Querysets come from a selector scoped to the caller; the schema generator
    (which has no caller) gets an empty queryset of the right model."""

    model: type[M]
    request: Any

    def scoped_queryset(self, user: User) -> QuerySet[M]:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet[M]:
        if getattr(self, "swagger_fake_view", False):
            return self.model._default_manager.none()
        return self.scoped_queryset(request_user(self.request))
