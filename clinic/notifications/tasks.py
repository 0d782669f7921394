"""Celery entry points of the notifications engine (thin: one service each)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone


@shared_task(name="clinic.notifications.dispatch_due", ignore_result=True)
def dispatch_due_notifications() -> int:
    """Beat, every NOTIFICATIONS_SWEEP_SECONDS: claim due messages, hand them on."""
    from clinic.notifications import services

    return services.dispatch_due(now=timezone.now())


@shared_task(name="clinic.notifications.send", ignore_result=True, acks_late=True)
def send_notifications(ids: list[int], claim_token: str) -> int:
    """Send a chunk of one claim. Safe to run twice: a claim that no longer
    holds (the row was sent, or claimed again after its lease) sends nothing."""
    from clinic.notifications import services

    return services.send_claimed(ids=[int(pk) for pk in ids], token=str(claim_token))
