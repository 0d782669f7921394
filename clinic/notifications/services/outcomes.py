"""What became of each try, written the moment it is known.

A try is two committed writes on the row, each conditional on the claim token:
``start_attempt`` just before the message goes to the provider (the attempt
is counted, and ``attempt_started_at`` says a try is under way), and
``record_sent`` or ``record_failure`` just after (which clear it). So a row
found with ``attempt_started_at`` set was being sent by a worker that stopped:
it may have been delivered, is marked so (``maybe_delivered_at``), is sent again
with the same Message-ID; it is never marked failed except by the answer to
a new try. The window in which a delivered message is not yet marked sent is
one message per process, and the mark is a synchronous commit, so neither a
killed worker nor a crashed database loses more than that one mark.

Failures: a permanent refusal fails the message at once; a transient one
(unreachable, timed out, "try later") is tried again with capped exponential
backoff and jitter for ``NOTIFICATIONS_RETRY_WINDOW_SECONDS`` from the first
try; anything else up to ``NOTIFICATIONS_MAX_ATTEMPTS`` tries. A message that
fails for good tells the clinic's owners (``owners.tell_owners``), in the
same transaction.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, models, transaction
from django.utils import timezone

from clinic.notifications.channels import Failure, SendError
from clinic.notifications.models import Notification, NotificationStatus
from clinic.notifications.services import marks
from clinic.notifications.services.owners import tell_owners

logger = logging.getLogger(__name__)

Status = NotificationStatus
T = TypeVar("T")

INTERRUPTED = (
    "An earlier try was cut short (the worker stopped while sending): it may have "
    "been delivered, and is sent again with the same Message-ID."
)
MAYBE_DELIVERED = "An earlier try may have been delivered: check before sending it again."


def claimed(row_id: int, token: str) -> models.QuerySet[Notification]:
    """The row, only while this claim still holds it."""
    return Notification.objects.filter(pk=row_id, claim_token=token, status=Status.SENDING)


def _maybe_delivered_at(row: Notification, *, cut_short: bool) -> datetime | None:
    """When the first try that may have reached the person started: the one
    under way, if it was ``cut_short`` (and no earlier one was)."""
    return row.maybe_delivered_at or (row.attempt_started_at if cut_short else None)


def resumed_fields(row: Notification) -> dict[str, Any]:
    """For a write that ends a claim without a try: keep what an earlier
    try that was cut short tells us."""
    if row.attempt_started_at is None:
        return {}
    return {
        "maybe_delivered_at": _maybe_delivered_at(row, cut_short=True),
        "attempt_started_at": None,
    }


def with_database_retry(write: Callable[[], T], *, what: str) -> T:
    """Run ``write``; while the database cannot be reached, try again for up to
    ``NOTIFICATIONS_OUTCOME_RETRY_SECONDS``. For outcomes of messages already
    handed to a provider: the worker knows what happened and waits to write it
    down, rather than leave the row to be sent a second time."""
    deadline = time.monotonic() + settings.NOTIFICATIONS_OUTCOME_RETRY_SECONDS
    delay = 0.1
    while True:
        try:
            return write()
        except (OperationalError, InterfaceError) as exc:
            if connection.in_atomic_block or time.monotonic() + delay > deadline:
                raise
            logger.warning("could not record %s (%s); trying again", what, exc)
            connection.close()  # broken: the next query opens a new one
            time.sleep(delay)
            delay = min(2.0, delay * 2)


def start_attempt(*, row: Notification, token: str, now: datetime) -> bool:
    """Count a try and mark it under way, committed before the provider is
    contacted. False when the claim no longer holds the row."""
    interrupted = row.attempt_started_at is not None
    if interrupted:
        logger.warning("notification %s: an earlier try was cut short; sending again", row.pk)
    maybe_delivered_at = _maybe_delivered_at(row, cut_short=interrupted)
    if not marks.mark_under_way(
        row_id=row.pk,
        token=token,
        now=now,
        maybe_delivered_at=maybe_delivered_at,
        last_error=INTERRUPTED if interrupted else row.last_error,
    ):
        return False
    row.attempts += 1
    row.first_attempt_at = row.first_attempt_at or now
    row.maybe_delivered_at = maybe_delivered_at
    row.attempt_started_at = now
    return True


def record_sent(*, row: Notification, token: str, provider_id: str, to: str) -> bool:
    """The provider took the message: mark it sent, one conditional UPDATE
    committed (synchronously) before the next message is sent. While the
    database cannot be reached the worker keeps trying to write it."""
    done = with_database_retry(
        lambda: marks.mark_sent(
            row_id=row.pk, token=token, to=to, provider_id=provider_id, now=timezone.now()
        ),
        what=f"notification {row.pk} as sent",
    )
    if not done:
        logger.warning("notification %s sent but its claim was lost", row.pk)
    return done


def backoff(attempts: int) -> timedelta:
    """Exponential in the tries made so far, with ±50 % jitter, capped."""
    base = settings.NOTIFICATIONS_RETRY_BASE_SECONDS
    cap = settings.NOTIFICATIONS_RETRY_MAX_SECONDS
    delay = base * 2 ** max(0, attempts - 1) * random.uniform(0.5, 1.5)
    return timedelta(seconds=min(cap, delay))


def retry_at(*, row: Notification, error: SendError, now: datetime) -> datetime | None:
    """When to try again after ``error``, or None to give up."""
    if error.failure == Failure.PERMANENT:
        return None
    if error.failure == Failure.UNKNOWN:
        if row.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
            return None
        return now + backoff(row.attempts)
    window_end = (row.first_attempt_at or now) + timedelta(
        seconds=settings.NOTIFICATIONS_RETRY_WINDOW_SECONDS
    )
    if now >= window_end:
        return None
    return min(now + backoff(row.attempts), window_end)  # the last try at the window's end


_OWNER_REASONS = {
    Failure.PERMANENT: "refused",
    Failure.TRANSIENT: "unreachable",
    Failure.UNKNOWN: "broken",
}


def record_failure(*, row: Notification, token: str, error: SendError) -> bool:
    """A try failed: back to pending until its next try, or failed for good
    (and the owners told). Returns whether the message failed for good."""
    now = timezone.now()
    maybe_delivered_at = _maybe_delivered_at(row, cut_short=error.maybe_delivered)
    maybe_delivered = maybe_delivered_at is not None
    text = str(error)
    when = retry_at(row=row, error=error, now=now)
    fields: dict[str, Any] = {
        "maybe_delivered_at": maybe_delivered_at,
        "lease_expires_at": None,
        "attempt_started_at": None,
        "updated_at": now,
    }
    if when is not None:
        fields.update(status=Status.PENDING, next_attempt_at=when, last_error=text[:2000])
        logger.warning("notification %s try %s failed: %s", row.pk, row.attempts, text)
        changed = with_database_retry(
            lambda: claimed(row.pk, token).update(**fields), what=f"notification {row.pk}"
        )
        if not changed:
            logger.warning("notification %s: claim %s was lost before recording", row.pk, token)
        return False
    if maybe_delivered:
        text = f"{MAYBE_DELIVERED} {text}"
    fields.update(status=Status.FAILED, last_error=text[:2000])

    def fail() -> int:
        with transaction.atomic():
            changed = claimed(row.pk, token).update(**fields)
            if changed:
                tell_owners(
                    row=row,
                    reason=_OWNER_REASONS[error.failure],
                    maybe_delivered=maybe_delivered,
                    now=now,
                )
            return changed

    if with_database_retry(fail, what=f"notification {row.pk} as failed"):
        logger.error("notification %s failed for good: %s", row.pk, text)
        return True
    logger.warning("notification %s: claim %s was lost before recording", row.pk, token)
    return False
