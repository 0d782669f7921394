"""A try is counted when it starts, not when its row is claimed: the first
try opens the retry window, a try under way is marked until its outcome is
written, and one cut short (or lost mid-answer) is remembered as "maybe
delivered". Nullable columns, so SQLite adds them in place (no rebuild), and
rows already in the outbox need nothing: their window opens at their next try."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_input_limits"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="attempt_started_at",
            field=models.DateTimeField(
                blank=True,
                help_text="Set while a try is under way; cleared when its outcome is recorded.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="notification",
            name="first_attempt_at",
            field=models.DateTimeField(
                blank=True,
                help_text="The first try: transient failures are retried from here.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="notification",
            name="maybe_delivered_at",
            field=models.DateTimeField(
                blank=True,
                help_text="The start of a try that ended without an answer after the message was handed over (the worker stopped, or the connection broke): it may have reached the person.",
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="notification",
            name="attempts",
            field=models.PositiveIntegerField(default=0, help_text="Tries made (not claims)."),
        ),
    ]
