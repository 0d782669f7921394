"""Writing to the outbox: enqueue (in the caller's transaction), cancel,
resend, and a person's opt-out."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from clinic.core.audit import record_audit
from clinic.core.errors import Conflict, InvalidInput
from clinic.core.models import AuditAction, Channel, Client, User
from clinic.notifications import rendering
from clinic.notifications.models import Notification, NotificationStatus

logger = logging.getLogger(__name__)

Status = NotificationStatus
OPTED_OUT = "The recipient has opted out of messages."


def _recipient_fields(recipient: Client | User) -> dict[str, Any]:
    if isinstance(recipient, Client):
        return {"client": recipient, "user": None, "clinic_id": recipient.clinic_id}
    if recipient.clinic_id is None:
        raise InvalidInput(fields={"recipient": ["This person belongs to no clinic."]})
    return {"client": None, "user": recipient, "clinic_id": recipient.clinic_id}


def _preferred_channel(recipient: Client | User) -> str:
    if isinstance(recipient, Client):
        return recipient.preferred_channel
    return Channel.EMAIL


def enqueue(
    *,
    recipient: Client | User,
    template_key: str,
    context: dict[str, Any],
    send_after: datetime,
    idempotency_key: str,
    channel: str | None = None,
    about: models.Model | None = None,
    attachments: list[dict[str, str]] | None = None,
) -> Notification:
    """Put one message in the outbox, in the caller's transaction.

    ``channel`` defaults to the recipient's choice. ``context`` must be plain
    JSON. The same ``idempotency_key`` twice keeps one row (the first).
    ``attachments`` (e-mail only) are text files such as an .ics invitation.
    """
    if timezone.is_naive(send_after):
        raise InvalidInput(fields={"send_after": ["Must be an aware datetime."]})
    channel = channel or _preferred_channel(recipient)
    if channel not in Channel.values:
        raise InvalidInput(fields={"channel": [f"Unknown channel {channel!r}."]})
    missing = rendering.missing_templates(template_key, channel)
    if missing:
        raise InvalidInput(fields={"template_key": [f"No template {', '.join(missing)}."]})
    try:
        json.dumps(context)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(fields={"context": ["Must be plain JSON values."]}) from exc
    for item in attachments or []:
        if set(item) != {"filename", "mimetype", "content"}:
            raise InvalidInput(fields={"attachments": ["Give filename, mimetype and content."]})
    about_fields: dict[str, Any] = {}
    if about is not None:
        about_fields = {
            "about_type": ContentType.objects.get_for_model(about),
            "about_id": str(about.pk),
        }
    with transaction.atomic():
        row, created = Notification.objects.get_or_create(
            idempotency_key=idempotency_key,
            defaults={
                **_recipient_fields(recipient),
                **about_fields,
                "channel": channel,
                "template_key": template_key,
                "context": context,
                "attachments": attachments or [],
                "send_after": send_after,
                "next_attempt_at": send_after,
            },
        )
        if created and not recipient.message_opt_in:
            _cancel(Notification.objects.filter(pk=row.pk), OPTED_OUT)
            row.refresh_from_db()
    return row


@dataclass(frozen=True)
class Message:
    """One message for ``enqueue_many`` (the same meaning as ``enqueue``'s arguments)."""

    recipient: Client | User
    template_key: str
    context: dict[str, Any]
    send_after: datetime
    idempotency_key: str
    channel: str | None = None
    about: models.Model | None = None


def enqueue_many(messages: list[Message]) -> int:
    """Put many messages in the outbox in one INSERT (for schedules such as
    homework reminders); keys already there are skipped. Returns how many
    new rows were written. Same checks and opt-out handling as ``enqueue``."""
    checked: set[tuple[str, str]] = set()
    rows = []
    now = timezone.now()
    for message in messages:
        channel = message.channel or _preferred_channel(message.recipient)
        if (message.template_key, channel) not in checked:
            missing = rendering.missing_templates(message.template_key, channel)
            if missing:
                raise InvalidInput(fields={"template_key": [f"No template {', '.join(missing)}."]})
            checked.add((message.template_key, channel))
        if timezone.is_naive(message.send_after):
            raise InvalidInput(fields={"send_after": ["Must be an aware datetime."]})
        about: dict[str, Any] = {}
        if message.about is not None:
            about = {
                "about_type": ContentType.objects.get_for_model(message.about),
                "about_id": str(message.about.pk),
            }
        opted_in = message.recipient.message_opt_in
        rows.append(
            Notification(
                **_recipient_fields(message.recipient),
                **about,
                channel=channel,
                template_key=message.template_key,
                context=message.context,
                send_after=message.send_after,
                next_attempt_at=message.send_after,
                idempotency_key=message.idempotency_key,
                status=Status.PENDING if opted_in else Status.CANCELLED,
                cancelled_reason="" if opted_in else OPTED_OUT,
                created_at=now,
            )
        )
    if not rows:
        return 0
    # Keys already in the outbox are skipped by the database (ON CONFLICT DO
    # NOTHING); the rows this call wrote are the ones carrying its timestamp.
    Notification.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return Notification.objects.filter(
        created_at=now, template_key__in={row.template_key for row in rows}
    ).count()


def _cancel(rows: models.QuerySet[Notification], reason: str) -> int:
    return rows.filter(status=Status.PENDING).update(
        status=Status.CANCELLED, cancelled_reason=reason[:200], updated_at=timezone.now()
    )


@transaction.atomic
def cancel_pending_for(*, about: models.Model, reason: str) -> int:
    """Cancel every pending message about one thing (an appointment, a plan)."""
    rows = Notification.objects.filter(
        about_type=ContentType.objects.get_for_model(about), about_id=str(about.pk)
    )
    return _cancel(rows, reason)


@transaction.atomic
def cancel_notification(*, notification: Notification, reason: str, by: User) -> Notification:
    """Cancel one pending message (staff, from the admin)."""
    if not _cancel(Notification.objects.filter(pk=notification.pk), reason):
        raise Conflict("Only a pending message can be cancelled.")
    notification.refresh_from_db()
    record_audit(actor=by, action=AuditAction.UPDATE, obj=notification, detail={"cancel": reason})
    return notification


@transaction.atomic
def resend_notification(*, notification: Notification, by: User) -> Notification:
    """Give a failed message a fresh set of attempts (and a fresh retry
    window), due now. One marked ``maybe_delivered_at`` keeps the mark: it
    may reach the person twice, which the admin says when resending."""
    now = timezone.now()
    changed = Notification.objects.filter(pk=notification.pk, status=Status.FAILED).update(
        status=Status.PENDING,
        attempts=0,
        first_attempt_at=None,
        attempt_started_at=None,
        next_attempt_at=now,
        claim_token="",
        lease_expires_at=None,
        updated_at=now,
    )
    if not changed:
        raise Conflict("Only a failed message can be sent again.")
    notification.refresh_from_db()
    record_audit(actor=by, action=AuditAction.UPDATE, obj=notification, detail={"resend": True})
    return notification


@transaction.atomic
def opt_out(*, client: Client | None = None, user: User | None = None, via: str) -> int:
    """The person wants no more messages: record it and cancel what is pending."""
    if client is not None:
        Client.objects.filter(pk=client.pk).update(message_opt_in=False, updated_at=timezone.now())
        rows = Notification.objects.filter(client=client)
        record_audit(
            actor=None,
            action=AuditAction.UPDATE,
            obj=client,
            client=client,
            detail={"message_opt_in": False, "via": via},
        )
    elif user is not None:
        User.objects.filter(pk=user.pk).update(message_opt_in=False)
        rows = Notification.objects.filter(user=user)
        record_audit(
            actor=None,
            action=AuditAction.UPDATE,
            obj=user,
            detail={"message_opt_in": False, "via": via},
        )
    else:
        raise InvalidInput(fields={"recipient": ["Name a client or a user."]})
    return _cancel(rows, OPTED_OUT)
