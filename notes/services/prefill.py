"""What a new note's subjective section starts with: what the client told us
in the intake form and, through *sources* that apps above notes register
(homework registers its replies since the last visit), what has happened since;
and, to ask about and re-check, what is still open on the client's problem list.
Notes never import those apps: they plug in here from their ``AppConfig.ready``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from clinic.core.models import Client
from intake import selectors as intake_selectors
from intake.vocabulary import REGION_BY_CODE, TRIGGERS
from notes import selectors as notes_selectors


@dataclass(frozen=True)
class SubjectiveSource:
    """``data`` gives JSON-ready facts for a client (or None: nothing to add);
    ``lines`` turns those facts into sentences for the note."""

    data: Callable[[Client], dict[str, Any] | None]
    lines: Callable[[dict[str, Any]], list[str]]


_SOURCES: dict[str, SubjectiveSource] = {}


def register_subjective_source(key: str, source: SubjectiveSource) -> None:
    """Add (or replace) the source stored under ``key`` in ``subjective_data``."""
    _SOURCES[key] = source


def prefill_subjective(client: Client) -> dict[str, Any]:
    """What the client told us: the latest intake's pain map, triggers and
    pain ratings, what the registered sources add (the homework replies
    since the last visit), and ``to_recheck``: the entries still open on the
    client's problem list, to ask about and examine again."""
    data: dict[str, Any] = {}
    submission = intake_selectors.get_latest_intake(client)
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
    for key, source in _SOURCES.items():
        contribution = source.data(client)
        if contribution is not None:
            data[key] = contribution
    to_recheck = [
        {
            "problem": entry.pk,
            "muscle": entry.muscle.slug,
            "muscle_name": entry.muscle.name,
            "side": entry.side,
            "role": entry.role,
            "status": entry.status,
            "first_seen_on": entry.first_seen_on.isoformat(),
            "last_seen_on": entry.last_seen_on.isoformat(),
        }
        for entry in notes_selectors.list_active_problems(client)
    ]
    if to_recheck:
        data["to_recheck"] = to_recheck
    return data


def _recheck_lines(items: list[dict[str, Any]]) -> list[str]:
    lines = ["Still open on the problem list (ask about it and re-check):"]
    for item in items:
        where = f", {item['side']}" if item["side"] else ""
        lines.append(
            f"- {item['muscle_name']}{where}: {item['role']}, {item['status']}, "
            f"last recorded {item['last_seen_on']}."
        )
    return lines


def subjective_text(data: dict[str, Any]) -> str:
    lines = []
    for key, source in _SOURCES.items():
        if data.get(key):
            lines.extend(source.lines(data[key]))
    intake = data.get("intake")
    if intake:
        lines.extend(_intake_lines(intake))
    if data.get("to_recheck"):
        lines.extend(_recheck_lines(data["to_recheck"]))
    return "\n".join(lines)


def _intake_lines(intake: dict[str, Any]) -> list[str]:
    lines = []
    if intake["pain_regions"]:
        lines.append("Pain: " + ", ".join(intake["pain_regions"]).lower() + ".")
    if intake["triggers"]:
        lines.append("Brought on by: " + ", ".join(intake["triggers"]).lower() + ".")
    if intake["nrs_now"] is not None:
        lines.append(
            f"Pain now {intake['nrs_now']}/10, worst {intake['nrs_worst']}/10, "
            f"best {intake['nrs_best']}/10 (intake)."
        )
    return lines
