"""A clinic's starting quick phrases for notes, read from
``notes/data/quick_phrases.json`` (section, title and text of each, in the
order the therapist sees them)."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any, NamedTuple

from django.db import transaction

from clinic.core.models import Clinic
from notes.models import NoteSection, NoteTemplate


class QuickPhrase(NamedTuple):
    section: str
    title: str
    text: str


def _load_quick_phrases() -> list[QuickPhrase]:
    """The phrases in the file, checked: a misspelt section fails at start-up."""
    name = "quick_phrases.json"
    raw: Any = json.loads((files("notes") / "data" / name).read_text(encoding="utf-8"))
    phrases = []
    for i, record in enumerate(raw):
        if (
            not isinstance(record, dict)
            or set(record) != set(QuickPhrase._fields)
            or not all(isinstance(value, str) for value in record.values())
        ):
            raise ValueError(f"{name}, phrase {i}: expected texts {list(QuickPhrase._fields)}")
        phrase = QuickPhrase(**record)
        if phrase.section not in NoteSection.values:
            raise ValueError(f"{name}, phrase {i}: unknown section {phrase.section!r}")
        phrases.append(phrase)
    return phrases


DEFAULT_TEMPLATES = _load_quick_phrases()


@transaction.atomic
def ensure_default_templates(clinic: Clinic) -> int:
    """Give a clinic starting quick phrases (once: a clinic that has any keeps
    its own); it edits them in the admin. Return how many were created."""
    if NoteTemplate.objects.filter(clinic=clinic).exists():
        return 0
    created = NoteTemplate.objects.bulk_create(
        NoteTemplate(clinic=clinic, section=section, title=title, text=text, order=i)
        for i, (section, title, text) in enumerate(DEFAULT_TEMPLATES)
    )
    return len(created)
