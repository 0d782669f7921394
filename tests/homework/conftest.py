from __future__ import annotations

import pytest

from homework import services
from notes import services as notes
from tests.notes.conftest import muscle, note, visit  # noqa: F401 (fixtures)
from tests.scheduling.conftest import frozen_now, massage, ny, room  # noqa: F401 (fixtures)


@pytest.fixture
def signed_note(note, therapist, clinic):  # noqa: F811
    """Culprits: both psoas, left rectus femoris. Victim: left quadratus lumborum."""
    services.ensure_homework_setup(clinic)
    notes.add_finding(
        note=note,
        added_by=therapist,
        muscle=muscle("psoas-major"),
        side="both",
        role="culprit",
        tension=3,
    )
    notes.add_finding(
        note=note,
        added_by=therapist,
        muscle=muscle("rectus-femoris"),
        side="left",
        role="culprit",
        tension=2,
    )
    notes.add_finding(
        note=note,
        added_by=therapist,
        muscle=muscle("quadratus-lumborum"),
        side="left",
        role="victim",
        tenderness=3,
    )
    return notes.sign_note(note=note, signed_by=therapist)


@pytest.fixture
def plan(signed_note, therapist):
    return services.propose_plan(note=signed_note, proposed_by=therapist)
