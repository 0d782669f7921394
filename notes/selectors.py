"""Reads of session notes, scoped to the caller: therapists read the notes of
clients they treat (or all, by the clinic's setting); the owner reads all;
nobody else reads them at all."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import Prefetch, QuerySet

from clinic.core.models import Client, Role, User
from clinic.core.selectors import list_clients_for
from notes.models import (
    ACTIVE_PROBLEM_STATUSES,
    FindingRole,
    MuscleFinding,
    NoteStatus,
    NoteTemplate,
    ProblemEntry,
    ProblemStatus,
    SessionNote,
    TugOfWar,
)

# Where ``with_note_details`` leaves each note's client's active problem list.
ACTIVE_PROBLEMS_ATTR = "active_problem_entries"


def has_note_access(user: User) -> bool:
    return user.role in (Role.THERAPIST, Role.OWNER)


def list_notes_for(user: User) -> QuerySet[SessionNote]:
    if not has_note_access(user):
        return SessionNote.objects.none()
    return SessionNote.objects.filter(
        client__in=list_clients_for(user, include_archived=True)
    ).select_related("client", "therapist__user", "signed_by")


def with_note_details(qs: QuerySet[SessionNote]) -> QuerySet[SessionNote]:
    """A note with its findings (and their links), tests and addenda, and its
    client's active problem list (``ACTIVE_PROBLEMS_ATTR`` on the client), in a
    fixed number of queries however many notes."""
    findings = MuscleFinding.objects.select_related("muscle").prefetch_related(
        Prefetch("pulls", queryset=TugOfWar.objects.order_by("victim_id"))
    )
    return qs.prefetch_related(
        Prefetch("findings", queryset=findings),
        "tests",
        "addenda__author",
        Prefetch(
            "client__problems",
            queryset=_active(ProblemEntry.objects.select_related("muscle")),
            to_attr=ACTIVE_PROBLEMS_ATTR,
        ),
    )


def list_templates_for(user: User) -> QuerySet[NoteTemplate]:
    if not has_note_access(user) or user.clinic_id is None:
        return NoteTemplate.objects.none()
    return NoteTemplate.objects.filter(clinic_id=user.clinic_id)


def get_note(note_id: int) -> SessionNote:
    """One note with its client and clinic (unscoped: the caller has checked access)."""
    return SessionNote.objects.select_related("client__clinic").get(pk=note_id)


def lock_note(note_id: int) -> SessionNote:
    """One note, locked until the transaction ends (homework proposals from it
    take turns), with its client and clinic."""
    return (
        SessionNote.objects.select_for_update(of=("self",))
        .select_related("client__clinic")
        .get(pk=note_id)
    )


def get_latest_signed_note(client: Client) -> SessionNote | None:
    return (
        SessionNote.objects.filter(client=client, status=NoteStatus.SIGNED)
        .order_by("-seen_at", "-id")
        .first()
    )


def get_last_signed_visit_at(client: Client) -> datetime | None:
    """When the client was last seen, by their newest signed note."""
    return (
        SessionNote.objects.filter(client=client, status=NoteStatus.SIGNED)
        .order_by("-seen_at")
        .values_list("seen_at", flat=True)
        .first()
    )


def list_muscles_by_role(note: SessionNote | None, role: str) -> dict[int, set[str]]:
    """Muscle id -> the sides on which the note records that role (e.g. culprits)."""
    found: dict[int, set[str]] = defaultdict(set)
    if note is not None:
        for muscle_id, side in MuscleFinding.objects.filter(note=note, role=role).values_list(
            "muscle_id", "side"
        ):
            found[muscle_id].add(side)
    return found


def list_chart_findings(notes: list[SessionNote]) -> list[tuple[str, str, str]]:
    """(muscle slug, side, role) of culprits and victims; the newest note wins."""
    seen: dict[tuple[str, str], str] = {}
    for note in sorted(notes, key=lambda n: n.seen_at):
        for finding in note.findings.all():
            if finding.role in (FindingRole.CULPRIT, FindingRole.VICTIM):
                seen[(finding.muscle.slug, finding.side)] = finding.role
    return [(slug, side, role) for (slug, side), role in seen.items()]


def list_culprit_history(client: Client) -> list[dict[str, Any]]:
    """For each culprit muscle and side: the visits where it was found and its
    tension then, oldest first (signed notes only). Two queries."""
    rows = (
        MuscleFinding.objects.filter(
            note__client=client, note__status=NoteStatus.SIGNED, role=FindingRole.CULPRIT
        )
        .select_related("muscle", "note")
        .order_by("note__seen_at", "note_id")
    )
    history: dict[tuple[int, str], dict[str, Any]] = {}
    visits: defaultdict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    for finding in rows:
        key = (finding.muscle_id, finding.side)
        history.setdefault(
            key,
            {
                "muscle": finding.muscle.slug,
                "muscle_name": finding.muscle.name,
                "side": finding.side,
                "visits": visits[key],
            },
        )
        visits[key].append(
            {
                "note": finding.note_id,
                "seen_at": finding.note.seen_at,
                "tension": finding.tension,
                "tenderness": finding.tenderness,
            }
        )
    out = list(history.values())
    for item in out:
        tensions = [v["tension"] for v in item["visits"]]
        item["first_tension"], item["last_tension"] = tensions[0], tensions[-1]
        item["improving"] = tensions[-1] < tensions[0]
    return sorted(out, key=lambda i: (i["muscle_name"], i["side"]))


# --- the problem list ----------------------------------------------------------------------------

PROBLEM_FILTERS = ("active", "suspected", "confirmed", "resolved", "all")


def _active(qs: QuerySet[ProblemEntry]) -> QuerySet[ProblemEntry]:
    return qs.filter(status__in=ACTIVE_PROBLEM_STATUSES).order_by(
        "-role", "muscle__name", "side", "id"
    )


def list_problems_for(user: User) -> QuerySet[ProblemEntry]:
    """Problem entries the user may read: those of the clients whose notes
    they read (therapists and the owner only)."""
    if not has_note_access(user):
        return ProblemEntry.objects.none()
    return ProblemEntry.objects.filter(
        client__in=list_clients_for(user, include_archived=True)
    ).select_related("client", "muscle")


def list_client_problems(client: Client, *, status: str = "active") -> QuerySet[ProblemEntry]:
    """The client's problem list: ``active`` (suspected and confirmed, the
    default), one status, or ``all``; victims first, then by muscle. One query."""
    qs = ProblemEntry.objects.filter(client=client).select_related("muscle")
    if status == "active":
        return _active(qs)
    if status != "all":
        qs = qs.filter(status=status)
    return qs.order_by(
        # Active entries before resolved ones, then as the active list.
        models.Case(
            models.When(status=ProblemStatus.RESOLVED, then=models.Value(1)),
            default=models.Value(0),
        ),
        "-role",
        "muscle__name",
        "side",
        "id",
    )


def list_active_problems(client: Client) -> list[ProblemEntry]:
    """The entries still open (suspected or confirmed), with their muscles."""
    return list(list_client_problems(client))


def list_active_problem_muscles(client: Client, role: str) -> dict[int, set[str]]:
    """Muscle id -> the sides on which the client's active problem list holds
    that role (e.g. victims), whatever the latest note left out."""
    found: dict[int, set[str]] = defaultdict(set)
    for muscle_id, side in ProblemEntry.objects.filter(
        client=client, role=role, status__in=ACTIVE_PROBLEM_STATUSES
    ).values_list("muscle_id", "side"):
        found[muscle_id].add(side)
    return found


def lock_problem_list(client_id: int) -> None:
    """Lock the client's row until the transaction ends: whoever changes the
    client's problem list (signing a note, resolving, confirming) takes turns."""
    Client.objects.select_for_update().filter(pk=client_id).values_list("pk", flat=True).first()


def lock_problem(entry_id: int) -> ProblemEntry:
    """One problem entry, locked, with its client (take ``lock_problem_list`` first)."""
    return (
        ProblemEntry.objects.select_for_update(of=("self",))
        .select_related("client", "muscle")
        .get(pk=entry_id)
    )


def list_latest_signed_notes(client_ids: list[int]) -> dict[int, SessionNote]:
    """Each client's newest signed note with its findings and their muscles
    (unscoped: the caller has checked the reader may see these clients). Two
    queries however many clients: the therapist's day lists last visits."""
    newest = (
        SessionNote.objects.filter(client_id=models.OuterRef("client_id"), status=NoteStatus.SIGNED)
        .order_by("-seen_at", "-id")
        .values("id")[:1]
    )
    findings = MuscleFinding.objects.select_related("muscle").order_by(
        "role", "muscle__name", "side"
    )
    notes = (
        SessionNote.objects.filter(
            client_id__in=client_ids, status=NoteStatus.SIGNED, pk=models.Subquery(newest)
        )
        .select_related("client")
        .prefetch_related(Prefetch("findings", queryset=findings))
    )
    return {note.client_id: note for note in notes}


def list_active_problems_of_clients(client_ids: list[int]) -> dict[int, list[ProblemEntry]]:
    """Each client's active problem list (as ``list_active_problems``), in one
    query however many clients (unscoped: the caller has checked access)."""
    out: dict[int, list[ProblemEntry]] = defaultdict(list)
    for entry in _active(
        ProblemEntry.objects.filter(client_id__in=client_ids).select_related("muscle")
    ):
        out[entry.client_id].append(entry)
    return dict(out)
