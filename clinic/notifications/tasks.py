"""Celery entry points of the notifications engine (thin: a service each,
plus the hand-off of a sweep's claim to each channel's send task).

Queues (``CELERY_TASK_ROUTES``): the sweep runs on ``sweep``, e-mail sends on
``email``, SMS sends on ``sms``; a channel whose provider hangs holds up only
its own queue."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from clinic.core.models import Channel
from clinic.notifications import services

# A send task that cannot reach the database tries again in 1, 2, 4, then
# every 5 seconds with the same claim, which is still its own when the
# database comes back within the lease: sending resumes within seconds
# instead of after the lease. The lease covers the rest.
_DATABASE_RETRY: dict[str, Any] = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 1,
    "retry_backoff_max": 5,
    "retry_jitter": False,
    "max_retries": 120,
}


def dispatch_due(*, now: datetime, batch_size: int | None = None) -> int:
    """Claim due rows and, after commit, hand them in chunks to each channel's
    send task. Returns how many were claimed; a full batch asks for another
    sweep straight away, so a backlog drains without waiting for the next beat."""
    with transaction.atomic():
        claim = services.claim_due(now=now, batch_size=batch_size)
        if not claim.ids:
            return 0
        for channel, chunk in claim.chunks(settings.NOTIFICATIONS_TASK_CHUNK):
            task = send_sms_notifications if channel == Channel.SMS else send_email_notifications
            transaction.on_commit(partial(task.delay, chunk, claim.token))
        if claim.full:
            transaction.on_commit(dispatch_due_notifications.delay)
    return len(claim.ids)


@shared_task(name="clinic.notifications.dispatch_due", ignore_result=True)
def dispatch_due_notifications() -> int:
    """Beat, every NOTIFICATIONS_SWEEP_SECONDS: claim due messages, hand them on."""
    return dispatch_due(now=timezone.now())


@shared_task(
    name="clinic.notifications.send_email", ignore_result=True, acks_late=True, **_DATABASE_RETRY
)
def send_email_notifications(ids: list[int], claim_token: str) -> int:
    """Send a chunk of one claim's e-mails. Safe to run twice: a claim that no
    longer holds (the row was sent, or claimed again after its lease) sends nothing."""
    return services.send_claimed(ids=[int(pk) for pk in ids], token=str(claim_token))


@shared_task(
    name="clinic.notifications.send_sms", ignore_result=True, acks_late=True, **_DATABASE_RETRY
)
def send_sms_notifications(ids: list[int], claim_token: str) -> int:
    """Send a chunk of one claim's SMS (the same service, on the ``sms`` queue)."""
    return services.send_claimed(ids=[int(pk) for pk in ids], token=str(claim_token))
