"""A channel this worker process could not reach is left alone for a while.

When a send fails because the service cannot be reached (connection refused,
no answer in time), the next message to it would most likely wait out the
same timeout. So the process notes the channel as paused for
``NOTIFICATIONS_CHANNEL_PAUSE_SECONDS``; meanwhile its send tasks for that
channel give their rows back (no attempt counted) instead of each waiting for
a timeout, and the worker stays free for the other queues. After the pause
one message tries again.

The note is this process's own: nothing to share, nothing to clean up, and a
worker on another machine that can reach the service is not held back.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

_paused_until: dict[str, datetime] = {}


def pause(channel: str, *, now: datetime) -> datetime:
    """Leave ``channel`` alone in this process until the returned instant."""
    until = now + timedelta(seconds=settings.NOTIFICATIONS_CHANNEL_PAUSE_SECONDS)
    _paused_until[channel] = until
    return until


def paused_until(channel: str, *, now: datetime) -> datetime | None:
    """When ``channel`` may be tried again, or None when it may be tried now."""
    until = _paused_until.get(channel)
    if until is None or until <= now:
        _paused_until.pop(channel, None)
        return None
    return until


def clear() -> None:
    """Forget every pause (a test's fresh start)."""
    _paused_until.clear()
