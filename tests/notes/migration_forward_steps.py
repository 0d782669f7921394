"""The steps of ``test_migration_forward.py``, each run in a process of its own
(``python -m tests.notes.migration_forward_steps STEP --out FILE``) against the
scratch database named by ``DATABASE_URL``; each writes what it saw as JSON.

* ``legacy``: with ``MIGRATION_MODULES`` pointing at the old main's migration
  files (``tests/notes/legacy_migrations``, built by the test into ``--legacy``),
  migrate to the old main's leaves, then do what ``migrate`` did after that on
  the old main (content types, permissions, role groups) and insert a practice's
  worth of rows with the historical models of that state.
* ``current``: run today's ``migrate`` on that database and read everything back
  through today's models.
* ``fresh``: run today's ``migrate`` on an empty database (to compare schemas).

A process per step because the app registry and the migration loader must not
mix the legacy migration modules with the current ones.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import django
from django.apps import apps as global_apps
from django.conf import settings
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.signals import post_migrate

from tests.notes import legacy_migrations

# Where each row inserted at the old state lives: (model then, model now).
MOVED_NOTES = ["SessionNote", "ObjectiveTest", "MuscleFinding", "TugOfWar", "Addendum"]
MODELS = [
    ("clinic.Clinic", "clinic.Clinic"),
    ("clinic.User", "clinic.User"),
    ("clinic.Therapist", "clinic.Therapist"),
    ("clinic.Location", "clinic.Location"),
    ("clinic.Client", "clinic.Client"),
    ("scheduling.Service", "scheduling.Service"),
    ("scheduling.Appointment", "scheduling.Appointment"),
    *[(f"clinic.{name}", f"notes.{name}") for name in [*MOVED_NOTES, "NoteTemplate"]],
    ("clinic.Notification", "notifications.Notification"),
    ("homework.HomeworkPlan", "homework.HomeworkPlan"),
    ("clinic.AuditEvent", "clinic.AuditEvent"),
]
T0 = datetime(2026, 6, 2, 13, 0, tzinfo=UTC)


class Encoder(DjangoJSONEncoder):
    """Dates, decimals and UUIDs as Django writes them; bytes as hex; anything
    else a driver hands back (addresses, ranges) as its text."""

    def default(self, o: Any) -> Any:
        if isinstance(o, bytes | memoryview):
            return bytes(o).hex()
        try:
            return super().default(o)
        except TypeError:
            return str(o)


def plain(value: Any) -> Any:
    """The value as JSON would give it back (so both steps compare alike)."""
    return json.loads(json.dumps(value, cls=Encoder))


# --- reading the database ---------------------------------------------------------------------


def dump_tables() -> dict[str, dict[str, Any]]:
    """Every row of every table, raw: {table: {"columns": [...], "rows": [...]}}."""
    tables: dict[str, dict[str, Any]] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            columns = [column[0] for column in cursor.description]
            rows = plain([list(row) for row in cursor.fetchall()])
            rows.sort(key=lambda row: json.dumps(row, sort_keys=True))
            tables[table] = {"columns": columns, "rows": rows}
    return tables


def dump_schema() -> dict[str, Any]:
    """Columns and constraints of every table, as Django's introspection sees them."""
    schema: dict[str, Any] = {}
    introspection = connection.introspection
    with connection.cursor() as cursor:
        for table in sorted(introspection.table_names(cursor)):
            columns = {
                info.name: {"type": info.type_code, "null": info.null_ok, "default": info.default}
                for info in introspection.get_table_description(cursor, table)
            }
            constraints = introspection.get_constraints(cursor, table)
            schema[table] = plain({"columns": columns, "constraints": constraints})
    return schema


def dump_rows(model_apps: Any, ids: dict[str, list[int]], now: bool) -> dict[str, list[Any]]:
    """The inserted rows through the models (historical or current), by current label."""
    rows = {}
    for then_label, now_label in MODELS:
        model = model_apps.get_model(now_label if now else then_label)
        queryset = model._default_manager.filter(pk__in=ids[now_label]).order_by("pk")
        rows[now_label] = plain(list(queryset.values()))
    return rows


def applied_migrations() -> list[list[str]]:
    return sorted([app, name] for app, name in MigrationRecorder(connection).applied_migrations())


def content_types() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app_label, model, id FROM django_content_type")
        return {f"{app}.{model}": pk for app, model, pk in cursor.fetchall()}


def database() -> dict[str, str]:
    return {"vendor": connection.vendor, "name": str(connection.settings_dict["NAME"])}


# --- step A: the old main --------------------------------------------------------------------


def legacy_note_content(model_apps: Any, note: Any) -> dict[str, Any]:
    """``notes.services.note_content``, reproduced over the historical models."""
    finding_model = model_apps.get_model("clinic", "MuscleFinding")
    test_model = model_apps.get_model("clinic", "ObjectiveTest")
    link_model = model_apps.get_model("clinic", "TugOfWar")
    findings = finding_model.objects.filter(note_id=note.pk).select_related("muscle").order_by("id")
    links = link_model.objects.filter(culprit__note_id=note.pk).order_by("culprit_id", "victim_id")
    return {
        "note": note.pk,
        "client": note.client_id,
        "therapist": note.therapist_id,
        "appointment": note.appointment_id,
        "kind": note.kind,
        "seen_at": note.seen_at.isoformat(),
        "subjective": note.subjective,
        "subjective_data": note.subjective_data,
        "objective": note.objective,
        "assessment": note.assessment,
        "plan": note.plan,
        "nrs_before": note.nrs_before,
        "nrs_after": note.nrs_after,
        "tests": [
            [t.test, t.name, t.side, t.result, t.degrees, t.comment]
            for t in test_model.objects.filter(note_id=note.pk).order_by("id")
        ],
        "findings": [
            [
                f.pk,
                f.muscle.slug,
                f.side,
                f.role,
                f.tension,
                f.tenderness,
                f.trigger_points,
                f.comment,
                f.suggested_by_rule,
            ]
            for f in findings
        ],
        "links": [[link.culprit_id, link.victim_id] for link in links],
    }


def legacy_content_hash(model_apps: Any, note: Any) -> tuple[str, str]:
    """``notes.services.content_hash``: SHA-256 of the same canonical JSON."""
    canonical = json.dumps(
        legacy_note_content(model_apps, note),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest(), canonical


def emulate_post_migrate(model_apps: Any, plan: Any) -> None:
    """What ``migrate`` does after migrating (content types, permissions, role
    groups), for the apps the old main had only: ``notes`` and
    ``notifications`` are installed here but had no content types then."""
    for app_config in global_apps.get_app_configs():
        if app_config.models_module is None or app_config.label in legacy_migrations.NEW_APPS:
            continue
        post_migrate.send(
            sender=app_config,
            app_config=app_config,
            verbosity=0,
            interactive=False,
            stdout=io.StringIO(),
            using=DEFAULT_DB_ALIAS,
            apps=model_apps,
            plan=plan,
        )
    # The old main's role spec differs from today's in one place: the front desk's
    # outbox permissions were the core app's (clinic.view/change_notification).
    group_model = model_apps.get_model("auth", "Group")
    permission_model = model_apps.get_model("auth", "Permission")
    group_model.objects.get(name="Front desk").permissions.add(
        *permission_model.objects.filter(
            content_type__app_label="clinic",
            codename__in=["view_notification", "change_notification"],
        )
    )


def insert_practice(model_apps: Any) -> dict[str, Any]:
    """A clinic's worth of rows, written with the historical models."""

    def model(label: str) -> Any:
        return model_apps.get_model(label)

    ids: dict[str, list[int]] = {now: [] for _, now in MODELS}

    def made(label: str, obj: Any) -> Any:
        ids[dict(MODELS)[label]].append(obj.pk)
        return obj

    def create(label: str, **fields: Any) -> Any:
        return made(label, model(label).objects.create(**fields))

    clinic = create("clinic.Clinic", name="Legacy Practice", timezone="Europe/London")
    owner = create(
        "clinic.User", username="legacy-owner", password="!", role="owner", clinic=clinic
    )
    therapist_user = create(
        "clinic.User",
        username="legacy-therapist",
        password="!",
        role="therapist",
        clinic=clinic,
        first_name="Tessa",
    )
    front_desk = create(
        "clinic.User", username="legacy-desk", password="!", role="front_desk", clinic=clinic
    )
    group = model("auth.Group").objects
    owner.groups.add(group.get(name="Owners"))
    therapist_user.groups.add(group.get(name="Therapists"))
    front_desk.groups.add(group.get(name="Front desk"))
    # A permission granted to one user directly, on a model that has moved since.
    therapist_user.user_permissions.add(
        model("auth.Permission").objects.get(
            content_type__app_label="clinic", codename="view_sessionnote"
        )
    )
    therapist = create(
        "clinic.Therapist", user=therapist_user, credentials="RMT", licence_number="L-1"
    )
    location = create(
        "clinic.Location", clinic=clinic, name="High Street", timezone="Europe/London"
    )
    client = create(
        "clinic.Client",
        clinic=clinic,
        first_name="Zoë",
        last_name="Ångström",
        email="zoe@example.org",
        timezone="Europe/London",
    )
    service = create(
        "scheduling.Service",
        clinic=clinic,
        name="Deep tissue, 60 min",
        duration_minutes=60,
        room_kind="treatment",
    )
    appointment = create(
        "scheduling.Appointment",
        clinic=clinic,
        location=location,
        client=client,
        therapist=therapist,
        service=service,
        starts_at=T0,
        ends_at=T0 + timedelta(hours=1),
        block_start=T0,
        block_end=T0 + timedelta(hours=1),
        status="completed",
        channel="front_desk",
        created_by=front_desk,
        completed_at=T0 + timedelta(hours=1),
    )
    muscle = model("clinic.Muscle").objects
    rectus, erector, psoas = (
        muscle.get(slug=slug) for slug in ("rectus-femoris", "erector-spinae", "psoas-major")
    )

    # The note to sign: a visit, with tests, findings and a tug-of-war link.
    signed = create(
        "clinic.SessionNote",
        clinic=clinic,
        client=client,
        therapist=therapist,
        appointment=appointment,
        kind="visit",
        seen_at=T0,
        subjective="Low back pain after sitting — “worse in the evening”.\nNRS 7/10.",
        subjective_data={
            "intake": {"pain_regions": ["Lower back, left side"], "nrs_now": 7},
            "homework": {"done": 3, "skipped": 1, "pain": [{"score": 4}]},
        },
        objective="Anterior pelvic tilt.",
        assessment="Short hip flexors pulling on the lumbar extensors.",
        plan="Stretch rectus femoris; review in 2 weeks.",
        nrs_before=7,
        nrs_after=3,
        created_at=T0,
    )
    create(
        "clinic.ObjectiveTest",
        note=signed,
        test="modified_thomas",
        side="left",
        result="positive",
        degrees=15,
        comment="Knee does not reach 90°.",
    )
    create(
        "clinic.ObjectiveTest",
        note=signed,
        test="other",
        name="Prone knee bend",
        side="both",
        result="pain",
    )
    culprit = create(
        "clinic.MuscleFinding",
        note=signed,
        muscle=rectus,
        side="left",
        role="culprit",
        tension=3,
        tenderness=1,
        suggested_by_rule="sitting: hip flexors",
    )
    victim = create(
        "clinic.MuscleFinding",
        note=signed,
        muscle=erector,
        side="left",
        role="victim",
        tension=1,
        tenderness=3,
        trigger_points=True,
        comment="Tender at L3/L4 (Druckschmerz, ü).",
    )
    create("clinic.TugOfWar", culprit=culprit, victim=victim)

    # Sign it as notes.services.sign_note did: hash the content, then one UPDATE.
    note_model = model("clinic.SessionNote")
    content_hash, canonical = legacy_content_hash(model_apps, note_model.objects.get(pk=signed.pk))
    note_model.objects.filter(pk=signed.pk, status="draft").update(
        status="signed",
        signed_at=T0 + timedelta(hours=2),
        signed_by=therapist_user,
        content_hash=content_hash,
    )
    create(
        "clinic.Addendum",
        note=signed,
        author=therapist_user,
        text="Client called: pain 2/10 the next day.",
        created_at=T0 + timedelta(days=1),
    )

    # A draft: a phone consult without appointment, with one finding and no links.
    draft = create(
        "clinic.SessionNote",
        clinic=clinic,
        client=client,
        therapist=therapist,
        kind="phone",
        seen_at=T0 + timedelta(days=3),
        subjective="Phone: still stiff in the morning.",
        created_at=T0 + timedelta(days=3),
    )
    create(
        "clinic.MuscleFinding",
        note=draft,
        muscle=psoas,
        side="both",
        role="neither",
        tension=2,
    )
    create(
        "clinic.NoteTemplate",
        clinic=clinic,
        section="plan",
        title="Hip flexor stretch",
        text="Kneeling hip flexor stretch, 30 s each side, daily — gently.",
        order=1,
    )

    # The outbox: a sent alert about the signed note, a pending message to the client.
    content_type = model("contenttypes.ContentType").objects
    create(
        "clinic.Notification",
        clinic=clinic,
        user=therapist_user,
        channel="email",
        template_key="therapist_alert",
        context={"note": signed.pk, "text": "Pain ↓ from 7 to 3"},
        attachments=[{"filename": "note.txt", "mimetype": "text/plain", "content": "SOAP"}],
        idempotency_key=f"legacy:alert:{signed.pk}",
        about_type=content_type.get(app_label="clinic", model="sessionnote"),
        about_id=str(signed.pk),
        status="sent",
        send_after=T0,
        next_attempt_at=T0,
        attempts=1,
        sent_at=T0 + timedelta(minutes=1),
        sent_to="tessa@example.org",
        provider_message_id="<legacy-1@example.org>",
        created_at=T0,
    )
    create(
        "clinic.Notification",
        clinic=clinic,
        client=client,
        channel="email",
        template_key="appointment_reminder",
        context={"appointment": appointment.pk},
        idempotency_key=f"legacy:reminder:{appointment.pk}",
        about_type=content_type.get(app_label="scheduling", model="appointment"),
        about_id=str(appointment.pk),
        send_after=T0 + timedelta(days=7),
        next_attempt_at=T0 + timedelta(days=7),
        created_at=T0,
    )
    create(
        "homework.HomeworkPlan",
        clinic=clinic,
        client=client,
        therapist=therapist,
        source_note=signed,
        zone_name="Europe/London",
        start_date=date(2026, 6, 3),
        message="Little and often.",
        created_at=T0,
    )
    # The audit trail names models by label; rows written then say "clinic.sessionnote".
    create(
        "clinic.AuditEvent",
        at=T0 + timedelta(hours=2),
        actor=therapist_user,
        actor_role="therapist",
        action="update",
        object_type="clinic.sessionnote",
        object_id=str(signed.pk),
        object_repr="Visit note",
        client=client,
        detail={"signed": True, "hash": content_hash},
    )
    return {
        "ids": ids,
        "signed": signed.pk,
        "draft": draft.pk,
        "culprit": culprit.pk,
        "victim": victim.pk,
        "hash": content_hash,
        "canonical": canonical,
        "users": {"owner": owner.pk, "therapist": therapist_user.pk, "front_desk": front_desk.pk},
        "clinic": clinic.pk,
        "appointment": appointment.pk,
    }


def step_legacy(legacy_dir: Path) -> dict[str, Any]:
    sys.path.insert(0, str(legacy_dir))
    settings.MIGRATION_MODULES = legacy_migrations.MIGRATION_MODULES
    django.setup()
    executor = MigrationExecutor(connection)
    # Our apps stop at the old main's leaves: intake and scheduling keep their
    # current packages, which have grown migrations since (e.g. input limits).
    leaves = [
        (app, legacy_migrations.OLD_LEAVES.get(app, name))
        for app, name in executor.loader.graph.leaf_nodes()
    ]
    plan = executor.migration_plan(leaves)
    executor.migrate(leaves, plan=plan)
    model_apps = executor.loader.project_state().apps
    emulate_post_migrate(model_apps, plan)
    practice = insert_practice(model_apps)
    return {
        "database": database(),
        "leaves": sorted(list(leaf) for leaf in leaves),
        "migration_files": {
            f"{app}.{name}": str(Path(sys.modules[type(migration).__module__].__file__ or ""))
            for (app, name), migration in executor.loader.disk_migrations.items()
            if app in legacy_migrations.OLD_LEAVES
        },
        "applied": applied_migrations(),
        "content_types": content_types(),
        "practice": practice,
        "rows": dump_rows(model_apps, practice["ids"], now=False),
        "tables": dump_tables(),
    }


# --- step B: today's code --------------------------------------------------------------------


def step_current(practice: dict[str, Any]) -> dict[str, Any]:
    django.setup()
    # The current models need the app registry: imported once django.setup() ran.
    from django.contrib.auth.backends import ModelBackend  # noqa: PLC0415 (after setup)

    from clinic.core.models import Clinic, User  # noqa: PLC0415 (after setup)
    from clinic.notifications.models import Notification  # noqa: PLC0415 (after setup)
    from homework.models import HomeworkPlan  # noqa: PLC0415 (after setup)
    from notes import services  # noqa: PLC0415 (after setup)
    from notes.models import SessionNote, TugOfWar  # noqa: PLC0415 (after setup)

    before = applied_migrations()
    call_command("migrate", interactive=False, verbosity=0)
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())

    signed = SessionNote.objects.get(pk=practice["signed"])
    integrity = services.verify_note_integrity(signed)
    link = TugOfWar.objects.select_related("culprit__note", "victim__muscle").get(
        culprit_id=practice["culprit"]
    )
    alert = Notification.objects.select_related("about_type").get(
        about_id=str(signed.pk), template_key="therapist_alert"
    )
    plan = HomeworkPlan.objects.select_related("source_note").get(source_note_id=signed.pk)
    users = {role: User.objects.get(pk=pk) for role, pk in practice["users"].items()}
    backend = ModelBackend()

    out = io.StringIO()
    try:
        call_command("makemigrations", check=True, dry_run=True, stdout=out, stderr=out)
        changes = False
    except SystemExit:
        changes = True

    return {
        "database": database(),
        "applied_before": before,
        "applied": applied_migrations(),
        "pending": [[m.app_label, m.name] for m, _ in pending],
        "content_types": content_types(),
        "rows": dump_rows(global_apps, practice["ids"], now=True),
        "tables": dump_tables(),
        "schema": dump_schema(),
        "integrity": {
            "ok": integrity.ok,
            "stored": integrity.stored,
            "computed": integrity.computed,
            "content_hash": services.content_hash(signed),
        },
        "relations": {
            "note_model": signed._meta.label,
            "findings": sorted(signed.findings.values_list("pk", flat=True)),
            "tests": signed.tests.count(),
            "addenda": list(signed.addenda.values_list("text", flat=True)),
            "link": [link.culprit.note_id, link.victim.muscle.slug],
            "note_templates": list(
                Clinic.objects.get(pk=practice["clinic"]).note_templates.values_list(
                    "title", flat=True
                )
            ),
            "alert_about_model": alert.about_type.model_class()._meta.label,
            "plan_source_note": [plan.source_note._meta.label, plan.source_note.pk],
            "appointment_note": SessionNote.objects.get(appointment_id=practice["appointment"]).pk,
        },
        "perms": {
            "therapist_views_notes": backend.has_perm(users["therapist"], "notes.view_sessionnote"),
            "owner_changes_notes": backend.has_perm(users["owner"], "notes.change_sessionnote"),
            "desk_views_outbox": backend.has_perm(
                users["front_desk"], "notifications.view_notification"
            ),
            "desk_changes_outbox": backend.has_perm(
                users["front_desk"], "notifications.change_notification"
            ),
            "desk_views_notes": backend.has_perm(users["front_desk"], "notes.view_sessionnote"),
        },
        "makemigrations": {"changes": changes, "output": out.getvalue()},
    }


# --- a new database --------------------------------------------------------------------------


def step_fresh() -> dict[str, Any]:
    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    return {
        "database": database(),
        "applied": applied_migrations(),
        "content_types": content_types(),
        "schema": dump_schema(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("step", choices=["legacy", "current", "fresh"])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--legacy", type=Path, help="where the legacy packages were built")
    parser.add_argument("--practice", type=Path, help="step legacy's output, for step current")
    args = parser.parse_args()
    if args.step == "legacy":
        result = step_legacy(args.legacy)
    elif args.step == "current":
        result = step_current(json.loads(args.practice.read_text())["practice"])
    else:
        result = step_fresh()
    args.out.write_text(json.dumps(result, cls=Encoder, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
