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
from homework.schedule import scheduled_dates
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
    start = timezone.localdate() - timedelta(days=6)
    # The days stay those of the plan's dosing profile (three a week for the
    # 60-second one), so the page, the reminders and the stated frequency agree.
    plan = services.update_plan(
        plan=plan,
        changed_by=therapist,
        time_of_day=time(18, 0),
        start_date=start,
        end_date=start + timedelta(days=28),
        message="Hip flexors first. Move in slowly, only as far as is comfortable.",
    )
    plan = services.publish_plan(plan=plan, published_by=therapist)
    # A few replies on the plan's past session days (before today).
    past = scheduled_dates(plan, start, timezone.localdate() - timedelta(days=1))[-3:]
    replies = ((("done", None), ("pain", 5)), (("done", None),), (("skipped", None), ("pain", 4)))
    for day, answers in zip(past, replies[-len(past) :] if past else (), strict=True):
        for kind, pain in answers:
            services.record_reply(plan=plan, session_date=day, kind=kind, pain_score=pain)
