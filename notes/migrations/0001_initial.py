"""Session notes, moved out of the core ``clinic`` app into their own app.

The tables keep the names they had (``clinic_sessionnote`` and friends). This
migration *replaces* ``clinic.0008_session_notes``, which used to create them:
on a database where that migration is applied the tables are already there, so
Django records this one as applied without running it; on a new database it
creates them.
"""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    replaces = [("clinic", "0008_session_notes")]

    dependencies = [
        ("clinic", "0007_intake_link_days"),
        ("intake", "0001_initial"),
        ("scheduling", "0003_created_by_optional"),
    ]

    operations = [
        migrations.CreateModel(
            name="NoteTemplate",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "section",
                    models.CharField(
                        choices=[
                            ("subjective", "Subjective"),
                            ("objective", "Objective"),
                            ("assessment", "Assessment"),
                            ("plan", "Plan"),
                        ],
                        max_length=12,
                    ),
                ),
                ("title", models.CharField(max_length=80)),
                ("text", models.TextField()),
                ("order", models.PositiveIntegerField(default=0)),
                (
                    "clinic",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="note_templates",
                        to="clinic.clinic",
                    ),
                ),
            ],
            options={
                "db_table": "clinic_notetemplate",
                "ordering": ["clinic_id", "section", "order", "id"],
            },
        ),
        migrations.CreateModel(
            name="SessionNote",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("visit", "Visit"), ("phone", "Phone consult")],
                        default="visit",
                        max_length=5,
                    ),
                ),
                ("seen_at", models.DateTimeField(help_text="When the visit or call took place.")),
                (
                    "status",
                    models.CharField(
                        choices=[("draft", "Draft"), ("signed", "Signed")],
                        default="draft",
                        max_length=6,
                    ),
                ),
                ("subjective", models.TextField(blank=True)),
                (
                    "subjective_data",
                    models.JSONField(
                        blank=True,
                        default=dict,
                        help_text="What was pre-filled: the intake's pain map, triggers and pain ratings.",
                    ),
                ),
                (
                    "objective",
                    models.TextField(blank=True, help_text="Posture and other observations."),
                ),
                ("assessment", models.TextField(blank=True)),
                ("plan", models.TextField(blank=True)),
                (
                    "nrs_before",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        null=True,
                        validators=[django.core.validators.MaxValueValidator(10)],
                    ),
                ),
                (
                    "nrs_after",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        null=True,
                        validators=[django.core.validators.MaxValueValidator(10)],
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("signed_at", models.DateTimeField(blank=True, null=True)),
                ("content_hash", models.CharField(blank=True, max_length=64)),
                (
                    "appointment",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="session_note",
                        to="scheduling.appointment",
                    ),
                ),
                (
                    "client",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="session_notes",
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
                    "signed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "therapist",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="session_notes",
                        to="clinic.therapist",
                    ),
                ),
            ],
            options={
                "db_table": "clinic_sessionnote",
                "ordering": ["-seen_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="ObjectiveTest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "test",
                    models.CharField(
                        choices=[
                            ("thomas", "Thomas test (hip flexors)"),
                            (
                                "modified_thomas",
                                "Modified Thomas test (hip flexors, rectus femoris)",
                            ),
                            ("ely", "Ely's test (rectus femoris)"),
                            ("ober", "Ober's test (TFL, iliotibial band)"),
                            ("slr", "Straight-leg raise"),
                            ("other", "Other test"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "name",
                    models.CharField(blank=True, help_text="For other tests.", max_length=100),
                ),
                (
                    "side",
                    models.CharField(
                        choices=[("left", "Left"), ("right", "Right"), ("both", "Both")],
                        max_length=5,
                    ),
                ),
                (
                    "result",
                    models.CharField(
                        choices=[
                            ("negative", "Negative (normal length)"),
                            ("positive", "Positive (short / restricted)"),
                            ("pain", "Reproduces pain"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "degrees",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        null=True,
                        validators=[django.core.validators.MaxValueValidator(180)],
                    ),
                ),
                ("comment", models.CharField(blank=True, max_length=300)),
                (
                    "note",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tests",
                        to="notes.sessionnote",
                    ),
                ),
            ],
            options={
                "db_table": "clinic_objectivetest",
                "ordering": ["note_id", "id"],
            },
        ),
        migrations.CreateModel(
            name="MuscleFinding",
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
                            ("neither", "Neither"),
                        ],
                        max_length=8,
                    ),
                ),
                (
                    "tension",
                    models.PositiveSmallIntegerField(
                        default=0, validators=[django.core.validators.MaxValueValidator(3)]
                    ),
                ),
                (
                    "tenderness",
                    models.PositiveSmallIntegerField(
                        default=0, validators=[django.core.validators.MaxValueValidator(3)]
                    ),
                ),
                ("trigger_points", models.BooleanField(default=False)),
                ("comment", models.CharField(blank=True, max_length=300)),
                ("suggested_by_rule", models.CharField(blank=True, max_length=120)),
                (
                    "muscle",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="clinic.muscle",
                    ),
                ),
                (
                    "suggestion",
                    models.ForeignKey(
                        blank=True,
                        help_text="The intake rule suggestion this was accepted from.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="intake.culpritsuggestion",
                    ),
                ),
                (
                    "note",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="findings",
                        to="notes.sessionnote",
                    ),
                ),
            ],
            options={
                "db_table": "clinic_musclefinding",
                "ordering": ["note_id", "id"],
            },
        ),
        migrations.CreateModel(
            name="Addendum",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("text", models.TextField()),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "author",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "note",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="addenda",
                        to="notes.sessionnote",
                    ),
                ),
            ],
            options={
                "db_table": "clinic_addendum",
                "verbose_name_plural": "addenda",
                "ordering": ["note_id", "created_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="TugOfWar",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "culprit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="pulls",
                        to="notes.musclefinding",
                    ),
                ),
                (
                    "victim",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="pulled_by",
                        to="notes.musclefinding",
                    ),
                ),
            ],
            options={
                "db_table": "clinic_tugofwar",
                "verbose_name_plural": "tug-of-war links",
                "ordering": ["culprit_id", "victim_id"],
            },
        ),
        migrations.AddIndex(
            model_name="sessionnote",
            index=models.Index(fields=["client", "seen_at"], name="note_client_time_idx"),
        ),
        migrations.AddConstraint(
            model_name="sessionnote",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "signed"), _negated=True),
                    models.Q(
                        ("signed_at__isnull", False), models.Q(("content_hash", ""), _negated=True)
                    ),
                    _connector="OR",
                ),
                name="note_signed_has_hash",
            ),
        ),
        migrations.AddConstraint(
            model_name="sessionnote",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("nrs_before__isnull", True), ("nrs_before__lte", 10), _connector="OR"
                ),
                name="note_nrs_before_0_10",
            ),
        ),
        migrations.AddConstraint(
            model_name="sessionnote",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("nrs_after__isnull", True), ("nrs_after__lte", 10), _connector="OR"
                ),
                name="note_nrs_after_0_10",
            ),
        ),
        migrations.AddConstraint(
            model_name="musclefinding",
            constraint=models.UniqueConstraint(
                fields=("note", "muscle", "side"), name="finding_once_per_muscle_side"
            ),
        ),
        migrations.AddConstraint(
            model_name="musclefinding",
            constraint=models.CheckConstraint(
                condition=models.Q(("tension__lte", 3)), name="finding_tension_0_3"
            ),
        ),
        migrations.AddConstraint(
            model_name="musclefinding",
            constraint=models.CheckConstraint(
                condition=models.Q(("tenderness__lte", 3)), name="finding_tenderness_0_3"
            ),
        ),
        migrations.AddConstraint(
            model_name="tugofwar",
            constraint=models.UniqueConstraint(
                fields=("culprit", "victim"), name="tug_of_war_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="tugofwar",
            constraint=models.CheckConstraint(
                condition=models.Q(("culprit", models.F("victim")), _negated=True),
                name="tug_of_war_two_findings",
            ),
        ),
    ]
