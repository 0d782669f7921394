"""The sweep: claim due rows under a lease, for the send tasks."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q

from clinic.notifications.models import Notification, NotificationStatus

logger = logging.getLogger(__name__)

Status = NotificationStatus


@dataclass(frozen=True)
class Claim:
    """Rows put under one lease by one sweep, to be handed to send tasks."""

    ids: list[int]
    token: str
    full: bool  # the batch was full: more rows may be due

    def chunks(self, size: int) -> list[list[int]]:
        return [self.ids[start : start + size] for start in range(0, len(self.ids), size)]


@transaction.atomic
def claim_due(*, now: datetime, batch_size: int | None = None) -> Claim:
    """Claim up to ``batch_size`` due rows under a lease, with one claim token.

    Two statements under the lock: the due ids (``FOR UPDATE SKIP LOCKED``, so
    concurrent sweeps never claim the same row), then one UPDATE that puts
    them under a lease with one claim token for the batch. Handing the claim
    to send tasks is the caller's (``tasks.dispatch_due``), after commit.
    """
    batch_size = batch_size or settings.NOTIFICATIONS_BATCH_SIZE
    lease = timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)
    ids = list(
        Notification.objects.select_for_update(skip_locked=True)
        .filter(
            Q(status=Status.PENDING, next_attempt_at__lte=now)
            | Q(status=Status.SENDING, lease_expires_at__lte=now)
        )
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:batch_size]
    )
    token = uuid.uuid4().hex
    if ids:
        Notification.objects.filter(pk__in=ids).update(
            status=Status.SENDING,
            claim_token=token,
            lease_expires_at=now + lease,
            attempts=F("attempts") + 1,
            updated_at=now,
        )
    return Claim(ids=ids, token=token, full=len(ids) == batch_size)
