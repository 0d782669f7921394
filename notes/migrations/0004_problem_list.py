"""The problem list: each client's culprit and victim muscles, remembered
until a therapist resolves them (``notes.services.problems``). The data step
builds the list from the signed notes already in the database, as signing
them one by one would have: an entry per client, muscle, side and role,
first and last seen at the notes that recorded it, confirmed when more than
one did, so existing clients keep their victims."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def build_problem_list(apps: Any, schema_editor: Any) -> None:
    """One entry per (client, muscle, side, role) recorded as culprit or victim
    in a signed note; written only for clients who have none yet."""
    Clinic = apps.get_model("clinic", "Clinic")
    MuscleFinding = apps.get_model("notes", "MuscleFinding")
    ProblemEntry = apps.get_model("notes", "ProblemEntry")
    zones = {
        pk: ZoneInfo(name or "UTC") for pk, name in Clinic.objects.values_list("pk", "timezone")
    }
    listed = set(ProblemEntry.objects.values_list("client_id", flat=True).distinct())
    rows = (
        MuscleFinding.objects.filter(note__status="signed", role__in=["culprit", "victim"])
        .order_by("note__seen_at", "note_id", "id")
        .values_list(
            "note_id",
            "note__seen_at",
            "note__clinic_id",
            "note__client_id",
            "muscle_id",
            "side",
            "role",
        )
    )
    entries: dict[tuple[int, int, str, str], dict[str, Any]] = {}
    for note_id, seen_at, clinic_id, client_id, muscle_id, side, role in rows.iterator():
        if client_id in listed:
            continue
        day = seen_at.astimezone(zones[clinic_id]).date()
        key = (client_id, muscle_id, side, role)
        entry = entries.get(key)
        if entry is None:
            entries[key] = {
                "clinic_id": clinic_id,
                "client_id": client_id,
                "muscle_id": muscle_id,
                "side": side,
                "role": role,
                "status": "suspected",
                "first_seen_on": day,
                "first_seen_note_id": note_id,
                "last_seen_on": day,
                "last_seen_note_id": note_id,
                "times_seen": 1,
            }
        elif entry["last_seen_note_id"] != note_id:
            entry.update(
                status="confirmed",
                last_seen_on=day,
                last_seen_note_id=note_id,
                times_seen=entry["times_seen"] + 1,
            )
    ProblemEntry.objects.bulk_create(
        [ProblemEntry(**entry) for entry in entries.values()], batch_size=500
    )


class Migration(migrations.Migration):
    dependencies = [
        ("notes", "0003_input_limits"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ProblemEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "side",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("left", "Left"),
                            ("right", "Right"),
                            ("both", "Both"),
                            ("", "Midline (unsided muscle)"),
                        ],
                        max_length=5,
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("culprit", "Culprit (short, pulling)"),
                            ("victim", "Victim (overstretched, painful)"),
                        ],
                        max_length=8,
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("suspected", "Suspected (recorded at one visit)"),
                            ("confirmed", "Confirmed"),
                            ("resolved", "Resolved"),
                        ],
                        default="suspected",
                        max_length=9,
                    ),
                ),
                (
                    "first_seen_on",
                    models.DateField(help_text="The clinic's date of the first note recording it."),
                ),
                (
                    "last_seen_on",
                    models.DateField(
                        help_text="The clinic's date of the latest note recording it."
                    ),
                ),
                (
                    "times_seen",
                    models.PositiveIntegerField(
                        default=1, help_text="How many signed notes recorded it."
                    ),
                ),
                ("confirmed_at", models.DateTimeField(blank=True, null=True)),
                ("resolved_at", models.DateTimeField(blank=True, null=True)),
                ("resolved_reason", models.TextField(blank=True, max_length=500)),
                (
                    "reopened_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="When a later note recorded it again after it was resolved.",
                        null=True,
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "client",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="problems",
                        to="clinic.client",
                    ),
                ),
                (
                    "clinic",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="clinic.clinic",
                    ),
                ),
                (
                    "confirmed_by",
                    models.ForeignKey(
                        blank=True,
                        help_text="Who confirmed it by hand (empty when a second visit did).",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "first_seen_note",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="notes.sessionnote",
                    ),
                ),
                (
                    "last_seen_note",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="notes.sessionnote",
                    ),
                ),
                (
                    "muscle",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="clinic.muscle",
                    ),
                ),
                (
                    "resolved_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "problem entries",
                "ordering": ["client_id", "-role", "muscle_id", "side", "id"],
                "indexes": [
                    models.Index(fields=["client", "status"], name="problem_client_status_idx")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status", "resolved"), _negated=True),
                        fields=("client", "muscle", "side", "role"),
                        name="problem_active_once",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("role__in", ["culprit", "victim"])),
                        name="problem_culprit_or_victim",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "resolved"), _negated=True),
                            ("resolved_at__isnull", False),
                            _connector="OR",
                        ),
                        name="problem_resolved_has_time",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("times_seen__gte", 1)), name="problem_seen_once"
                    ),
                ],
            },
        ),
        migrations.RunPython(build_problem_list, migrations.RunPython.noop, elidable=True),
    ]
