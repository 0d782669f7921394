"""Input limits: a maximum length on every text field and the date policy's
validators (clinic.core.validators). Neither changes a column: a TextField is
``text`` whatever its max_length, and validators live in Python. So these are
state changes only; without SeparateDatabaseAndState SQLite would rebuild each
table (and reorder its columns) to end up with the same schema."""

import clinic.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0010_notification_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="client",
                    name="date_of_birth",
                    field=models.DateField(
                        blank=True,
                        null=True,
                        validators=[clinic.core.validators.validate_date_of_birth],
                    ),
                ),
                migrations.AlterField(
                    model_name="muscle",
                    name="description",
                    field=models.TextField(blank=True, max_length=2000),
                ),
                migrations.AlterField(
                    model_name="therapist",
                    name="bio",
                    field=models.TextField(blank=True, max_length=2000),
                ),
            ],
        ),
    ]
