"""Reads of a client's outcome measures (pain ratings, Oswestry scores): one
audit event per read by staff (a client reading their own is not a disclosure)."""

from __future__ import annotations

from clinic.core.audit import record_audit
from clinic.core.models import AuditAction, Client, Role, User


def record_outcomes_read(*, client: Client, read_by: User) -> None:
    """A member of staff read the client's outcome series."""
    if read_by.role == Role.CLIENT:
        return
    record_audit(
        actor=read_by,
        action=AuditAction.READ,
        obj=client,
        client=client,
        detail={"via": "outcomes"},
    )
