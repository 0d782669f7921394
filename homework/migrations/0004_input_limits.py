"""Input limits: a maximum length on every text field and the date policy's
validators (clinic.core.validators). Neither changes a column: a TextField is
``text`` whatever its max_length, and validators live in Python. So these are
state changes only; without SeparateDatabaseAndState SQLite would rebuild each
table (and reorder its columns) to end up with the same schema."""

import clinic.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("homework", "0003_reminder_watermark"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="dosingprofile",
                    name="description",
                    field=models.TextField(blank=True, max_length=1000),
                ),
                migrations.AlterField(
                    model_name="exercise",
                    name="cautions",
                    field=models.TextField(blank=True, max_length=2000),
                ),
                migrations.AlterField(
                    model_name="exercise",
                    name="instructions",
                    field=models.TextField(max_length=4000),
                ),
                migrations.AlterField(
                    model_name="homeworkplan",
                    name="end_date",
                    field=models.DateField(
                        blank=True,
                        null=True,
                        validators=[clinic.core.validators.validate_sane_date],
                    ),
                ),
                migrations.AlterField(
                    model_name="homeworkplan",
                    name="message",
                    field=models.TextField(
                        blank=True,
                        help_text="A word from the therapist, on the page.",
                        max_length=2000,
                    ),
                ),
                migrations.AlterField(
                    model_name="homeworkplan",
                    name="start_date",
                    field=models.DateField(
                        blank=True,
                        null=True,
                        validators=[clinic.core.validators.validate_sane_date],
                    ),
                ),
            ],
        ),
    ]
