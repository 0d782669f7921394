"""Findings on a draft: muscles as culprits or victims, which culprit pulls on
which victim, muscle-length tests, and intake suggestions accepted with a tap."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from clinic.core.errors import Conflict, InvalidInput
from clinic.core.models import Muscle, User
from clinic.core.services import full_clean_or_400
from notes.models import FindingRole, MuscleFinding, ObjectiveTest, SessionNote, TestKind, TugOfWar
from notes.services.access import audit_write, editable_note

FINDING_FIELDS = frozenset({"side", "role", "tension", "tenderness", "trigger_points", "comment"})


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
    note = editable_note(note, added_by)
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
    audit_write(note, added_by, finding_added=finding.pk)
    return finding


@transaction.atomic
def update_finding(*, finding: MuscleFinding, changed_by: User, **changes: Any) -> MuscleFinding:
    editable_note(finding.note, changed_by)
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
    audit_write(finding.note, changed_by, finding_changed=finding.pk, fields=sorted(changes))
    return finding


@transaction.atomic
def remove_finding(*, finding: MuscleFinding, removed_by: User) -> None:
    note = editable_note(finding.note, removed_by)
    audit_write(note, removed_by, finding_removed=finding.pk)
    finding.delete()


@transaction.atomic
def link_tug_of_war(
    *, note: SessionNote, linked_by: User, culprit: MuscleFinding, victim: MuscleFinding
) -> TugOfWar:
    """Record that a culprit finding pulls on a victim finding (same note)."""
    note = editable_note(note, linked_by)
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
    audit_write(note, linked_by, linked=[culprit.pk, victim.pk])
    return link


@transaction.atomic
def unlink_tug_of_war(*, link: TugOfWar, unlinked_by: User) -> None:
    note = editable_note(link.culprit.note, unlinked_by)
    audit_write(note, unlinked_by, unlinked=[link.culprit_id, link.victim_id])
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
    note = editable_note(note, added_by)
    if test == TestKind.OTHER and not name.strip():
        raise InvalidInput(fields={"name": ["Name the test."]})
    row = ObjectiveTest(
        note=note, test=test, side=side, result=result, degrees=degrees, name=name, comment=comment
    )
    full_clean_or_400(row, exclude=["note"])
    row.save()
    audit_write(note, added_by, test_added=row.pk)
    return row


@transaction.atomic
def remove_test(*, test: ObjectiveTest, removed_by: User) -> None:
    note = editable_note(test.note, removed_by)
    audit_write(note, removed_by, test_removed=test.pk)
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
