"""Carry the content types of the moved session-note models over from the core
``clinic`` app, so permissions granted on them stay granted."""

from django.db import migrations

from clinic.core.migration_helpers import move_content_types


class Migration(migrations.Migration):
    dependencies = [
        ("notes", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        move_content_types(
            from_app="clinic",
            to_app="notes",
            models=[
                "addendum",
                "musclefinding",
                "notetemplate",
                "objectivetest",
                "sessionnote",
                "tugofwar",
            ],
        ),
    ]
