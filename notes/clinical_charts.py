"""The charts a therapist reads: the body chart of one note or of a client's
last visits, and the pain trend with the visits marked. Reads of signed notes
are audited."""

from __future__ import annotations

from clinic.core.audit import record_audit_many
from clinic.core.models import AuditAction, Client, Muscle, User
from intake import selectors as intake_selectors
from notes import bodychart, charts, selectors
from notes.models import NoteStatus, SessionNote


def _muscle_names() -> dict[str, str]:
    return dict(Muscle.objects.values_list("slug", "name"))


def note_body_chart(note: SessionNote) -> str:
    return bodychart.render(
        selectors.list_chart_findings([note]),
        names=_muscle_names(),
        title=f"Body chart, {note.client.full_name}, {note.seen_at:%d %b %Y}",
    )


def client_body_chart(*, client: Client, reader: User, visits: int) -> str:
    notes = list(
        selectors.with_note_details(
            selectors.list_notes_for(reader).filter(client=client, status=NoteStatus.SIGNED)
        ).order_by("-seen_at")[:visits]
    )
    if notes:
        record_audit_many(
            actor=reader,
            action=AuditAction.READ,
            objects=list(notes),
            client_of=lambda n: n.client_id,
            detail={"via": "body chart"},
        )
    return bodychart.render(
        selectors.list_chart_findings(notes),
        names=_muscle_names(),
        title=f"Body chart, {client.full_name}, last {len(notes)} visit(s)",
    )


def pain_trend(*, client: Client) -> str:
    points = [
        (r.recorded_at, r.score, r.source) for r in intake_selectors.list_pain_ratings(client)
    ]
    visits = list(
        SessionNote.objects.filter(client=client, status=NoteStatus.SIGNED)
        .order_by("seen_at")
        .values_list("seen_at", flat=True)
    )
    return charts.render_pain_trend(points, visits, title=f"Pain over time, {client.full_name}")
