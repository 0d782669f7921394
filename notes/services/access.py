"""Who may change a note, shared by the note services: a draft is changed only
by the therapist who wrote it; a signed note by nobody."""

from __future__ import annotations

from typing import Any

from clinic.core.audit import record_audit
from clinic.core.errors import Conflict, NotAllowed
from clinic.core.models import AuditAction, Role, Therapist, User
from notes.models import NoteStatus, SessionNote


class NoteIsSigned(Conflict):
    code = "note_signed"
    default_message = "This note is signed and cannot be changed. Add an addendum instead."


def therapist_of(user: User) -> Therapist:
    therapist = Therapist.objects.filter(user_id=user.pk).first()
    if user.role != Role.THERAPIST or therapist is None:
        raise NotAllowed("Only therapists write session notes.")
    return therapist


def editable_note(note: SessionNote, by: User) -> SessionNote:
    """Lock the note and check the caller may change it."""
    note = SessionNote.objects.select_for_update().get(pk=note.pk)
    if note.status == NoteStatus.SIGNED:
        raise NoteIsSigned()
    if note.therapist.user_id != by.pk:
        raise NotAllowed("Only the note's author can change a draft.")
    return note


def audit_write(note: SessionNote, by: User, **detail: Any) -> None:
    record_audit(actor=by, action=AuditAction.UPDATE, obj=note, client=note.client, detail=detail)
