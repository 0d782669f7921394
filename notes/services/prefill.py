"""What a new note's subjective section starts with: what the client told us
in the intake form and, through *sources* that apps above notes register
(homework registers its replies since the last visit), what has happened since.
Notes never import those apps: they plug in here from their ``AppConfig.ready``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from clinic.core.models import Client
from intake import selectors as intake_selectors
from intake.vocabulary import REGION_BY_CODE, TRIGGERS


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
    pain ratings, and what the registered sources add (the homework replies
    since the last visit)."""
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
    return data


def subjective_text(data: dict[str, Any]) -> str:
    lines = []
    for key, source in _SOURCES.items():
        if data.get(key):
            lines.extend(source.lines(data[key]))
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
