"""The sweep: claim due rows under a lease, for the send tasks."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from clinic.notifications.models import Notification, NotificationStatus

logger = logging.getLogger(__name__)

Status = NotificationStatus


@dataclass(frozen=True)
class Claim:
    """Rows put under one lease by one sweep, to be handed to send tasks."""

    ids: list[int]
    token: str
    full: bool  # the batch was full: more rows may be due
    channels: dict[int, str] = field(default_factory=dict)  # row id -> its channel

    def chunks(self, size: int) -> list[tuple[str, list[int]]]:
        """The claimed ids in chunks of at most ``size``, one channel each, so
        every chunk goes to its channel's queue."""
        by_channel: dict[str, list[int]] = {}
        for pk in self.ids:
            by_channel.setdefault(self.channels.get(pk, ""), []).append(pk)
        return [
            (channel, ids[start : start + size])
            for channel, ids in by_channel.items()
            for start in range(0, len(ids), size)
        ]


@transaction.atomic
def claim_due(*, now: datetime, batch_size: int | None = None) -> Claim:
    """Claim up to ``batch_size`` due rows under a lease, with one claim token.

    Two statements under the lock: the due ids (``FOR UPDATE SKIP LOCKED``, so
    concurrent sweeps never claim the same row), then one UPDATE that puts
    them under a lease with one claim token for the batch. A claim is not a
    try: ``attempts`` counts only when a send starts. Handing the claim to
    send tasks is the caller's (``tasks.dispatch_due``), after commit.
    """
    batch_size = batch_size or settings.NOTIFICATIONS_BATCH_SIZE
    lease = timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)
    due = list(
        Notification.objects.select_for_update(skip_locked=True)
        .filter(
            Q(status=Status.PENDING, next_attempt_at__lte=now)
            | Q(status=Status.SENDING, lease_expires_at__lte=now)
        )
        .order_by("next_attempt_at", "id")
        .values_list("id", "channel")[:batch_size]
    )
    token = uuid.uuid4().hex
    ids = [pk for pk, _channel in due]
    if ids:
        Notification.objects.filter(pk__in=ids).update(
            status=Status.SENDING,
            claim_token=token,
            lease_expires_at=now + lease,
            updated_at=now,
        )
    return Claim(ids=ids, token=token, full=len(ids) == batch_size, channels=dict(due))
