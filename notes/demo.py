"""Demo notes: a signed visit note with culprits, victims and a tug-of-war for
the demo client, so the timeline and the body chart have something to show.
The quick phrases come from setting the clinic up (``records.onboarding``).
Idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from clinic.core.models import Client, Clinic, Muscle, User
from notes import services
from notes.models import SessionNote


@transaction.atomic
def seed_notes(clinic: Clinic) -> None:
    client = Client.objects.filter(clinic=clinic, email="daniel.brooks@example.com").first()
    therapist = User.objects.filter(username="therapist").first()
    if client is None or therapist is None or SessionNote.objects.filter(client=client).exists():
        return
    note = services.start_note(
        client=client,
        written_by=therapist,
        kind="phone",
        seen_at=timezone.now() - timedelta(days=3),
    )
    muscles = {m.slug: m for m in Muscle.objects.all()}
    culprit = services.add_finding(
        note=note,
        added_by=therapist,
        muscle=muscles["rectus-femoris"],
        side="left",
        role="culprit",
        tension=3,
        tenderness=1,
    )
    services.add_finding(
        note=note,
        added_by=therapist,
        muscle=muscles["psoas-major"],
        side="both",
        role="culprit",
        tension=2,
        tenderness=1,
    )
    victim = services.add_finding(
        note=note,
        added_by=therapist,
        muscle=muscles["erector-spinae"],
        side="left",
        role="victim",
        tension=1,
        tenderness=3,
        trigger_points=True,
    )
    services.link_tug_of_war(note=note, linked_by=therapist, culprit=culprit, victim=victim)
    services.add_test(
        note=note,
        added_by=therapist,
        test="modified_thomas",
        side="left",
        result="positive",
        comment="Knee does not reach 90 degrees.",
    )
    services.update_note(
        note=note,
        changed_by=therapist,
        nrs_before=6,
        nrs_after=4,
        objective="Anterior pelvic tilt; left hip hikes when walking.",
        assessment="Short left rectus femoris and both hip flexors pulling the pelvis forward; "
        "left lumbar erectors overstretched.",
        plan="Half-kneeling hip flexor stretch and front-of-thigh stretch daily; review in a week.",
    )
    services.sign_note(note=note, signed_by=therapist)
