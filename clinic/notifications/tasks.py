"""Celery entry points of the notifications engine (thin: a service each,
plus the hand-off of a sweep's claim to send tasks)."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clinic.notifications import services


def dispatch_due(*, now: datetime, batch_size: int | None = None) -> int:
    """Claim due rows and, after commit, hand them in chunks to send tasks.
    Returns how many were claimed; a full batch asks for another sweep straight
    away, so a backlog drains without waiting for the next beat."""
    with transaction.atomic():
        claim = services.claim_due(now=now, batch_size=batch_size)
        if not claim.ids:
            return 0
        for chunk in claim.chunks(settings.NOTIFICATIONS_TASK_CHUNK):
            transaction.on_commit(partial(send_notifications.delay, chunk, claim.token))
        if claim.full:
            transaction.on_commit(dispatch_due_notifications.delay)
    return len(claim.ids)


@shared_task(name="clinic.notifications.dispatch_due", ignore_result=True)
def dispatch_due_notifications() -> int:
    """Beat, every NOTIFICATIONS_SWEEP_SECONDS: claim due messages, hand them on."""
    return dispatch_due(now=timezone.now())


@shared_task(name="clinic.notifications.send", ignore_result=True, acks_late=True)
def send_notifications(ids: list[int], claim_token: str) -> int:
    """Send a chunk of one claim. Safe to run twice: a claim that no longer
    holds (the row was sent, or claimed again after its lease) sends nothing."""
    return services.send_claimed(ids=[int(pk) for pk in ids], token=str(claim_token))
