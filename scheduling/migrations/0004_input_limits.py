"""Input limits: a maximum length on every text field and the date policy's
validators (clinic.core.validators). Neither changes a column: a TextField is
``text`` whatever its max_length, and validators live in Python. So these are
state changes only; without SeparateDatabaseAndState SQLite would rebuild each
table (and reorder its columns) to end up with the same schema."""

import clinic.core.validators
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0003_created_by_optional"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="appointment",
                    name="front_desk_notes",
                    field=models.TextField(blank=True, max_length=2000),
                ),
                migrations.AlterField(
                    model_name="availabilityoverride",
                    name="date",
                    field=models.DateField(validators=[clinic.core.validators.validate_sane_date]),
                ),
                migrations.AlterField(
                    model_name="closure",
                    name="end_date",
                    field=models.DateField(validators=[clinic.core.validators.validate_sane_date]),
                ),
                migrations.AlterField(
                    model_name="closure",
                    name="start_date",
                    field=models.DateField(validators=[clinic.core.validators.validate_sane_date]),
                ),
                migrations.AlterField(
                    model_name="service",
                    name="description",
                    field=models.TextField(blank=True, max_length=2000),
                ),
                migrations.AlterField(
                    model_name="waitlistentry",
                    name="earliest_date",
                    field=models.DateField(validators=[clinic.core.validators.validate_sane_date]),
                ),
                migrations.AlterField(
                    model_name="waitlistentry",
                    name="latest_date",
                    field=models.DateField(validators=[clinic.core.validators.validate_sane_date]),
                ),
                migrations.AlterField(
                    model_name="weeklyhours",
                    name="valid_from",
                    field=models.DateField(
                        default=django.utils.timezone.localdate,
                        validators=[clinic.core.validators.validate_sane_date],
                    ),
                ),
                migrations.AlterField(
                    model_name="weeklyhours",
                    name="valid_to",
                    field=models.DateField(
                        blank=True,
                        help_text="Blank: until further notice.",
                        null=True,
                        validators=[clinic.core.validators.validate_sane_date],
                    ),
                ),
            ],
        ),
    ]
