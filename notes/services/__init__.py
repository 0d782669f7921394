"""Writes of session notes, one module per use case. Every function checks that
the note is a draft and that the caller wrote it (addenda excepted), writes,
and audits. See ``signing`` for the hash that locks a signed note."""

from notes.services.access import NoteIsSigned
from notes.services.drafting import start_note, update_note
from notes.services.findings import (
    accept_suggestion,
    add_finding,
    add_test,
    link_tug_of_war,
    remove_finding,
    remove_test,
    unlink_tug_of_war,
    update_finding,
)
from notes.services.prefill import (
    SubjectiveSource,
    prefill_subjective,
    register_subjective_source,
)
from notes.services.problems import (
    confirm_problem,
    record_problems_from_note,
    resolve_problem,
)
from notes.services.reads import record_chart_read
from notes.services.signing import (
    Integrity,
    add_addendum,
    content_hash,
    note_content,
    record_note_read,
    sign_note,
    verify_note_integrity,
)
from notes.services.templates import DEFAULT_TEMPLATES, ensure_default_templates

__all__ = [
    "DEFAULT_TEMPLATES",
    "Integrity",
    "NoteIsSigned",
    "SubjectiveSource",
    "accept_suggestion",
    "add_addendum",
    "add_finding",
    "add_test",
    "confirm_problem",
    "content_hash",
    "ensure_default_templates",
    "link_tug_of_war",
    "note_content",
    "prefill_subjective",
    "record_chart_read",
    "record_note_read",
    "record_problems_from_note",
    "register_subjective_source",
    "remove_finding",
    "remove_test",
    "resolve_problem",
    "sign_note",
    "start_note",
    "unlink_tug_of_war",
    "update_finding",
    "update_note",
    "verify_note_integrity",
]
