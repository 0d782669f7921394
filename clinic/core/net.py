"""Who is calling: the one place that decides a request's client address.

Throttling (DRF), the sign-in lockout (django-axes), the audit trail and the
request context all ask ``client_address``, so they always agree.

Behind ``CLINIC_TRUSTED_PROXIES`` = N reverse proxies, each proxy appends the
address it received the request from to ``X-Forwarded-For``; the N-th entry
from the right is therefore the address our outermost proxy saw, and anything
to the left of it was written by the caller and is ignored. With N = 0 (the
default, and the only safe value when the app is reachable directly) the header
is ignored altogether and ``REMOTE_ADDR`` decides.
"""

from __future__ import annotations

import ipaddress
from typing import Protocol

from django.conf import settings


class HasMeta(Protocol):
    """A Django ``HttpRequest`` or a DRF ``Request`` (which proxies ``META``)."""

    @property
    def META(self) -> dict[str, str]: ...


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request: HasMeta) -> str | None:
    """The caller's IP address as our own proxies saw it (never a value the
    caller could choose). ``None`` only when the server gives no address."""
    remote = _valid_ip(request.META.get("REMOTE_ADDR", "") or "")
    proxies = max(int(getattr(settings, "CLINIC_TRUSTED_PROXIES", 0)), 0)
    if proxies == 0:
        return remote
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if len(forwarded) < proxies:
        # Fewer entries than proxies: the request did not come through all of
        # them, so nothing in the header can be trusted.
        return remote
    # A proxy of ours wrote this entry; if it is not an address, the peer
    # (our proxy) is the most we know.
    return _valid_ip(forwarded[-proxies]) or remote
