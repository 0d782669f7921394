"""A client's clinical timeline and charts, for therapists: intake forms,
notes with findings and addenda, and outcome scores in date order. A fixed
number of queries however many notes; every clinical record read is audited."""

from __future__ import annotations

from typing import Any

from clinic.core.audit import record_audit, record_audit_many
from clinic.core.models import AuditAction, Client, User
from homework import selectors as homework_selectors
from intake import selectors as intake_selectors
from intake.models import QuestionnaireKind, Submission
from intake.vocabulary import REGION_BY_CODE, TRIGGERS
from notes import selectors
from notes.api.serializers import NoteSerializer


def _submission_item(submission: Submission) -> dict[str, Any]:
    item: dict[str, Any] = {
        "type": "odi" if submission.questionnaire.kind == QuestionnaireKind.ODI else "intake",
        "at": submission.submitted_at,
        "id": submission.pk,
        "referral_flag": submission.referral_flag,
    }
    if item["type"] == "odi":
        item.update(odi_score=submission.odi_score, odi_band=submission.odi_band)
        return item
    item.update(
        pain_regions=[
            REGION_BY_CODE[c].label for c in submission.pain_regions if c in REGION_BY_CODE
        ],
        triggers=[TRIGGERS[c] for c in submission.triggers if c in TRIGGERS],
        nrs_now=submission.nrs_now,
        nrs_worst=submission.nrs_worst,
        nrs_best=submission.nrs_best,
        red_flags=submission.red_flags,
        contraindications=submission.contraindications,
        suggestions=[
            {
                "id": s.pk,
                "muscle": s.muscle.slug,
                "muscle_name": s.muscle.name,
                "side": s.side,
                "rule": s.rule_name,
                "reason": s.reason,
                "shown_as": "Suggestion for assessment",
            }
            for s in submission.suggestions.all()
        ],
    )
    return item


def build(*, client: Client, reader: User) -> dict[str, Any]:
    """The timeline as JSON-ready data."""
    notes = list(
        selectors.with_note_details(
            selectors.list_notes_for(reader).filter(client=client)
        ).order_by("seen_at", "id")
    )
    submissions = list(intake_selectors.list_submissions_of_client(client))
    # The timeline as a whole (pain series, culprit history, homework), then
    # each note and form it shows.
    record_audit(
        actor=reader,
        action=AuditAction.READ,
        obj=client,
        client=client,
        detail={"via": "timeline"},
    )
    if notes:
        record_audit_many(
            actor=reader,
            action=AuditAction.READ,
            objects=list(notes),
            client_of=lambda n: n.client_id,
            detail={"via": "timeline"},
        )
    if submissions:
        record_audit_many(
            actor=reader,
            action=AuditAction.READ,
            objects=list(submissions),
            client_of=lambda sub: sub.client_id,
            detail={"via": "timeline"},
        )
    items: list[dict[str, Any]] = [_submission_item(sub) for sub in submissions]
    for data, note in zip(NoteSerializer(notes, many=True).data, notes, strict=True):
        items.append({"type": "note", "at": note.seen_at, "id": note.pk, "note": data})
    items.sort(key=lambda item: (item["at"], item["type"], item["id"]))
    pain = [
        {"at": r.recorded_at, "score": r.score, "source": r.source}
        for r in intake_selectors.list_pain_ratings(client)
    ]
    return {
        "client": {"id": client.pk, "name": client.full_name},
        "items": items,
        "pain": pain,
        "culprits": selectors.list_culprit_history(client),
        "homework": _homework(client),
        "clearance": _clearance(client),
    }


def _clearance(client: Client) -> dict[str, Any]:
    """Where the client stands with red flags, and how they got there."""
    state = intake_selectors.get_clearance_state(client)
    return {
        "state": state.state,
        "since": state.since,
        "history": [
            {
                "status": record.status,
                "recorded_at": record.recorded_at,
                "recorded_by": (
                    (record.recorded_by.get_full_name() or record.recorded_by.username)
                    if record.recorded_by is not None
                    else ""
                ),
                "automatic": record.recorded_by_id is None,
                "clinician_name": record.clinician_name,
                "cleared_on": record.cleared_on,
                "note": record.note,
                "document": record.document_id,
            }
            for record in intake_selectors.list_clearances_of_client(client)[:20]
        ],
    }


def _homework(client: Client) -> dict[str, Any] | None:
    """The live plan's adherence and the alerts, for before the next visit."""
    plan = homework_selectors.get_live_plan(client)
    alerts = [
        {"kind": a.kind, "raised_on": a.raised_on, "detail": a.detail}
        for a in homework_selectors.list_alerts_for_client(client)[:10]
    ]
    if plan is None and not alerts:
        return None
    return {
        "plan": plan.pk if plan else None,
        "adherence": homework_selectors.get_adherence(plan) if plan else None,
        "alerts": alerts,
    }
