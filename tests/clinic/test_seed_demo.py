from __future__ import annotations

import io

from django.core.management import call_command

from clinic.core.models import Client, Clinic, Location, Role, Therapist, User
from homework.models import HomeworkPlan
from intake.models import CulpritSuggestion, Submission
from notes.models import NoteTemplate, SessionNote
from notes.services import verify_note_integrity
from scheduling.models import Appointment, Service


def _snapshot() -> str:
    out = io.StringIO()
    call_command(
        "dumpdata",
        "clinic.clinic",
        "clinic.location",
        "clinic.user",
        "clinic.therapist",
        "clinic.client",
        "auth.group",
        "clinic.apitoken",
        stdout=out,
        indent=1,
    )
    return out.getvalue()


def test_seed_demo_builds_the_demo_clinic(db):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    clinic = Clinic.objects.get()
    locations = Location.objects.filter(clinic=clinic)
    assert locations.count() == 2
    assert len({loc.timezone for loc in locations}) == 2
    assert Therapist.objects.count() == 3
    assert User.objects.filter(role=Role.FRONT_DESK).count() == 1
    assert User.objects.filter(role=Role.OWNER).count() == 1
    assert Client.objects.count() == 8
    assert Service.objects.filter(clinic=clinic).count() == 4
    assert Appointment.objects.filter(clinic=clinic).count() == 6
    assert Submission.objects.filter(referral_flag=True).count() == 1
    assert CulpritSuggestion.objects.exists()
    note = SessionNote.objects.get()
    assert note.status == "signed" and verify_note_integrity(note).ok
    assert NoteTemplate.objects.filter(clinic=clinic).count() == 8
    plan = HomeworkPlan.objects.get()
    assert plan.status == "active" and plan.items.exists() and plan.replies.exists()
    for username in ("owner", "frontdesk", "therapist", "client"):
        assert username in out.getvalue()
        assert User.objects.get(username=username).has_usable_password()


def test_seed_demo_twice_changes_nothing(db):
    call_command("seed_demo", stdout=io.StringIO())
    first = _snapshot()
    call_command("seed_demo", stdout=io.StringIO())
    assert _snapshot() == first
