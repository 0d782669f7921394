"""No double booking, guaranteed by PostgreSQL itself: exclusion constraints
over the time range (buffers included) of a therapist's, a room's and a
client's active appointments. On SQLite the booking service serializes
bookings (IMMEDIATE transactions) and checks overlaps instead."""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

ACTIVE = "status IN ('booked', 'confirmed', 'checked_in', 'completed')"
CONSTRAINTS = {
    "appointment_no_therapist_overlap": (
        "therapist_id WITH =, tstzrange(block_start, block_end, '[)') WITH &&",
        ACTIVE,
    ),
    "appointment_no_room_overlap": (
        "room_id WITH =, tstzrange(block_start, block_end, '[)') WITH &&",
        f"room_id IS NOT NULL AND {ACTIVE}",
    ),
    "appointment_no_client_overlap": (
        "client_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&",
        ACTIVE,
    ),
}


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (expression, condition) in CONSTRAINTS.items():
        schema_editor.execute(
            f"ALTER TABLE scheduling_appointment ADD CONSTRAINT {name} "
            f"EXCLUDE USING gist ({expression}) WHERE ({condition})",
            params=None,
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in CONSTRAINTS:
        schema_editor.execute(
            f"ALTER TABLE scheduling_appointment DROP CONSTRAINT IF EXISTS {name}", params=None
        )


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]
    operations = [BtreeGistExtension(), migrations.RunPython(forward, backward)]
