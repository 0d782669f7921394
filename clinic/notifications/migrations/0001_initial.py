"""The outbox, moved here from the core ``clinic`` app: the table
``clinic_notification`` and its rows stay where they are; only Django's record
of which app owns the model (and its content type) changes."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from clinic.core.migration_helpers import move_content_types


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("clinic", "0010_notification_moved"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "channel",
                            models.CharField(
                                choices=[("email", "E-mail"), ("sms", "SMS")], max_length=5
                            ),
                        ),
                        ("template_key", models.CharField(max_length=80)),
                        ("context", models.JSONField(blank=True, default=dict)),
                        (
                            "attachments",
                            models.JSONField(
                                blank=True,
                                default=list,
                                help_text='E-mail attachments: [{"filename", "mimetype", "content"}] (text).',
                            ),
                        ),
                        ("idempotency_key", models.CharField(max_length=200, unique=True)),
                        ("about_id", models.CharField(blank=True, max_length=64)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "Pending"),
                                    ("sending", "Sending"),
                                    ("sent", "Sent"),
                                    ("failed", "Failed"),
                                    ("cancelled", "Cancelled"),
                                ],
                                default="pending",
                                max_length=10,
                            ),
                        ),
                        ("send_after", models.DateTimeField()),
                        ("next_attempt_at", models.DateTimeField()),
                        ("attempts", models.PositiveIntegerField(default=0)),
                        ("claim_token", models.CharField(blank=True, max_length=32)),
                        ("lease_expires_at", models.DateTimeField(blank=True, null=True)),
                        ("last_error", models.TextField(blank=True)),
                        ("provider_message_id", models.CharField(blank=True, max_length=255)),
                        ("sent_to", models.CharField(blank=True, max_length=254)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        ("cancelled_reason", models.CharField(blank=True, max_length=200)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "about_type",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="contenttypes.contenttype",
                            ),
                        ),
                        (
                            "client",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="notifications",
                                to="clinic.client",
                            ),
                        ),
                        (
                            "clinic",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="notifications",
                                to="clinic.clinic",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                blank=True,
                                help_text="A member of staff, when not a client.",
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="notifications",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "clinic_notification",
                        "ordering": ["next_attempt_at", "id"],
                        "indexes": [
                            models.Index(
                                fields=["status", "next_attempt_at"], name="notif_due_idx"
                            ),
                            models.Index(
                                fields=["status", "lease_expires_at"], name="notif_lease_idx"
                            ),
                            models.Index(
                                fields=["about_type", "about_id", "status"], name="notif_about_idx"
                            ),
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("client__isnull", False), ("user__isnull", True)),
                                    models.Q(("client__isnull", True), ("user__isnull", False)),
                                    _connector="OR",
                                ),
                                name="notification_one_recipient",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("status", "sent"), _negated=True),
                                    ("sent_at__isnull", False),
                                    _connector="OR",
                                ),
                                name="notification_sent_has_time",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],  # the table stays where it is
        ),
        move_content_types(from_app="clinic", to_app="notifications", models=["notification"]),
    ]
