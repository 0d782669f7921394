"""Signing, integrity and addenda.

Signing computes a SHA-256 over the note's whole content (SOAP text, pain
ratings, tests, findings and tug-of-war links) in a canonical JSON form and
stores it with the signer and time; ``verify_note_integrity`` recomputes it,
so a row changed behind the application's back is detected.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from clinic.core.audit import record_audit
from clinic.core.errors import Conflict, InvalidInput, NotAllowed
from clinic.core.models import AuditAction, Role, User
from clinic.core.selectors import has_client_relationship
from intake import services as intake_services
from intake.models import PainSource
from notes.models import Addendum, NoteStatus, SessionNote, TugOfWar
from notes.services.access import editable_note
from notes.services.problems import record_problems_from_note


def note_content(note: SessionNote) -> dict[str, Any]:
    """Everything a signature covers, in a canonical, ordered form."""
    findings = list(note.findings.select_related("muscle").order_by("id"))
    links = TugOfWar.objects.filter(culprit__note=note).order_by("culprit_id", "victim_id")
    return {
        "note": note.pk,
        "client": note.client_id,
        "therapist": note.therapist_id,
        "appointment": note.appointment_id,
        "kind": note.kind,
        "seen_at": note.seen_at.isoformat(),
        "subjective": note.subjective,
        "subjective_data": note.subjective_data,
        "objective": note.objective,
        "assessment": note.assessment,
        "plan": note.plan,
        "nrs_before": note.nrs_before,
        "nrs_after": note.nrs_after,
        "tests": [
            [t.test, t.name, t.side, t.result, t.degrees, t.comment]
            for t in note.tests.order_by("id")
        ],
        "findings": [
            [
                f.pk,
                f.muscle.slug,
                f.side,
                f.role,
                f.tension,
                f.tenderness,
                f.trigger_points,
                f.comment,
                f.suggested_by_rule,
            ]
            for f in findings
        ],
        "links": [[link.culprit_id, link.victim_id] for link in links],
    }


def content_hash(note: SessionNote) -> str:
    canonical = json.dumps(
        note_content(note), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


@transaction.atomic
def sign_note(*, note: SessionNote, signed_by: User) -> SessionNote:
    """Lock the note: hash its content and store the hash with signer and time.
    The visit's pain before and after join the client's pain series, and its
    culprits and victims the client's problem list."""
    note = editable_note(note, signed_by)
    now = timezone.now()
    SessionNote.objects.filter(pk=note.pk, status=NoteStatus.DRAFT).update(
        status=NoteStatus.SIGNED,
        signed_at=now,
        signed_by=signed_by,
        content_hash=content_hash(note),
        updated_at=now,
    )
    note.refresh_from_db()
    for score, source in (
        (note.nrs_before, PainSource.VISIT_BEFORE),
        (note.nrs_after, PainSource.VISIT_AFTER),
    ):
        if score is not None:
            intake_services.record_pain(
                client=note.client,
                score=score,
                source=source,
                recorded_at=note.seen_at,
                reference=f"note:{note.pk}",
            )
    problems = record_problems_from_note(note=note)
    record_audit(
        actor=signed_by,
        action=AuditAction.UPDATE,
        obj=note,
        client=note.client,
        detail={
            "signed": True,
            "hash": note.content_hash,
            **{f"problems_{k}": ids for k, ids in problems.items() if ids},
        },
    )
    return note


@dataclass(frozen=True)
class Integrity:
    ok: bool
    stored: str
    computed: str


def verify_note_integrity(note: SessionNote) -> Integrity:
    """Recompute a signed note's hash from what is stored now."""
    note = SessionNote.objects.get(pk=note.pk)
    if note.status != NoteStatus.SIGNED:
        raise Conflict("Only a signed note has a signature to check.")
    computed = content_hash(note)
    return Integrity(ok=computed == note.content_hash, stored=note.content_hash, computed=computed)


@transaction.atomic
def add_addendum(*, note: SessionNote, written_by: User, text: str) -> Addendum:
    """A correction or later remark under a signed note (a therapist who treats
    the client, or the owner)."""
    note = SessionNote.objects.select_related("client").get(pk=note.pk)
    if note.status != NoteStatus.SIGNED:
        raise Conflict("Edit the draft instead; addenda are for signed notes.")
    if written_by.role == Role.OWNER:
        if written_by.clinic_id != note.clinic_id:
            raise NotAllowed()
    elif written_by.role != Role.THERAPIST or not has_client_relationship(written_by, note.client):
        raise NotAllowed()
    if not text.strip():
        raise InvalidInput(fields={"text": ["Write the addendum."]})
    addendum = Addendum.objects.create(note=note, author=written_by, text=text.strip())
    record_audit(actor=written_by, action=AuditAction.CREATE, obj=addendum, client=note.client)
    return addendum


def record_note_read(*, note: SessionNote, read_by: User, via: str = "api") -> None:
    record_audit(
        actor=read_by, action=AuditAction.READ, obj=note, client=note.client, detail={"via": via}
    )
