"""Sending claimed rows: quiet hours, opt-outs, one conditional UPDATE per
outcome, backoff on failure, and a lease kept alive while a chunk is sent."""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, models
from django.utils import timezone

from clinic.core.models import Channel, Client, User
from clinic.notifications import rendering
from clinic.notifications.channels import EmailChannel, OutgoingMessage, SendError, sms_backend
from clinic.notifications.models import Notification, NotificationStatus
from clinic.notifications.quiet_hours import quiet_until
from clinic.notifications.services.outbox import OPTED_OUT

logger = logging.getLogger(__name__)

Status = NotificationStatus


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
