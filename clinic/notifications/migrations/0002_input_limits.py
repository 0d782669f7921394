"""Input limits: a maximum length on every text field and the date policy's
validators (clinic.core.validators). Neither changes a column: a TextField is
``text`` whatever its max_length, and validators live in Python. So these are
state changes only; without SeparateDatabaseAndState SQLite would rebuild each
table (and reorder its columns) to end up with the same schema."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="notification",
                    name="last_error",
                    field=models.TextField(blank=True, max_length=2000),
                ),
            ],
        ),
    ]
