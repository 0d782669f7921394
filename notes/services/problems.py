"""The client's problem list: culprit and victim muscles remembered until a
therapist resolves them.

Signing a note records each culprit and victim finding on the list
(``record_problems_from_note``): a muscle, side and role new to the client
becomes a *suspected* entry; one already on the list is refreshed (last seen
moves) and, recorded at a second visit, becomes *confirmed*; one that was
resolved before this visit is re-opened. An entry a later note does not
mention stays active: only ``resolve_problem`` takes it off (homework safety
reads the active list). A therapist may also confirm an entry by hand.

Whoever changes a client's list takes the client's lock first
(``selectors.lock_problem_list``), so a signing and a resolution never
interleave.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from clinic.core.audit import record_audit
from clinic.core.errors import Conflict, InvalidInput, NotAllowed
from clinic.core.models import AuditAction, Role, User
from clinic.core.selectors import has_client_relationship
from notes import selectors
from notes.models import (
    PROBLEM_REASON_MAX,
    MuscleFinding,
    ProblemEntry,
    ProblemRole,
    ProblemStatus,
    SessionNote,
)


def _clinic_day(note: SessionNote) -> date:
    return timezone.localdate(note.seen_at, ZoneInfo(note.clinic.timezone))


def _seen(entry: ProblemEntry, note: SessionNote, day: date) -> None:
    """Count one more signed note recording the entry, moving first or last seen."""
    entry.times_seen += 1
    if (note.seen_at, note.pk) > (entry.last_seen_note.seen_at, entry.last_seen_note_id):
        entry.last_seen_note, entry.last_seen_on = note, day
    if (note.seen_at, note.pk) < (entry.first_seen_note.seen_at, entry.first_seen_note_id):
        entry.first_seen_note, entry.first_seen_on = note, day


def record_problems_from_note(*, note: SessionNote) -> dict[str, list[int]]:
    """Bring the client's problem list up to date with a note just signed (call
    it inside the signing transaction). Returns the ids of the entries created,
    refreshed and re-opened."""
    assert note.is_signed, "Only a signed note changes the problem list."
    selectors.lock_problem_list(note.client_id)
    findings = MuscleFinding.objects.filter(note=note, role__in=ProblemRole.values).order_by("id")
    if not findings:
        return {"created": [], "refreshed": [], "reopened": []}
    entries: dict[tuple[int, str, str], ProblemEntry] = {}
    for row in (
        ProblemEntry.objects.select_for_update(of=("self",))
        .filter(client_id=note.client_id)
        .select_related("first_seen_note", "last_seen_note")
        .order_by("id")
    ):
        key = (row.muscle_id, row.side, row.role)
        # An active entry wins over an old resolved one of the same key.
        if key not in entries or row.is_active:
            entries[key] = row
    day = _clinic_day(note)
    now = timezone.now()
    changed: dict[str, list[int]] = {"created": [], "refreshed": [], "reopened": []}
    for finding in findings:
        key = (finding.muscle_id, finding.side, finding.role)
        entry = entries.get(key)
        if entry is None:
            entries[key] = created = ProblemEntry.objects.create(
                clinic_id=note.clinic_id,
                client_id=note.client_id,
                muscle_id=finding.muscle_id,
                side=finding.side,
                role=finding.role,
                first_seen_on=day,
                first_seen_note=note,
                last_seen_on=day,
                last_seen_note=note,
            )
            changed["created"].append(created.pk)
            continue
        if note.pk in (entry.first_seen_note_id, entry.last_seen_note_id):
            continue  # this note is already counted
        _seen(entry, note, day)
        if entry.is_active:
            # Recorded at another visit: no longer a one-visit hypothesis.
            entry.status = ProblemStatus.CONFIRMED
            changed["refreshed"].append(entry.pk)
        elif entry.resolved_at is not None and note.seen_at > entry.resolved_at:
            # Found again after it was resolved: a new episode, to be re-checked.
            entry.status = ProblemStatus.SUSPECTED
            entry.reopened_at = now
            entry.confirmed_at, entry.confirmed_by = None, None
            changed["reopened"].append(entry.pk)
        # (A visit from before the resolution, signed late, only counts.)
        entry.save()
    return changed


def _check_may_change(user: User, entry: ProblemEntry) -> None:
    if user.role == Role.OWNER:
        if user.clinic_id != entry.clinic_id:
            raise NotAllowed()
        return
    if user.role != Role.THERAPIST or not has_client_relationship(user, entry.client):
        raise NotAllowed("Only the client's therapist or the owner changes the problem list.")


def _locked(entry: ProblemEntry, by: User) -> ProblemEntry:
    selectors.lock_problem_list(entry.client_id)
    entry = selectors.lock_problem(entry.pk)
    _check_may_change(by, entry)
    return entry


@transaction.atomic
def resolve_problem(*, entry: ProblemEntry, resolved_by: User, reason: str = "") -> ProblemEntry:
    """Take an entry off the active list (the client's therapist or the owner),
    with an optional reason. Homework safety stops warning about it; a later
    signed note that records it again re-opens it."""
    entry = _locked(entry, resolved_by)
    if not entry.is_active:
        raise Conflict("This entry is already resolved.", fields={"status": ["Already resolved."]})
    reason = reason.strip()
    if len(reason) > PROBLEM_REASON_MAX:
        raise InvalidInput(fields={"reason": [f"Give at most {PROBLEM_REASON_MAX} characters."]})
    entry.status = ProblemStatus.RESOLVED
    entry.resolved_at = timezone.now()
    entry.resolved_by = resolved_by
    entry.resolved_reason = reason
    entry.save()
    _audit(entry, resolved_by, problem_resolved=True, reason=reason)
    return entry


@transaction.atomic
def confirm_problem(*, entry: ProblemEntry, confirmed_by: User) -> ProblemEntry:
    """Mark a suspected entry as confirmed (the client's therapist or the
    owner). Confirming a confirmed entry changes nothing; a resolved one is
    re-opened only by a note that records it again."""
    entry = _locked(entry, confirmed_by)
    if not entry.is_active:
        raise Conflict(
            "This entry is resolved: record the muscle in a note to re-open it.",
            fields={"status": ["Resolved entries cannot be confirmed."]},
        )
    if entry.status == ProblemStatus.CONFIRMED:
        return entry
    entry.status = ProblemStatus.CONFIRMED
    entry.confirmed_at = timezone.now()
    entry.confirmed_by = confirmed_by
    entry.save()
    _audit(entry, confirmed_by, problem_confirmed=True)
    return entry


def _audit(entry: ProblemEntry, by: User, **detail: Any) -> None:
    record_audit(actor=by, action=AuditAction.UPDATE, obj=entry, client=entry.client, detail=detail)
