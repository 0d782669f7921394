"""The life of an outbox row.

1. ``enqueue`` writes a pending row in the caller's transaction (a rolled-back
   booking leaves no message). The idempotency key is unique: enqueueing the
   same key again returns the row that is there.
2. ``tasks.dispatch_due`` (Celery beat, every 30 s, on the ``sweep`` queue)
   claims due rows (``claim_due``) with ``SELECT ... FOR UPDATE SKIP LOCKED``
   (SQLite: the IMMEDIATE transaction serializes claimers), puts them under a
   lease with a fresh claim token, and after commit hands them in chunks to
   each channel's send task (queues ``email`` and ``sms``), so a stuck channel
   never holds up the other or the sweep.
3. ``send_claimed`` gives back rows now in the recipient's quiet hours
   (until they end), cancels those for people who opted out, and sends each
   row whose claim token still matches, one at a time: the try is counted and
   marked under way in one committed UPDATE before the provider is contacted,
   and its outcome is committed before the next row (``outcomes``). A
   permanent refusal fails the row at once; a transient failure is retried
   with capped backoff and jitter for ``NOTIFICATIONS_RETRY_WINDOW_SECONDS``;
   the clinic's owners hear of each failure (``owners``). A worker that dies
   mid-send leaves rows in *sending*: when the lease runs out the sweep takes
   them again under a new token; the one row whose try was under way may have
   been delivered, and is sent again with the same Message-ID,
   Idempotency-Key or file name.
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
from clinic.notifications.services.owners import FAILURE_NOTICE, tell_owners
from clinic.notifications.services.sending import LeaseKeeper, send_claimed
from clinic.notifications.services.sweep import Claim, claim_due

__all__ = [
    "FAILURE_NOTICE",
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
    "tell_owners",
]
