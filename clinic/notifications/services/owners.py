"""Telling a clinic's owners that a message could not be delivered.

Through the outbox itself: one ``delivery_failed`` e-mail per owner per hour
at most (the idempotency key names the hour), however many messages fail in
it; the notice points at the admin's list of failed messages. A notice that
fails in turn tells nobody, so a broken mail service cannot start a loop.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.urls import reverse

from clinic.core.models import Role, User
from clinic.notifications import rendering
from clinic.notifications.models import Notification
from clinic.notifications.services.outbox import enqueue

FAILURE_NOTICE = "delivery_failed"


def _failed_messages_url() -> str:
    path = reverse("admin:notifications_notification_changelist")
    return rendering.absolute_url(f"{path}?status__exact=failed")


def tell_owners(*, row: Notification, reason: str, maybe_delivered: bool, now: datetime) -> None:
    """Put a notice for each active owner of the row's clinic in the outbox,
    unless one is already there for this hour. ``reason``: ``refused``,
    ``unreachable`` or ``broken`` (the template words each). Runs in the
    caller's transaction."""
    if row.template_key == FAILURE_NOTICE:
        return
    owners = User.objects.filter(clinic_id=row.clinic_id, role=Role.OWNER, is_active=True)
    context = {
        "person": row.recipient_label,
        "what": row.template_key.replace("_", " "),
        "channel": row.channel,
        "reason": reason,
        "maybe_delivered": maybe_delivered,
        "window_hours": round(settings.NOTIFICATIONS_RETRY_WINDOW_SECONDS / 3600),
        "failed_url": _failed_messages_url(),
    }
    for owner in owners.order_by("pk"):
        enqueue(
            recipient=owner,
            template_key=FAILURE_NOTICE,
            context=context,
            send_after=now,
            idempotency_key=f"delivery-failed-{owner.pk}-{now:%Y%m%d%H}",
        )
