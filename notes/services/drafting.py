"""Opening and editing a draft note."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from clinic.core.audit import record_audit
from clinic.core.errors import Conflict, InvalidInput, NotAllowed
from clinic.core.models import AuditAction, Client, User
from clinic.core.selectors import has_client_relationship
from clinic.core.services import full_clean_or_400
from notes.models import NoteKind, SessionNote
from notes.services.access import audit_write, editable_note, therapist_of
from notes.services.prefill import prefill_subjective, subjective_text

NOTE_FIELDS = frozenset(
    {"subjective", "objective", "assessment", "plan", "nrs_before", "nrs_after", "seen_at"}
)


@transaction.atomic
def start_note(
    *,
    client: Client,
    written_by: User,
    appointment: Any = None,
    kind: str = NoteKind.VISIT,
    seen_at: datetime | None = None,
) -> SessionNote:
    """Open a draft for a visit (one per appointment) or a phone consult, with
    the subjective section pre-filled from what the client told us."""
    therapist = therapist_of(written_by)
    if not has_client_relationship(written_by, client):
        raise NotAllowed("You do not treat this client.")
    if appointment is not None:
        if appointment.client_id != client.pk:
            raise InvalidInput(fields={"appointment": ["This appointment is another client's."]})
        if appointment.therapist_id != therapist.pk:
            raise InvalidInput(fields={"appointment": ["This appointment is another therapist's."]})
        if SessionNote.objects.filter(appointment=appointment).exists():
            raise Conflict(
                "This appointment already has a note.",
                fields={"appointment": ["This appointment already has a note."]},
            )
        seen_at = seen_at or appointment.starts_at
        kind = NoteKind.VISIT
    elif kind == NoteKind.VISIT:
        raise InvalidInput(
            fields={
                "appointment": [
                    "A visit note belongs to an appointment; use a phone consult note otherwise."
                ]
            }
        )
    data = prefill_subjective(client)
    note = SessionNote.objects.create(
        clinic_id=client.clinic_id,
        client=client,
        therapist=therapist,
        appointment=appointment,
        kind=kind,
        seen_at=seen_at or timezone.now(),
        subjective_data=data,
        subjective=subjective_text(data),
    )
    record_audit(actor=written_by, action=AuditAction.CREATE, obj=note, client=client)
    return note


@transaction.atomic
def update_note(*, note: SessionNote, changed_by: User, **changes: Any) -> SessionNote:
    """Change a draft's SOAP text, pain ratings or time (its author only)."""
    note = editable_note(note, changed_by)
    unknown = set(changes) - NOTE_FIELDS
    if unknown:
        raise InvalidInput(fields={name: ["Unknown field."] for name in sorted(unknown)})
    for name, value in changes.items():
        setattr(note, name, value)
    full_clean_or_400(note, exclude=["clinic", "client", "therapist", "appointment", "signed_by"])
    note.save()
    audit_write(note, changed_by, fields=sorted(changes))
    return note
