"""Badges the day view shows per client (intake status, red flag), supplied by
other apps: each provider answers for many clients in one query."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

BadgeProvider = Callable[[list[int]], dict[int, dict[str, Any]]]
_providers: list[BadgeProvider] = []


def register_client_badges(provider: BadgeProvider) -> BadgeProvider:
    _providers.append(provider)
    return provider


def client_badges(client_ids: list[int]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {cid: {} for cid in client_ids}
    for provider in _providers:
        for client_id, badges in provider(client_ids).items():
            out.setdefault(client_id, {}).update(badges)
    return out
