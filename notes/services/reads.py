"""Reads of a client's clinical summaries built from their notes (charts, the
culprit history): one audit event naming the client and what was read, for
every read by staff, however little there was to show."""

from __future__ import annotations

from clinic.core.audit import record_audit
from clinic.core.models import AuditAction, Client, Role, User


def record_chart_read(*, client: Client, read_by: User, via: str) -> None:
    """A member of staff read ``via`` (e.g. "pain trend") of this client."""
    if read_by.role == Role.CLIENT:
        return
    record_audit(
        actor=read_by, action=AuditAction.READ, obj=client, client=client, detail={"via": via}
    )
