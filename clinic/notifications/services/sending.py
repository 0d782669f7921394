"""Sending claimed rows: quiet hours, opt-outs, one try at a time with its
outcome committed before the next (``outcomes``), channels left alone while
they cannot be reached (``pauses``), and a lease kept alive while a chunk is
sent."""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from clinic.core.models import Channel, Client, User
from clinic.notifications import pauses, rendering
from clinic.notifications.channels import (
    EmailChannel,
    Failure,
    OutgoingMessage,
    SendError,
    SmsBackend,
    sms_backend,
)
from clinic.notifications.models import Notification, NotificationStatus
from clinic.notifications.quiet_hours import quiet_until
from clinic.notifications.services import outcomes
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


class _Channels:
    """The chunk's channels, each opened on first use (one SMTP connection
    carries the whole chunk)."""

    def __init__(self) -> None:
        self.email = EmailChannel()
        self._sms: SmsBackend | None = None

    def send(self, message: OutgoingMessage, channel: str) -> str:
        if channel == Channel.SMS:
            self._sms = self._sms or sms_backend()
            return self._sms.send(message)
        return self.email.send(message)

    def close(self) -> None:
        self.email.close()


def _give_back(row: Notification, token: str, *, until: datetime, now: datetime) -> None:
    """Not a try: back to pending until ``until`` (quiet hours, a paused channel)."""
    outcomes.claimed(row.pk, token).update(
        status=Status.PENDING,
        next_attempt_at=until,
        lease_expires_at=None,
        updated_at=now,
        **outcomes.resumed_fields(row),
    )


def _cancel(row: Notification, token: str, *, reason: str, now: datetime) -> None:
    outcomes.claimed(row.pk, token).update(
        status=Status.CANCELLED,
        cancelled_reason=reason[:200],
        lease_expires_at=None,
        updated_at=now,
        **outcomes.resumed_fields(row),
    )


def _send_one(row: Notification, token: str, channels: _Channels) -> bool:
    """One row of the claim, from the checks to its outcome. True when sent."""
    now = timezone.now()
    paused = pauses.paused_until(row.channel, now=now)
    if paused is not None:  # this process could not reach the channel a moment ago
        spread = timedelta(seconds=settings.NOTIFICATIONS_CHANNEL_PAUSE_SECONDS / 2)
        _give_back(row, token, until=paused + spread * random.random(), now=now)
        return False
    deferred = _quiet_hours_end(row, now)
    if deferred is not None:  # give it back until morning
        _give_back(row, token, until=deferred, now=now)
        return False
    recipient = _recipient(row)
    if not recipient.message_opt_in:
        _cancel(row, token, reason=OPTED_OUT, now=now)
        return False
    to = _address(row, recipient)
    if not to:
        _cancel(row, token, reason=f"No {row.get_channel_display()} address on record.", now=now)
        return False
    try:
        message = _build_message(row, recipient, to)
    except DatabaseError:
        raise
    except Exception as exc:  # a template or data problem: tried a few times, then failed
        logger.exception("notification %s could not be prepared", row.pk)
        if outcomes.start_attempt(row=row, token=token, now=now):
            error = SendError(f"{exc.__class__.__name__}: {exc}", failure=Failure.UNKNOWN)
            outcomes.record_failure(row=row, token=token, error=error)
        return False
    # The try starts here, as close to the provider as it can: marked under
    # way, then handed over, then its outcome.
    if not outcomes.start_attempt(row=row, token=token, now=now):
        return False  # the claim ran out and was taken again
    try:
        provider_id = channels.send(message, row.channel)
    except SendError as exc:
        outcomes.record_failure(row=row, token=token, error=exc)
        if exc.unreachable:
            pauses.pause(row.channel, now=timezone.now())
        return False
    except DatabaseError:
        raise
    except Exception as exc:  # the channel failed before handing it over (a bug, bad data)
        logger.exception("notification %s could not be handed over", row.pk)
        error = SendError(f"{exc.__class__.__name__}: {exc}", failure=Failure.UNKNOWN)
        outcomes.record_failure(row=row, token=token, error=error)
        return False
    return outcomes.record_sent(row=row, token=token, provider_id=provider_id, to=to)


def send_claimed(*, ids: list[int], token: str) -> int:
    """Send the rows of one claim that the claim still holds; return how many
    were sent. Safe to run twice: a claim that no longer holds sends nothing.

    Runs outside any transaction and holds no lock while talking to the
    outside world. Each try is counted and marked under way before the
    provider is contacted, and its outcome committed before the next row
    (``outcomes``). The lease is renewed when the task starts and whenever
    less than half of it is left, so a live worker is never overtaken by a
    second claim; only a worker that stops lets its lease run out. A database
    error before a send propagates (the task tries again shortly, with the
    same claim).
    """
    lease = LeaseKeeper(ids=ids, token=token)
    rows = (
        Notification.objects.filter(pk__in=lease.renew(), claim_token=token, status=Status.SENDING)
        .select_related("clinic", "client", "client__clinic", "user")
        .order_by("id")
    )
    channels = _Channels()
    sent = 0
    try:
        for row in rows:
            if not lease.still_holds(row.pk):
                continue  # the claim ran out and was taken again: the new claim sends it
            sent += _send_one(row, token, channels)
    finally:
        channels.close()
    return sent
