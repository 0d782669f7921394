"""Reads of homework plans and their adherence: one audit event per plan read
by staff (a client reading their own plan is not a disclosure)."""

from __future__ import annotations

from collections.abc import Sequence

from clinic.core.audit import record_audit_many
from clinic.core.models import AuditAction, Role, User
from homework.models import HomeworkPlan


def record_plan_reads(*, plans: Sequence[HomeworkPlan], read_by: User, via: str = "api") -> None:
    """A member of staff read these plans (a list page, one plan, its adherence)."""
    if read_by.role == Role.CLIENT or not plans:
        return
    record_audit_many(
        actor=read_by,
        action=AuditAction.READ,
        objects=list(plans),
        client_of=lambda plan: plan.client_id,
        detail={"via": via},
    )
