"""Input limits: a maximum length on every text field and the date policy's
validators (clinic.core.validators). Neither changes a column: a TextField is
``text`` whatever its max_length, and validators live in Python. So these are
state changes only; without SeparateDatabaseAndState SQLite would rebuild each
table (and reorder its columns) to end up with the same schema."""

import clinic.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notes", "0002_content_types"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="addendum",
                    name="text",
                    field=models.TextField(max_length=10000),
                ),
                migrations.AlterField(
                    model_name="notetemplate",
                    name="text",
                    field=models.TextField(max_length=2000),
                ),
                migrations.AlterField(
                    model_name="sessionnote",
                    name="assessment",
                    field=models.TextField(blank=True, max_length=10000),
                ),
                migrations.AlterField(
                    model_name="sessionnote",
                    name="objective",
                    field=models.TextField(
                        blank=True, help_text="Posture and other observations.", max_length=10000
                    ),
                ),
                migrations.AlterField(
                    model_name="sessionnote",
                    name="plan",
                    field=models.TextField(blank=True, max_length=10000),
                ),
                migrations.AlterField(
                    model_name="sessionnote",
                    name="seen_at",
                    field=models.DateTimeField(
                        help_text="When the visit or call took place.",
                        validators=[clinic.core.validators.validate_aware_datetime],
                    ),
                ),
                migrations.AlterField(
                    model_name="sessionnote",
                    name="subjective",
                    field=models.TextField(blank=True, max_length=10000),
                ),
            ],
        ),
    ]
