"""The migration files of the old main, before session notes and the outbox
left the core ``clinic`` app (commit 72a514e), rebuilt at test time.

``build(dest)`` writes two packages under ``dest``; ``MIGRATION_MODULES`` loads
them (and gives ``None`` to the apps the old main did not have):

* ``legacy_clinic_migrations``: the current ``clinic/core/migrations`` 0001-0007
  copied as they are (unchanged since the old main but for 0001 importing its
  validators from ``clinic.core.validators``, where ``clinic.validators`` now
  lives: the same functions), the old ``0008_session_notes`` and the old
  ``0009_adherence_alert``; no 0010.
* ``legacy_homework_migrations``: the old ``0001_initial`` and the current
  0002 and 0003 (unchanged).

``intake`` and ``scheduling`` keep their current packages: unchanged since the
old main but for scheduling 0001 naming the calendar token's default by its new
name (``scheduling.models.new_calendar_token``, formerly ``_calendar_token``:
the same function renamed; a default callable is not part of the schema, and a
copy naming the old one could not even be imported).

The old 0008 no longer exists anywhere in the tree, so it is stored verbatim in
``clinic/migrations/0008_session_notes.py`` next to this file (that path mirrors
the old main's, and sits under a ``migrations/`` folder so the linters treat it
like every other generated migration). The old clinic 0009 and homework 0001
differ from the current files by one dependency and one ``to=`` each, so they
are *derived* from the current files by those exact substitutions instead of
duplicating ~300 lines. Each substitution must match exactly once, and the
result must hash (SHA-256) to the bytes the old main shipped: if someone edits
one of those current migrations, the derivation stops and says so, rather than
quietly building a legacy state that never existed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]

FROZEN_0008 = HERE / "clinic" / "migrations" / "0008_session_notes.py"
FROZEN_0008_SHA256 = "ee8ed277169dc5a13f4cdc8704f1d6cb4888e090ba3db59c2d7ca94511e2b3cb"

CLINIC_PACKAGE = "legacy_clinic_migrations"
HOMEWORK_PACKAGE = "legacy_homework_migrations"

# Copied unchanged from the current packages.
CLINIC_COPIED = [
    "0001_initial.py",
    "0002_muscle_atlas.py",
    "0003_audit_append_only_trigger.py",
    "0004_notifications_outbox.py",
    "0005_booking_policies.py",
    "0006_notification_attachments.py",
    "0007_intake_link_days.py",
]
HOMEWORK_COPIED = ["0002_exercise_library.py", "0003_reminder_watermark.py"]

# (current file, [(current text, old text)], SHA-256 of the old main's file)
DERIVED: dict[tuple[str, str], tuple[Path, list[tuple[str, str]], str]] = {
    (CLINIC_PACKAGE, "0009_adherence_alert.py"): (
        ROOT / "clinic" / "core" / "migrations" / "0009_adherence_alert.py",
        [('("clinic", "0007_intake_link_days"),', '("clinic", "0008_session_notes"),')],
        "5abea78aabe8f6ea731e9fff20448640dcf97cdbcfae5b2a4a2286aec5bce894",
    ),
    (HOMEWORK_PACKAGE, "0001_initial.py"): (
        ROOT / "homework" / "migrations" / "0001_initial.py",
        [
            ('        ("notes", "0001_initial"),\n', ""),
            ('to="notes.sessionnote",', 'to="clinic.sessionnote",'),
        ],
        "d18667405cc23783b5926e13b25545ee1a2641e5c65d3bb823b214b0550ad26b",
    ),
}

# The leaves of our apps on the old main.
OLD_LEAVES = {
    "clinic": "0009_adherence_alert",
    "intake": "0001_initial",
    "scheduling": "0003_created_by_optional",
    "homework": "0003_reminder_watermark",
}
# Apps the old main did not have (or that have no migrations): no migrations in the legacy run.
NEW_APPS = ("notes", "notifications", "records", "project")
MIGRATION_MODULES: dict[str, str | None] = {
    "clinic": CLINIC_PACKAGE,
    "homework": HOMEWORK_PACKAGE,
    **dict.fromkeys(NEW_APPS),
}


class LegacyMismatch(AssertionError):
    """A current file no longer yields the old main's migration."""


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def derive(current: Path, substitutions: list[tuple[str, str]], sha256: str) -> str:
    """The old text of a migration: the current one with the exact substitutions."""
    text = current.read_text()
    for new, old in substitutions:
        found = text.count(new)
        if found != 1:
            raise LegacyMismatch(f"{current}: expected {new!r} once, found it {found} times")
        text = text.replace(new, old)
    if _sha256(text) != sha256:
        raise LegacyMismatch(
            f"{current} changed: the substitutions no longer give the old main's file; "
            "store the old file verbatim here instead"
        )
    return text


def build(dest: Path) -> None:
    """Write the legacy packages under ``dest``, to be put on ``sys.path`` with
    ``MIGRATION_MODULES`` set to ``MIGRATION_MODULES``."""
    frozen = FROZEN_0008.read_text()
    if _sha256(frozen) != FROZEN_0008_SHA256:
        raise LegacyMismatch(f"{FROZEN_0008} was edited; it must stay the old main's file")
    files: dict[tuple[str, str], str] = {
        (CLINIC_PACKAGE, "__init__.py"): "",
        (HOMEWORK_PACKAGE, "__init__.py"): "",
        (CLINIC_PACKAGE, "0008_session_notes.py"): frozen,
    }
    for name in CLINIC_COPIED:
        files[CLINIC_PACKAGE, name] = (ROOT / "clinic" / "core" / "migrations" / name).read_text()
    for name in HOMEWORK_COPIED:
        files[HOMEWORK_PACKAGE, name] = (ROOT / "homework" / "migrations" / name).read_text()
    for key, (current, substitutions, sha256) in DERIVED.items():
        files[key] = derive(current, substitutions, sha256)
    for (package, name), text in files.items():
        path = dest / package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
