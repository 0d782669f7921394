"""Small helpers for talking to the database about what it refused."""

from __future__ import annotations

from django.db import IntegrityError


def violated_constraint(exc: IntegrityError) -> str | None:
    """The name of the constraint that refused a write, as the database reports
    it (PostgreSQL names it in the error's diagnostics), or None if unknown."""
    diag = getattr(exc.__cause__, "diag", None)
    name = getattr(diag, "constraint_name", None)
    return str(name) if name else None
