"""The two writes every message costs, prepared once per process.

A try is marked under way on its row just before the provider is contacted,
and marked sent the moment the provider has taken the message. The sent mark
is the only statement between the provider taking a message and our record of
it: a worker killed in between sends that message again. So both statements
are plain SQL over the model's own column names, built once per process
(compiling an ORM UPDATE costs more than its round trip), which leaves one
round trip after the provider's answer. Like every outcome write,
each is conditional on the claim token and the ``sending`` status, and says
whether it changed the row.

Durability: the sent mark is a synchronous commit (the server has it on disk
before the next message goes). The under-way mark does not wait for the disk
on PostgreSQL: it is committed, visible and safe from any worker crash before
the provider is contacted; only a crash of the database server could lose it,
and the sent mark that follows (whose synchronous commit flushes it too)
either lands or fails and is retried, so what such a crash could cost is the
count of one try, never a message or a sent mark.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from django.db import connection, models

from clinic.notifications.models import Notification, NotificationStatus


def _column(name: str) -> str:
    field = Notification._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column
    return connection.ops.quote_name(field.column)


def _when(value: datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


@cache
def _statements(vendor: str) -> tuple[str, str]:
    table = connection.ops.quote_name(Notification._meta.db_table)
    c = _column
    claimed = f"{c('id')} = %s AND {c('claim_token')} = %s AND {c('status')} = %s"
    # PostgreSQL: this statement's own transaction commits without waiting for
    # the disk (set_config(..., true) lasts until the end of the transaction).
    relaxed = (
        " FROM (SELECT set_config('synchronous_commit', 'off', true)) AS relaxed"
        if vendor == "postgresql"
        else ""
    )
    start = (
        f"UPDATE {table} SET {c('attempts')} = {c('attempts')} + 1, "
        f"{c('attempt_started_at')} = %s, "
        f"{c('first_attempt_at')} = COALESCE({c('first_attempt_at')}, %s), "
        f"{c('maybe_delivered_at')} = %s, {c('last_error')} = %s, {c('updated_at')} = %s"
        f"{relaxed} WHERE {claimed}"
    )
    sent = (
        f"UPDATE {table} SET {c('status')} = %s, {c('provider_message_id')} = %s, "
        f"{c('sent_to')} = %s, {c('sent_at')} = %s, {c('updated_at')} = %s, "
        f"{c('lease_expires_at')} = NULL, {c('attempt_started_at')} = NULL, "
        f"{c('last_error')} = '' WHERE {claimed}"
    )
    return start, sent


def mark_under_way(
    *,
    row_id: int,
    token: str,
    now: datetime,
    maybe_delivered_at: datetime | None,
    last_error: str,
) -> bool:
    """Count a try and mark it under way (``attempt_started_at``; the first
    try also opens the retry window). False when the claim no longer holds."""
    start, _sent = _statements(connection.vendor)
    when = _when(now)
    maybe = None if maybe_delivered_at is None else _when(maybe_delivered_at)
    params: list[Any] = [when, when, maybe, last_error, when, row_id, token]
    with connection.cursor() as cursor:
        cursor.execute(start, [*params, NotificationStatus.SENDING.value])
        return cursor.rowcount == 1


def mark_sent(*, row_id: int, token: str, to: str, provider_id: str, now: datetime) -> bool:
    """The provider has taken the message: mark it sent (``sent_to``, the
    provider's id, ``sent_at``), the try no longer under way. False when the
    claim no longer holds."""
    _start, sent = _statements(connection.vendor)
    when = _when(now)
    params: list[Any] = [NotificationStatus.SENT.value, provider_id[:255], to, when, when]
    params += [row_id, token]
    with connection.cursor() as cursor:
        cursor.execute(sent, [*params, NotificationStatus.SENDING.value])
        return cursor.rowcount == 1
