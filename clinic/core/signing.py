"""Signed links: the one way we make and read the tokens in links we send.

Each purpose has its own salt, so a token made for one purpose (an intake
form) is worthless for another (a waitlist offer). The salts are the ones the
links have always used: changing one would break every link already sent.
"""

from __future__ import annotations

import enum
from datetime import timedelta
from typing import Any

from django.core import signing


class Purpose(enum.StrEnum):
    """What a signed link is for; the value is its salt."""

    UNSUBSCRIBE = "clinic.notifications.unsubscribe"
    INTAKE_FORM = "intake.invitation"
    WAITLIST_OFFER = "scheduling.waitlist.offer"
    HOMEWORK_PLAN = "homework.plan"
    HOMEWORK_REPLY = "homework.reply"


def make_token(purpose: Purpose, payload: dict[str, Any]) -> str:
    """A URL-safe token carrying ``payload`` (small JSON values), signed for ``purpose``."""
    return signing.dumps(payload, salt=purpose.value, compress=True)


def read_token(
    purpose: Purpose, token: str, *, max_age: timedelta | None = None
) -> dict[str, Any] | None:
    """The payload of a token made for ``purpose``; None when it is forged,
    garbled, made for another purpose, or older than ``max_age``."""
    try:
        data = signing.loads(token, salt=purpose.value, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired is one too
        return None
    return data if isinstance(data, dict) else None
