"""Rate limits keyed by the client address of ``clinic.core.net``.

DRF's own ``get_ident`` believes the first ``X-Forwarded-For`` entry whenever
``NUM_PROXIES`` is unset, so a caller who changes that header gets a fresh
allowance each time. Ours ask the one function that knows how many proxies
we trust; signed-in callers are counted by user, as in DRF.
"""

from __future__ import annotations

from rest_framework import throttling
from rest_framework.request import Request

from clinic.core.net import client_address


class ClientAddressMixin:
    def get_ident(self, request: Request) -> str:
        return client_address(request) or "unknown"


class LoginRateThrottle(ClientAddressMixin, throttling.ScopedRateThrottle):
    """Sign-in attempts per client address (scope ``login``)."""


class AnonRateThrottle(ClientAddressMixin, throttling.AnonRateThrottle):
    """Requests without a sign-in, per client address (rate ``anon``)."""


class UserRateThrottle(ClientAddressMixin, throttling.UserRateThrottle):
    """Requests per signed-in user (rate ``user``); per address when anonymous."""
