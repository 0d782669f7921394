import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import clinic.core.validators
import intake.models


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0003_intakeinvitation_revoked_at"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ClientDocument",
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
                        choices=[
                            ("clearance_letter", "Clearance letter"),
                            ("imaging_report", "Imaging report"),
                            ("referral_letter", "Referral letter"),
                            ("other", "Other"),
                        ],
                        max_length=20,
                    ),
                ),
                ("title", models.CharField(max_length=200)),
                (
                    "file",
                    models.FileField(
                        max_length=255,
                        storage=intake.models.documents_storage,
                        upload_to=intake.models.document_path,
                    ),
                ),
                ("original_name", models.CharField(blank=True, max_length=200)),
                (
                    "content_type",
                    models.CharField(help_text="Found from the file's content.", max_length=50),
                ),
                ("size", models.PositiveBigIntegerField()),
                ("sha256", models.CharField(max_length=64)),
                ("uploaded_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "client",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="documents",
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
                    "uploaded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-uploaded_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="Clearance",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("referred", "Referred, not yet cleared"),
                            ("cleared", "Seen by a doctor and cleared"),
                        ],
                        max_length=10,
                    ),
                ),
                ("recorded_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "clinician_name",
                    models.CharField(
                        blank=True, help_text="The doctor who cleared the client.", max_length=200
                    ),
                ),
                (
                    "cleared_on",
                    models.DateField(
                        blank=True,
                        null=True,
                        validators=[clinic.core.validators.validate_sane_date],
                    ),
                ),
                ("note", models.TextField(blank=True, max_length=2000)),
                (
                    "client",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="clearances",
                        to="clinic.client",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        help_text="Blank: opened by a red-flagged intake form.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "submission",
                    models.ForeignKey(
                        blank=True,
                        help_text="The red-flagged intake form that opened this referral.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="intake.submission",
                    ),
                ),
                (
                    "document",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="intake.clientdocument",
                    ),
                ),
            ],
            options={
                "ordering": ["-recorded_at", "-id"],
            },
        ),
        migrations.AddIndex(
            model_name="clientdocument",
            index=models.Index(fields=["client", "uploaded_at"], name="document_client_idx"),
        ),
        migrations.AddIndex(
            model_name="clearance",
            index=models.Index(fields=["client", "recorded_at"], name="clearance_client_idx"),
        ),
        migrations.AddConstraint(
            model_name="clearance",
            constraint=models.UniqueConstraint(
                condition=models.Q(("submission__isnull", False)),
                fields=("submission",),
                name="clearance_once_per_submission",
            ),
        ),
        migrations.AddConstraint(
            model_name="clearance",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "cleared"), _negated=True),
                    models.Q(
                        ("cleared_on__isnull", False),
                        models.Q(("clinician_name", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="clearance_cleared_names_who_and_when",
            ),
        ),
    ]
