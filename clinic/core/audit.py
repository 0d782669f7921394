"""Writing to the audit trail. Every read or change of a clinical record calls
``record_audit`` in the same transaction as the change."""

from __future__ import annotations

from typing import Any

from django.db import models

from clinic.core.middleware import current_request
from clinic.core.models import AuditAction, AuditEvent, Client, User


def record_audit(
    *,
    actor: User | None,
    action: AuditAction | str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    client: Client | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event; request id and address come from the current request."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    context = current_request.get()
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_role=getattr(actor, "role", "") if actor is not None else "",
        action=str(action),
        object_type=object_type,
        object_id=str(object_id),
        object_repr=str(obj)[:200] if obj is not None else "",
        client=client,
        ip_address=context.ip_address,
        request_id=context.request_id,
        detail=detail or {},
    )


def record_audit_many(
    *,
    actor: User,
    action: AuditAction | str,
    objects: list[models.Model],
    client_of: Any = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one event per object in one INSERT (lists of clinical records)."""
    context = current_request.get()
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=actor,
                actor_role=actor.role,
                action=str(action),
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                object_repr=str(obj)[:200],
                client_id=client_of(obj) if client_of else None,
                ip_address=context.ip_address,
                request_id=context.request_id,
                detail=detail or {},
            )
            for obj in objects
        ]
    )
