"""Homework's part of a new session note: the replies since the last visit,
plugged into notes' subjective section (notes never import homework)."""

from __future__ import annotations

from typing import Any

from homework import selectors
from notes.services import SubjectiveSource


def replies_as_sentences(replies: dict[str, Any]) -> list[str]:
    """``get_replies_since_last_visit`` as a line of a note's subjective section."""
    pain = ", ".join(f"{p['score']}/10" for p in replies["pain"])
    return [
        f"Homework since last visit: {replies['done']} session(s) done, "
        f"{replies['skipped']} skipped" + (f"; pain replies {pain}." if pain else ".")
    ]


SUBJECTIVE_SOURCE = SubjectiveSource(
    data=selectors.get_replies_since_last_visit, lines=replies_as_sentences
)
