"""Reads of a client's outcome measures (pain ratings, Oswestry scores): one
audit event per read by staff (a client reading their own is not a disclosure)."""

from __future__ import annotations

from clinic.core.audit import record_audit
from clinic.core.models import AuditAction, Client, Role, User


def record_client_read(*, client: Client, read_by: User, via: str) -> None:
    """A member of staff read part of the client's record (``via`` names which)."""
    if read_by.role == Role.CLIENT:
        return
    record_audit(
        actor=read_by,
        action=AuditAction.READ,
        obj=client,
        client=client,
        detail={"via": via},
    )


def record_outcomes_read(*, client: Client, read_by: User) -> None:
    """A member of staff read the client's outcome series."""
    record_client_read(client=client, read_by=read_by, via="outcomes")
