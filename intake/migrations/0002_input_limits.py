"""Input limits: a maximum length on every text field and the date policy's
validators (clinic.core.validators). Neither changes a column: a TextField is
``text`` whatever its max_length, and validators live in Python. So these are
state changes only; without SeparateDatabaseAndState SQLite would rebuild each
table (and reorder its columns) to end up with the same schema."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="culpritrule",
                    name="reason",
                    field=models.TextField(
                        help_text="Why, in the clinic's words, shown to the therapist.",
                        max_length=1000,
                    ),
                ),
                migrations.AlterField(
                    model_name="culpritsuggestion",
                    name="reason",
                    field=models.TextField(max_length=1000),
                ),
                migrations.AlterField(
                    model_name="questionnaire",
                    name="intro",
                    field=models.TextField(
                        blank=True, help_text="Shown at the top of the form.", max_length=2000
                    ),
                ),
            ],
        ),
    ]
