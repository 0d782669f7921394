"""A database at the old main (session notes and the outbox still models of the
core ``clinic`` app) migrates forward to today's apps with every row intact.

How: a scratch database of the same backend as this test run (SQLite: a file;
PostgreSQL: ``CREATE DATABASE`` on the test database's server, dropped after)
is brought to the old main's migration state *with the old main's migration
files* (``legacy_migrations``), filled with a practice's rows through the
historical models, then migrated by today's ``migrate``. Each of those runs in
a process of its own (``migration_forward_steps``), so this session's own test
database is never touched and the legacy and current migration modules never
meet in one app registry. The tests compare what the two steps read.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from psycopg import sql

from tests.notes import legacy_migrations

atlas_review = importlib.import_module("clinic.core.migrations.0013_atlas_review")
doses = importlib.import_module("homework.migrations.0005_doses_and_schedules")
# homework.0005: the caution flags any library row may hold (raw: JSON text or a list).
_FLAGS = [[], *doses.CAUTION_FLAGS.values(), *(row[8] for row in doses.DISCOURAGED)]

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
NOTE_MODELS = [
    "addendum",
    "musclefinding",
    "notetemplate",
    "objectivetest",
    "sessionnote",
    "tugofwar",
]
# Content type then -> content type now (same row, same id).
MOVED = {f"clinic.{model}": f"notes.{model}" for model in NOTE_MODELS} | {
    "clinic.notification": "notifications.notification"
}
# What the move adds on a database at the old main (notes.0001 by replacement);
# migrations written after the move may come on top.
NEW_MIGRATIONS = {
    ("clinic", "0010_notification_moved"),
    ("notifications", "0001_initial"),
    ("notes", "0001_initial"),
    ("notes", "0002_content_types"),
}
OUR_APPS = ("clinic", "notifications", "intake", "scheduling", "notes", "homework")
# Tables where migrate's own bookkeeping may add rows (never change or remove one).
BOOKKEEPING = {
    "django_migrations",
    "django_content_type",
    "auth_permission",
    "auth_group_permissions",
}
# Reference data a data migration reviews on purpose, with how many rows it
# may change or remove and how many it may add: clinic.0013_atlas_review changes
# psoas minor and removes and adds antagonist pairs (stored both ways), from the
# explicit lists in that migration.
REVIEWED = {
    "clinic_muscle": (len({c[0] for c in atlas_review.CHANGED}),) * 2,
    "clinic_muscle_antagonists": (
        2 * len(atlas_review.REMOVED_ANTAGONISTS),
        2 * len(atlas_review.ADDED_ANTAGONISTS),
    ),
    # homework.0005_doses_and_schedules adds the stretches the method
    # discourages to the shared library (with their targets), changing no row.
    "homework_exercise": (0, len(doses.DISCOURAGED)),
    "homework_exercisetarget": (0, sum(len(row[5]) for row in doses.DISCOURAGED)),
}
# Columns added to old tables since the old main, with the value every old row
# must get (raw, as each backend's cursor gives it back). Any other new column
# still fails the comparisons below.
ADDED_COLUMNS: dict[str, dict[str, tuple[Any, ...]]] = {
    "clinic_clinic": {"require_two_factor_for_staff": (False, 0)},
    "clinic_notification": {
        "attempt_started_at": (None,),
        "first_attempt_at": (None,),
        "maybe_delivered_at": (None,),
    },
    "intake_intakeinvitation": {"revoked_at": (None,)},
    # clinic.0013_atlas_review: every seeded muscle cites its reference.
    "clinic_muscle": {"reference": atlas_review.ALL_REFERENCES},
    # intake.0005_rules_and_questions.
    "intake_culpritrule": {"source_note": ("",)},
    # homework.0005_doses_and_schedules.
    "homework_dosingprofile": {
        "dose_kinds": ('["static_hold"]', ["static_hold"]),
        "how_to_move": ("",),
        "if_it_hurts": ("",),
    },
    "homework_exercise": {
        "caution_flags": (*_FLAGS, *(json.dumps(flags) for flags in _FLAGS)),
        "dose_kind": ("static_hold", "dynamic_reps", "release_time", "strength_sets"),
    },
    "homework_planitem": {"days_of_week": ("[]", [])},
    # homework.0006_clearance_override (columns of 0005 go before these).
    "homework_homeworkplan": {
        "days_set_by_hand": (False, 0),
        "clearance_override_at": (None,),
        "clearance_override_by_id": (None,),
        "clearance_override_reason": ("",),
    },
}
ADDED_FIELDS: dict[str, dict[str, Any]] = {
    "clinic.Clinic": {"require_two_factor_for_staff": False},
    "notifications.Notification": {
        "attempt_started_at": None,
        "first_attempt_at": None,
        "maybe_delivered_at": None,
    },
    "intake.IntakeInvitation": {"revoked_at": None},
    "intake.CulpritRule": {"source_note": ""},
    "homework.HomeworkPlan": {
        "days_set_by_hand": False,
        "clearance_override_at": None,
        "clearance_override_by_id": None,
        "clearance_override_reason": "",
    },
}
# Subprocesses must not see settings meant for this run's services.
LEAVE_OUT = {"DATABASE_URL", "CACHE_URL", "EMAIL_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG"}


class ScratchDatabases:
    """Empty databases of the backend this test run uses, removed afterwards."""

    def __init__(self, workdir: Path) -> None:
        self.vendor = connection.vendor  # no query: the test database stays untouched
        self.workdir = workdir
        self.created: list[str] = []
        default = settings.DATABASES["default"]
        self.server = {
            "host": default.get("HOST") or "127.0.0.1",
            "port": int(default.get("PORT") or 5432),
            "user": default.get("USER") or "postgres",
            "password": default.get("PASSWORD") or "",
        }

    def create(self, label: str) -> str:
        """A new empty database; returns its DATABASE_URL."""
        if self.vendor == "sqlite":
            return f"sqlite:///{self.workdir / f'{label}.sqlite3'}"
        name = f"clinic_migration_{label}_{uuid.uuid4().hex[:10]}"
        with self._admin() as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        self.created.append(name)
        server = self.server
        password = f":{quote(server['password'], safe='')}" if server["password"] else ""
        return (
            f"postgres://{quote(server['user'], safe='')}{password}"
            f"@{server['host']}:{server['port']}/{name}"
        )

    def drop_all(self) -> None:
        if not self.created:
            return
        with self._admin() as admin:
            for name in self.created:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        self.created.clear()

    def _admin(self) -> psycopg.Connection[Any]:
        return psycopg.connect(
            dbname="postgres", autocommit=True, connect_timeout=10, **self.server
        )


Step = Callable[..., dict[str, Any]]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Iterator[ScratchDatabases]:
    if connection.vendor not in ("sqlite", "postgresql"):
        pytest.skip(f"no scratch databases for {connection.vendor}")
    databases = ScratchDatabases(tmp_path_factory.mktemp("scratch"))
    yield databases
    databases.drop_all()


@pytest.fixture(scope="module")
def run_step(tmp_path_factory) -> Step:
    """Run one step of ``migration_forward_steps`` on a database; its JSON."""
    workdir = tmp_path_factory.mktemp("steps")

    def run(step: str, database_url: str, *args: str) -> dict[str, Any]:
        out = workdir / f"{step}-{uuid.uuid4().hex[:8]}.json"
        env = {k: v for k, v in os.environ.items() if k not in LEAVE_OUT}
        env.update(
            DATABASE_URL=database_url,
            DJANGO_SETTINGS_MODULE="clinic.project.settings",
            DJANGO_ENV="test",
            CELERY_BROKER_URL="memory://",
            CLINIC_VAR_DIR=str(workdir / "var"),
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        )
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "tests.notes.migration_forward_steps",
                step,
                "--out",
                str(out),
                *args,
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        if result.returncode != 0:
            pytest.fail(f"step {step} failed:\n{result.stdout}\n{result.stderr[-8000:]}")
        return json.loads(out.read_text())

    return run


@pytest.fixture(scope="module")
def upgraded(scratch, run_step, tmp_path_factory) -> tuple[dict[str, Any], dict[str, Any]]:
    """(what the old main's database held, what today's code reads after migrate)."""
    legacy_dir = tmp_path_factory.mktemp("legacy")
    legacy_migrations.build(legacy_dir)
    url = scratch.create("upgrade")
    before = run_step("legacy", url, "--legacy", str(legacy_dir))
    practice = tmp_path_factory.mktemp("practice") / "legacy.json"
    practice.write_text(json.dumps(before))
    after = run_step("current", url, "--practice", str(practice))
    return before, after


def _ours(applied: list[list[str]]) -> set[tuple[str, str]]:
    return {(app, name) for app, name in applied if app in OUR_APPS}


def _rows(dump: dict[str, Any]) -> Counter[str]:
    return Counter(json.dumps(row, sort_keys=True) for row in dump["rows"])


def _moved_content_type_ids(before: dict[str, Any]) -> set[int]:
    return {before["content_types"][label] for label in MOVED}


def test_the_legacy_database_is_at_the_old_main_built_from_the_old_files(upgraded, scratch):
    before, _ = upgraded
    assert before["database"]["vendor"] == scratch.vendor
    leaves = {app: name for app, name in before["leaves"] if app in OUR_APPS}
    assert leaves == legacy_migrations.OLD_LEAVES
    files = before["migration_files"]
    assert "legacy_clinic_migrations/0008_session_notes.py" in files["clinic.0008_session_notes"]
    assert "legacy_homework_migrations/0001_initial.py" in files["homework.0001_initial"]
    assert "clinic.0010_notification_moved" not in files
    applied = _ours(before["applied"])
    assert ("clinic", "0008_session_notes") in applied
    assert not {app for app, _ in applied} & {"notes", "notifications"}
    assert not [label for label in before["content_types"] if label.startswith(("notes.", "notif"))]


def test_migrate_records_the_moves_and_leaves_nothing_pending(upgraded, scratch):
    before, after = upgraded
    assert after["database"] == before["database"]
    assert after["database"]["name"] != settings.DATABASES["default"]["NAME"]
    assert after["applied_before"] == before["applied"]
    assert after["pending"] == []
    added = {tuple(m) for m in after["applied"]} - {tuple(m) for m in before["applied"]}
    assert added >= NEW_MIGRATIONS
    # The replaced migration's row stays: notes.0001 counts as applied because of it.
    assert ("clinic", "0008_session_notes") in _ours(after["applied"])


def test_every_inserted_row_reads_back_through_the_current_models(upgraded):
    before, after = upgraded
    counts = {label: len(rows) for label, rows in before["rows"].items()}
    assert counts["notes.SessionNote"] == 2 and counts["notes.MuscleFinding"] == 3
    assert all(counts.values()), counts
    for label, rows in before["rows"].items():
        added = ADDED_FIELDS.get(label, {})
        assert after["rows"][label] == [{**row, **added} for row in rows], label
    statuses = {note["status"] for note in after["rows"]["notes.SessionNote"]}
    assert statuses == {"draft", "signed"}


def test_no_row_of_any_table_is_lost_or_changed(upgraded):
    before, after = upgraded
    for table, dump in before["tables"].items():
        assert table in after["tables"], f"{table} is gone"
        now = after["tables"][table]
        added = ADDED_COLUMNS.get(table, {})
        expected = dump["columns"] + list(added)
        assert sorted(now["columns"]) == sorted(expected), table
        # SQLite rebuilds a table to add a NOT NULL column and puts a
        # self-reference (a plan's superseded_by) last: compare by name.
        now = _in_order(now, expected)
        now = _without_added_columns(now, added, table)
        if table == "django_content_type":
            dump = _renamed_content_types(dump)
        missing = _rows(dump) - _rows(now)
        added = _rows(now) - _rows(dump)
        if table in REVIEWED:
            assert (missing.total(), added.total()) == REVIEWED[table], table
            continue
        assert not missing, f"{table}: rows lost or changed: {sorted(missing)[:5]}"
        assert not added or table in BOOKKEEPING, f"{table}: rows added: {sorted(added)[:5]}"


def _in_order(dump: dict[str, Any], columns: list[str]) -> dict[str, Any]:
    at = [dump["columns"].index(column) for column in columns]
    return {"columns": columns, "rows": [[row[i] for i in at] for row in dump["rows"]]}


def _without_added_columns(
    dump: dict[str, Any], added: dict[str, tuple[Any, ...]], table: str
) -> dict[str, Any]:
    """The rows without the columns added since, each of which must hold its
    default in every row."""
    keep = len(dump["columns"]) - len(added)
    for offset, (column, defaults) in enumerate(added.items()):
        values = {json.dumps(row[keep + offset]) for row in dump["rows"]}
        allowed = {json.dumps(value) for value in defaults}
        assert values <= allowed, f"{table}.{column}: {values}"
    return {"columns": dump["columns"][:keep], "rows": [row[:keep] for row in dump["rows"]]}


def _renamed_content_types(dump: dict[str, Any]) -> dict[str, Any]:
    app, model = dump["columns"].index("app_label"), dump["columns"].index("model")
    rows = []
    for row in dump["rows"]:
        row = list(row)
        label = MOVED.get(f"{row[app]}.{row[model]}")
        if label:
            row[app] = label.split(".")[0]
        rows.append(row)
    return {"columns": dump["columns"], "rows": rows}


def test_content_types_move_with_their_ids_so_permissions_stay_granted(upgraded):
    before, after = upgraded
    for old, new in MOVED.items():
        assert after["content_types"][new] == before["content_types"][old], new
        assert old not in after["content_types"]
    moved = _moved_content_type_ids(before)

    def grants(dump: dict[str, Any]) -> dict[str, Any]:
        tables = dump["tables"]
        permissions = tables["auth_permission"]
        columns = permissions["columns"]
        ct, pk = columns.index("content_type_id"), columns.index("id")
        ids = {row[pk] for row in permissions["rows"] if row[ct] in moved}
        held = {}
        for table, column in (
            ("auth_group_permissions", "permission_id"),
            ("clinic_user_user_permissions", "permission_id"),
        ):
            position = tables[table]["columns"].index(column)
            held[table] = _rows(
                {"rows": [row for row in tables[table]["rows"] if row[position] in ids]}
            )
        return {"permissions": sorted(ids), **held}

    then, now = grants(before), grants(after)
    assert len(then["permissions"]) == 4 * len(MOVED)
    assert then["auth_group_permissions"] and then["clinic_user_user_permissions"]
    assert now == then
    assert after["perms"] == {
        "therapist_views_notes": True,  # a permission held directly
        "owner_changes_notes": True,  # through the Owners group
        "desk_views_outbox": True,  # the front desk's outbox permissions, now notifications.*
        "desk_changes_outbox": True,
        "desk_views_notes": False,
    }


def test_the_signed_note_still_verifies(upgraded):
    before, after = upgraded
    integrity = after["integrity"]
    assert integrity["ok"], integrity
    assert integrity["stored"] == before["practice"]["hash"] == integrity["content_hash"]


def test_relations_resolve_to_the_models_of_the_new_apps(upgraded):
    before, after = upgraded
    practice = before["practice"]
    assert after["relations"] == {
        "note_model": "notes.SessionNote",
        "findings": sorted([practice["culprit"], practice["victim"]]),
        "tests": 2,
        "addenda": ["Client called: pain 2/10 the next day."],
        "link": [practice["signed"], "erector-spinae"],
        "note_templates": ["Hip flexor stretch"],
        "alert_about_model": "notes.SessionNote",
        "plan_source_note": ["notes.SessionNote", practice["signed"]],
        "appointment_note": practice["signed"],
    }


def test_the_models_need_no_new_migration(upgraded):
    _, after = upgraded
    assert after["makemigrations"]["changes"] is False, after["makemigrations"]["output"]


def test_a_new_database_gets_the_schema_of_an_upgraded_one(upgraded, scratch, run_step):
    _, after = upgraded
    fresh = run_step("fresh", scratch.create("fresh"))
    assert fresh["database"]["vendor"] == scratch.vendor
    assert set(fresh["schema"]) == set(after["schema"])
    differing = [
        table for table in after["schema"] if fresh["schema"][table] != after["schema"][table]
    ]
    assert not differing, {t: (after["schema"][t], fresh["schema"][t]) for t in differing[:2]}
    # Both record the same migrations of ours: on a new database, applying
    # notes.0001 records the clinic.0008 it replaces as well.
    assert _ours(fresh["applied"]) == _ours(after["applied"])
