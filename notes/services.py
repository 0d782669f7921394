"""Writes of session notes. Every function checks that the note is a draft and
that the caller wrote it (addenda excepted), writes, and audits.

Signing computes a SHA-256 over the note's whole content (SOAP text, pain
ratings, tests, findings and tug-of-war links) in a canonical JSON form and
stores it with the signer and time; ``verify_note_integrity`` recomputes it,
so a row changed behind the application's back is detected.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from clinic.core.audit import record_audit
from clinic.core.errors import Conflict, InvalidInput, NotAllowed
from clinic.core.models import AuditAction, Client, Muscle, Role, Therapist, User
from clinic.core.selectors import has_client_relationship
from notes.models import (
    Addendum,
    FindingRole,
    MuscleFinding,
    NoteKind,
    NoteStatus,
    ObjectiveTest,
    SessionNote,
    TestKind,
    TugOfWar,
)

NOTE_FIELDS = frozenset(
    {"subjective", "objective", "assessment", "plan", "nrs_before", "nrs_after", "seen_at"}
)
FINDING_FIELDS = frozenset({"side", "role", "tension", "tenderness", "trigger_points", "comment"})


class NoteIsSigned(Conflict):
    code = "note_signed"
    default_message = "This note is signed and cannot be changed. Add an addendum instead."


def _therapist_of(user: User) -> Therapist:
    therapist = Therapist.objects.filter(user_id=user.pk).first()
    if user.role != Role.THERAPIST or therapist is None:
        raise NotAllowed("Only therapists write session notes.")
    return therapist


def _editable(note: SessionNote, by: User) -> SessionNote:
    """Lock the note and check the caller may change it."""
    note = SessionNote.objects.select_for_update().get(pk=note.pk)
    if note.status == NoteStatus.SIGNED:
        raise NoteIsSigned()
    if note.therapist.user_id != by.pk:
        raise NotAllowed("Only the note's author can change a draft.")
    return note


def _audit_write(note: SessionNote, by: User, **detail: Any) -> None:
    record_audit(actor=by, action=AuditAction.UPDATE, obj=note, client=note.client, detail=detail)


# --- starting and editing -------------------------------------------------------------------


def prefill_subjective(client: Client) -> dict[str, Any]:
    """What the client told us: the latest intake's pain map, triggers and
    pain ratings, and the homework replies since the last visit."""
    from intake import selectors as intake_selectors
    from intake.vocabulary import REGION_BY_CODE, TRIGGERS

    data: dict[str, Any] = {}
    submission = intake_selectors.latest_intake(client)
    if submission is not None:
        data["intake"] = {
            "submission": submission.pk,
            "submitted_at": submission.submitted_at.isoformat(),
            "pain_regions": [
                REGION_BY_CODE[c].label for c in submission.pain_regions if c in REGION_BY_CODE
            ],
            "triggers": [TRIGGERS[c] for c in submission.triggers if c in TRIGGERS],
            "nrs_now": submission.nrs_now,
            "nrs_worst": submission.nrs_worst,
            "nrs_best": submission.nrs_best,
            "red_flags": submission.red_flags,
            "contraindications": submission.contraindications,
            "anticoagulants": submission.anticoagulants,
        }
    from homework import selectors as homework_selectors

    replies = homework_selectors.replies_since_last_visit(client)
    if replies is not None:
        data["homework"] = replies
    return data


def _subjective_text(data: dict[str, Any]) -> str:
    lines = []
    homework = data.get("homework")
    if homework:
        pain = ", ".join(f"{p['score']}/10" for p in homework["pain"])
        lines.append(
            f"Homework since last visit: {homework['done']} session(s) done, "
            f"{homework['skipped']} skipped" + (f"; pain replies {pain}." if pain else ".")
        )
    intake = data.get("intake")
    if not intake:
        return "\n".join(lines)
    if intake["pain_regions"]:
        lines.append("Pain: " + ", ".join(intake["pain_regions"]).lower() + ".")
    if intake["triggers"]:
        lines.append("Brought on by: " + ", ".join(intake["triggers"]).lower() + ".")
    if intake["nrs_now"] is not None:
        lines.append(
            f"Pain now {intake['nrs_now']}/10, worst {intake['nrs_worst']}/10, "
            f"best {intake['nrs_best']}/10 (intake)."
        )
    return "\n".join(lines)


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
    therapist = _therapist_of(written_by)
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
        subjective=_subjective_text(data),
    )
    record_audit(actor=written_by, action=AuditAction.CREATE, obj=note, client=client)
    return note


@transaction.atomic
def update_note(*, note: SessionNote, changed_by: User, **changes: Any) -> SessionNote:
    """Change a draft's SOAP text, pain ratings or time (its author only)."""
    note = _editable(note, changed_by)
    unknown = set(changes) - NOTE_FIELDS
    if unknown:
        raise InvalidInput(fields={name: ["Unknown field."] for name in sorted(unknown)})
    for name, value in changes.items():
        setattr(note, name, value)
    from clinic.core.services import full_clean_or_400

    full_clean_or_400(note, exclude=["clinic", "client", "therapist", "appointment", "signed_by"])
    note.save()
    _audit_write(note, changed_by, fields=sorted(changes))
    return note


# --- findings, links and tests ----------------------------------------------------------------


def _check_side(muscle: Muscle, side: str) -> None:
    if muscle.sided and side not in ("left", "right", "both"):
        raise InvalidInput(fields={"side": [f"{muscle.name} is sided: say left, right or both."]})
    if not muscle.sided and side:
        raise InvalidInput(fields={"side": [f"{muscle.name} is a midline muscle: give no side."]})


def _check_scale(name: str, value: int) -> None:
    if not 0 <= value <= 3:
        raise InvalidInput(fields={name: ["Rate from 0 (none) to 3 (severe)."]})


@transaction.atomic
def add_finding(
    *,
    note: SessionNote,
    added_by: User,
    muscle: Muscle,
    side: str,
    role: str,
    tension: int = 0,
    tenderness: int = 0,
    trigger_points: bool = False,
    comment: str = "",
    suggestion: Any = None,
) -> MuscleFinding:
    """Record one muscle on one side: culprit, victim or neither, how tight and
    how tender. A side is refused for a midline muscle, and required otherwise."""
    note = _editable(note, added_by)
    _check_side(muscle, side)
    _check_scale("tension", tension)
    _check_scale("tenderness", tenderness)
    if role not in FindingRole.values:
        raise InvalidInput(fields={"role": ["Choose culprit, victim or neither."]})
    if MuscleFinding.objects.filter(note=note, muscle=muscle, side=side).exists():
        raise Conflict(
            f"{muscle.name} ({side or 'midline'}) is already in this note.",
            fields={"muscle": ["Already recorded on this side."]},
        )
    finding = MuscleFinding.objects.create(
        note=note,
        muscle=muscle,
        side=side,
        role=role,
        tension=tension,
        tenderness=tenderness,
        trigger_points=trigger_points,
        comment=comment,
        suggestion=suggestion,
        suggested_by_rule=suggestion.rule_name if suggestion is not None else "",
    )
    _audit_write(note, added_by, finding_added=finding.pk)
    return finding


@transaction.atomic
def update_finding(*, finding: MuscleFinding, changed_by: User, **changes: Any) -> MuscleFinding:
    _editable(finding.note, changed_by)
    unknown = set(changes) - FINDING_FIELDS
    if unknown:
        raise InvalidInput(fields={name: ["Unknown field."] for name in sorted(unknown)})
    if "side" in changes:
        _check_side(finding.muscle, changes["side"])
    for scale in ("tension", "tenderness"):
        if scale in changes:
            _check_scale(scale, changes[scale])
    for name, value in changes.items():
        setattr(finding, name, value)
    if "role" in changes:
        # A finding that is no longer a culprit or victim leaves its links.
        if changes["role"] != FindingRole.CULPRIT:
            finding.pulls.all().delete()
        if changes["role"] != FindingRole.VICTIM:
            finding.pulled_by.all().delete()
    finding.save()
    _audit_write(finding.note, changed_by, finding_changed=finding.pk, fields=sorted(changes))
    return finding


@transaction.atomic
def remove_finding(*, finding: MuscleFinding, removed_by: User) -> None:
    note = _editable(finding.note, removed_by)
    _audit_write(note, removed_by, finding_removed=finding.pk)
    finding.delete()


@transaction.atomic
def link_tug_of_war(
    *, note: SessionNote, linked_by: User, culprit: MuscleFinding, victim: MuscleFinding
) -> TugOfWar:
    """Record that a culprit finding pulls on a victim finding (same note)."""
    note = _editable(note, linked_by)
    problems = {}
    if culprit.note_id != note.pk:
        problems["culprit"] = ["This finding belongs to another note."]
    elif culprit.role != FindingRole.CULPRIT:
        problems["culprit"] = ["Only a culprit finding pulls on a victim."]
    if victim.note_id != note.pk:
        problems["victim"] = ["This finding belongs to another note."]
    elif victim.role != FindingRole.VICTIM:
        problems["victim"] = ["Only a victim finding can be pulled on."]
    if problems:
        raise InvalidInput(fields=problems)
    link, _ = TugOfWar.objects.get_or_create(culprit=culprit, victim=victim)
    _audit_write(note, linked_by, linked=[culprit.pk, victim.pk])
    return link


@transaction.atomic
def unlink_tug_of_war(*, link: TugOfWar, unlinked_by: User) -> None:
    note = _editable(link.culprit.note, unlinked_by)
    _audit_write(note, unlinked_by, unlinked=[link.culprit_id, link.victim_id])
    link.delete()


@transaction.atomic
def add_test(
    *,
    note: SessionNote,
    added_by: User,
    test: str,
    side: str,
    result: str,
    degrees: int | None = None,
    name: str = "",
    comment: str = "",
) -> ObjectiveTest:
    note = _editable(note, added_by)
    if test == TestKind.OTHER and not name.strip():
        raise InvalidInput(fields={"name": ["Name the test."]})
    row = ObjectiveTest(
        note=note, test=test, side=side, result=result, degrees=degrees, name=name, comment=comment
    )
    from clinic.core.services import full_clean_or_400

    full_clean_or_400(row, exclude=["note"])
    row.save()
    _audit_write(note, added_by, test_added=row.pk)
    return row


@transaction.atomic
def remove_test(*, test: ObjectiveTest, removed_by: User) -> None:
    note = _editable(test.note, removed_by)
    _audit_write(note, removed_by, test_removed=test.pk)
    test.delete()


@transaction.atomic
def accept_suggestion(
    *, note: SessionNote, accepted_by: User, suggestion: Any
) -> list[MuscleFinding]:
    """One tap: an intake rule's suggestion becomes a culprit finding (both
    sides become a left and a right finding), keeping the rule it came from."""
    if suggestion.submission.client_id != note.client_id:
        raise InvalidInput(fields={"suggestion": ["This suggestion is for another client."]})
    muscle = suggestion.muscle
    if not muscle.sided:
        sides = [""]
    elif suggestion.side == "both":
        sides = ["left", "right"]
    else:
        sides = [suggestion.side]
    created = []
    for side in sides:
        if MuscleFinding.objects.filter(note=note, muscle=muscle, side=side).exists():
            continue
        created.append(
            add_finding(
                note=note,
                added_by=accepted_by,
                muscle=muscle,
                side=side,
                role=FindingRole.CULPRIT,
                suggestion=suggestion,
                comment="From the intake suggestion: " + suggestion.rule_name,
            )
        )
    return created


# --- signing, integrity, addenda -----------------------------------------------------------------


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
    The visit's pain before and after join the client's pain series."""
    note = _editable(note, signed_by)
    now = timezone.now()
    SessionNote.objects.filter(pk=note.pk, status=NoteStatus.DRAFT).update(
        status=NoteStatus.SIGNED,
        signed_at=now,
        signed_by=signed_by,
        content_hash=content_hash(note),
        updated_at=now,
    )
    note.refresh_from_db()
    from intake import services as intake_services
    from intake.models import PainSource

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
    record_audit(
        actor=signed_by,
        action=AuditAction.UPDATE,
        obj=note,
        client=note.client,
        detail={"signed": True, "hash": note.content_hash},
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


DEFAULT_TEMPLATES = [
    (
        "subjective",
        "Better since last visit",
        "Reports less pain since the last visit; did the stretches most days.",
    ),
    (
        "subjective",
        "Worse after sitting",
        "Pain worse after long sitting at work this week; eases when walking.",
    ),
    (
        "objective",
        "Anterior pelvic tilt",
        "Standing posture: anterior pelvic tilt, increased lumbar lordosis.",
    ),
    ("objective", "Hip hike in gait", "Gait: hikes the hip on the painful side; short stride."),
    (
        "assessment",
        "Front-of-thigh culprit",
        "Short rectus femoris pulling the pelvis forward; lumbar erectors overstretched (victims).",
    ),
    (
        "assessment",
        "Hip flexor culprit",
        "Short iliopsoas from prolonged sitting; low back compensating.",
    ),
    (
        "plan",
        "Release and stretch culprits",
        "Release and stretch the culprit muscles; no stretching of the victim muscles. "
        "Homework as prescribed; review in one week.",
    ),
    (
        "plan",
        "Refer to doctor",
        "Red flags reported: advised to see their doctor before further treatment.",
    ),
]


@transaction.atomic
def ensure_default_templates(clinic: Any) -> None:
    """Give a clinic starting quick phrases (once); it edits them in the admin."""
    from notes.models import NoteTemplate

    if NoteTemplate.objects.filter(clinic=clinic).exists():
        return
    NoteTemplate.objects.bulk_create(
        NoteTemplate(clinic=clinic, section=section, title=title, text=text, order=i)
        for i, (section, title, text) in enumerate(DEFAULT_TEMPLATES)
    )


def record_note_read(*, note: SessionNote, read_by: User, via: str = "api") -> None:
    record_audit(
        actor=read_by, action=AuditAction.READ, obj=note, client=note.client, detail={"via": via}
    )
