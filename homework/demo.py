"""Demo homework: the demo note's plan, published, with a few replies, so the
client's plan page, the adherence figures and the timeline have something to
show. Dosing profiles and the area order come from setting the clinic up
(``records.onboarding``). Idempotent."""

from __future__ import annotations

from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from clinic.core.models import Clinic, User
from homework import services
from homework.models import HomeworkPlan
from notes.models import NoteStatus, SessionNote


@transaction.atomic
def seed_homework(clinic: Clinic) -> None:
    note = (
        SessionNote.objects.filter(clinic_id=clinic.pk, status=NoteStatus.SIGNED)
        .order_by("seen_at")
        .first()
    )
    therapist = User.objects.filter(username="therapist").first()
    if (
        note is None
        or therapist is None
        or HomeworkPlan.objects.filter(client=note.client).exists()
    ):
        return
    plan = services.propose_plan(note=note, proposed_by=therapist)
    start = timezone.localdate() - timedelta(days=3)
    services.update_plan(
        plan=plan,
        changed_by=therapist,
        days_of_week=list(range(7)),
        time_of_day=time(18, 0),
        start_date=start,
        end_date=start + timedelta(days=28),
        message="Hip flexors first, every evening. Move in slowly.",
    )
    services.publish_plan(plan=plan, published_by=therapist)
    for offset, kind, pain in (
        (3, "done", None),
        (3, "pain", 5),
        (2, "done", None),
        (1, "skipped", None),
        (1, "pain", 4),
    ):
        day = timezone.localdate() - timedelta(days=offset)
        if day >= start:
            services.record_reply(plan=plan, session_date=day, kind=kind, pain_score=pain)
