"""The life of an outbox row.

1. ``enqueue`` writes a pending row in the caller's transaction (a rolled-back
   booking leaves no message). The idempotency key is unique: enqueueing the
   same key again returns the row that is there.
2. ``tasks.dispatch_due`` (Celery beat, every 30 s) claims due rows (``claim_due``) with
   ``SELECT ... FOR UPDATE SKIP LOCKED`` (SQLite: the IMMEDIATE transaction
   serializes claimers), puts them under a lease with a fresh claim token,
   and after commit hands them in chunks to ``send_notifications`` tasks.
3. ``send_claimed`` gives back rows now in the recipient's quiet hours
   (until they end), cancels those for people who opted out, sends each row
   whose claim token still matches, then
   records the provider's id and marks it sent in one conditional UPDATE. A
   failure is retried with exponential backoff and jitter, and after the last
   attempt the row is *failed* with its error. A worker that dies mid-send
   leaves rows in *sending*: when the lease runs out the sweep takes them
   again under a new token, and the channel's idempotency (Message-ID,
   Idempotency-Key, file name) keeps a repeated send from reaching the person
   twice.
"""

from __future__ import annotations

import json
import logging
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.utils import timezone

from clinic.core.audit import record_audit
from clinic.core.errors import Conflict, InvalidInput
from clinic.core.models import AuditAction, Channel, Client, User
from clinic.notifications import rendering
from clinic.notifications.channels import EmailChannel, OutgoingMessage, SendError, sms_backend
from clinic.notifications.models import Notification, NotificationStatus
from clinic.notifications.quiet_hours import quiet_until

logger = logging.getLogger(__name__)

Status = NotificationStatus
OPTED_OUT = "The recipient has opted out of messages."


# --- writing to the outbox -------------------------------------------------------


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
    """Give a failed message a fresh set of attempts, due now."""
    now = timezone.now()
    changed = Notification.objects.filter(pk=notification.pk, status=Status.FAILED).update(
        status=Status.PENDING,
        attempts=0,
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


# --- the sweep ---------------------------------------------------------------------


def _recipient(row: Notification) -> Client | User:
    recipient = row.client if row.client_id else row.user
    assert recipient is not None
    return recipient


def _zone(row: Notification) -> str:
    if row.client_id and row.client is not None:
        return row.client.zone_name
    return row.clinic.timezone


def _quiet_hours_end(row: Notification, now: datetime) -> datetime | None:
    clinic = row.clinic
    if row.channel == Channel.EMAIL and clinic.email_in_quiet_hours:
        return None
    return quiet_until(
        now, zone=_zone(row), start=clinic.quiet_hours_start, end=clinic.quiet_hours_end
    )


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


# --- sending -----------------------------------------------------------------------


def _backoff(attempts: int) -> timedelta:
    base = settings.NOTIFICATIONS_RETRY_BASE_SECONDS
    cap = settings.NOTIFICATIONS_RETRY_MAX_SECONDS
    delay = min(cap, base * 2 ** max(0, attempts - 1))
    return timedelta(seconds=delay * random.uniform(0.5, 1.5))


def _address(row: Notification, recipient: Client | User) -> str:
    if row.channel == Channel.SMS:
        return getattr(recipient, "phone", "") or ""
    return recipient.email or ""


def _build_message(row: Notification, recipient: Client | User, to: str) -> OutgoingMessage:
    token = (
        rendering.unsubscribe_token(client=recipient)
        if isinstance(recipient, Client)
        else rendering.unsubscribe_token(user=recipient)
    )
    unsubscribe_url = rendering.absolute_url(rendering.unsubscribe_path(token))
    name = (
        (recipient.preferred_name or recipient.first_name)
        if isinstance(recipient, Client)
        else (recipient.first_name or recipient.username)
    )
    parts = rendering.render(
        template_key=row.template_key,
        channel=row.channel,
        context=row.context,
        recipient_name=name,
        clinic=row.clinic,
        unsubscribe_url=unsubscribe_url,
    )
    if row.channel == Channel.SMS:
        return OutgoingMessage(row.idempotency_key, to, parts["sms.txt"])
    return OutgoingMessage(
        row.idempotency_key,
        to,
        parts["email.txt"],
        subject=parts["subject.txt"],
        html=parts["email.html"],
        attachments=tuple((a["filename"], a["content"], a["mimetype"]) for a in row.attachments),
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def _claimed(row_id: int, token: str) -> models.QuerySet[Notification]:
    return Notification.objects.filter(pk=row_id, claim_token=token, status=Status.SENDING)


def _record_failure(row: Notification, token: str, error: str, now: datetime) -> None:
    if row.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
        changed = _claimed(row.pk, token).update(
            status=Status.FAILED, last_error=error[:2000], lease_expires_at=None, updated_at=now
        )
        logger.error("notification %s failed for good: %s", row.pk, error)
    else:
        changed = _claimed(row.pk, token).update(
            status=Status.PENDING,
            last_error=error[:2000],
            lease_expires_at=None,
            next_attempt_at=now + _backoff(row.attempts),
            updated_at=now,
        )
        logger.warning("notification %s attempt %s failed: %s", row.pk, row.attempts, error)
    if not changed:
        logger.warning("notification %s: claim %s was lost before recording", row.pk, token)


class LeaseKeeper:
    """Keeps a claim's lease alive while its rows are being sent."""

    def __init__(self, *, ids: list[int], token: str) -> None:
        self.ids = list(ids)
        self.token = token
        self.length = timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)
        self.held: set[int] = set()
        self.until = timezone.now()

    def renew(self) -> set[int]:
        """Extend the lease of the rows this claim still holds; return them.

        The UPDATE comes first and is conditional on our token, which a new
        claim would have replaced; once extended, no sweep can take the rows
        before the read that follows."""
        now = timezone.now()
        ours = Notification.objects.filter(
            pk__in=self.ids, claim_token=self.token, status=Status.SENDING
        )
        ours.update(lease_expires_at=now + self.length)
        self.held = set(ours.values_list("pk", flat=True))
        self.until = now + self.length
        return self.held

    def still_holds(self, pk: int) -> bool:
        if timezone.now() > self.until - self.length / 2:
            self.renew()
        return pk in self.held


def send_claimed(*, ids: list[int], token: str) -> int:
    """Send the rows of one claim that the claim still holds; return how many
    were sent. Safe to run twice: a claim that no longer holds sends nothing.

    Runs outside any transaction and holds no lock while talking to the
    outside world; each outcome is one conditional UPDATE on the claim token.
    The lease is renewed when the task starts and whenever less than half of it
    is left, so a live worker is never overtaken by a second claim (which could
    send a message twice); only a worker that stops lets its lease run out.
    """
    lease = LeaseKeeper(ids=ids, token=token)
    rows = (
        Notification.objects.filter(pk__in=lease.renew(), claim_token=token, status=Status.SENDING)
        .select_related("clinic", "client", "client__clinic", "user")
        .order_by("id")
    )
    email = EmailChannel()
    sms = None
    sent = 0
    relaxed = _relax_commit_durability()
    try:
        for row in rows:
            if not lease.still_holds(row.pk):
                continue  # the claim ran out and was taken again: the new claim sends it
            now = timezone.now()
            claimed = _claimed(row.pk, token)
            if row.attempts > settings.NOTIFICATIONS_MAX_ATTEMPTS:
                # Only a row retaken after its lease ran out gets here.
                claimed.update(
                    status=Status.FAILED,
                    lease_expires_at=None,
                    updated_at=now,
                    last_error=row.last_error or "The worker stopped while sending.",
                )
                continue
            deferred = _quiet_hours_end(row, now)
            if deferred is not None:  # not an attempt: give it back until morning
                claimed.update(
                    status=Status.PENDING,
                    next_attempt_at=deferred,
                    lease_expires_at=None,
                    attempts=row.attempts - 1,
                    updated_at=now,
                )
                continue
            recipient = _recipient(row)
            if not recipient.message_opt_in:
                claimed.update(
                    status=Status.CANCELLED,
                    cancelled_reason=OPTED_OUT,
                    lease_expires_at=None,
                    updated_at=now,
                )
                continue
            to = _address(row, recipient)
            if not to:
                claimed.update(
                    status=Status.CANCELLED,
                    lease_expires_at=None,
                    updated_at=now,
                    cancelled_reason=f"No {row.get_channel_display()} address on record.",
                )
                continue
            try:
                message = _build_message(row, recipient, to)
                if row.channel == Channel.SMS:
                    sms = sms or sms_backend()
                    provider_id = sms.send(message)
                else:
                    provider_id = email.send(message)
            except SendError as exc:
                _record_failure(row, token, str(exc), now)
                continue
            except Exception as exc:  # a template or data problem: retried, then failed
                logger.exception("notification %s could not be prepared", row.pk)
                _record_failure(row, token, f"{exc.__class__.__name__}: {exc}", now)
                continue
            done = claimed.update(
                status=Status.SENT,
                provider_message_id=provider_id[:255],
                sent_to=to,
                sent_at=timezone.now(),
                lease_expires_at=None,
                last_error="",
                updated_at=timezone.now(),
            )
            if done:
                sent += 1
            else:
                logger.warning("notification %s sent but its claim was lost", row.pk)
    finally:
        email.close()
        if relaxed:
            _restore_commit_durability()
    return sent


def _relax_commit_durability() -> bool:
    """On PostgreSQL, let this worker's outcome commits return before the WAL
    reaches disk. Each outcome is still one committed UPDATE that the server
    holds the moment it answers, so a worker killed at any point loses
    nothing; only a crash of the database server itself could lose the last
    fraction of a second of "sent" marks, and those rows would be sent again
    with the same Message-ID or Idempotency-Key. In exchange a send no longer
    waits for a disk flush."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    return True


def _restore_commit_durability() -> None:
    with connection.cursor() as cursor:
        cursor.execute("RESET synchronous_commit")
