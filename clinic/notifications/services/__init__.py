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

from clinic.notifications.services.outbox import (
    OPTED_OUT,
    Message,
    cancel_notification,
    cancel_pending_for,
    enqueue,
    enqueue_many,
    opt_out,
    resend_notification,
)
from clinic.notifications.services.sending import LeaseKeeper, send_claimed
from clinic.notifications.services.sweep import Claim, claim_due

__all__ = [
    "OPTED_OUT",
    "Claim",
    "LeaseKeeper",
    "Message",
    "cancel_notification",
    "cancel_pending_for",
    "claim_due",
    "enqueue",
    "enqueue_many",
    "opt_out",
    "resend_notification",
    "send_claimed",
]
