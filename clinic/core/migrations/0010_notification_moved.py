"""The outbox moved to its own app (``notifications``); its table stays."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0009_adherence_alert"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name="Notification",
                ),
            ],
            database_operations=[],  # the table stays where it is
        ),
    ]
