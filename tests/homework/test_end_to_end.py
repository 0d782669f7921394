"""Homework end to end on the real parts: a published plan's reminders are
materialised at the right local times (the plan is published in the past
with time-machine, so the reminders are due now), a real Celery worker sends
them through a real Redis to an SMTP server on loopback, and the e-mail's
"done" link records a reply once. PostgreSQL only (the worker is another
process); a file of its own, as it needs a transactional database."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client as BrowserClient
from django.utils import timezone

from clinic.core.models import Muscle
from clinic.notifications.models import Notification
from homework import services
from homework.models import HomeworkReply
from notes import services as notes
from tests.support.processes import can_run_worker_stack, wait_for

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not can_run_worker_stack() and os.environ.get("CLINIC_REQUIRE_SERVICES") != "1",
        reason="needs PostgreSQL as the database and redis-server on PATH",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
NY = ZoneInfo("America/New_York")


def test_a_published_plan_sends_reminders_whose_done_link_records_once(
    worker_stack, client_record, therapist, clinic
):
    _redis, sink, start_worker = worker_stack
    services.ensure_homework_setup(clinic)
    note = notes.start_note(client=client_record, written_by=therapist, kind="phone")
    notes.add_finding(
        note=note,
        added_by=therapist,
        muscle=Muscle.objects.get(slug="iliacus"),
        side="both",
        role="culprit",
        tension=2,
    )
    notes.sign_note(note=note, signed_by=therapist)
    published_at = timezone.now() - timedelta(days=4)
    start = published_at.astimezone(NY).date()
    with time_machine.travel(published_at, tick=False):
        plan = services.propose_plan(note=note, proposed_by=therapist)
        services.update_plan(
            plan=plan,
            changed_by=therapist,
            days_of_week=list(range(7)),
            time_of_day=time(7, 30),
            start_date=start,
            end_date=start + timedelta(days=30),
        )
        services.publish_plan(plan=plan, published_by=therapist)
    reminders = list(Notification.objects.filter(template_key="homework_reminder"))
    assert len(reminders) >= 13
    for reminder in reminders:  # 07:30 on the wall clock in the client's zone, every day
        local = reminder.send_after.astimezone(NY)
        assert (local.hour, local.minute) == (7, 30), reminder.send_after
    due = [r for r in reminders if r.send_after <= datetime.now(UTC)]
    assert len(due) >= 3
    start_worker()
    wait_for(
        lambda: not Notification.objects.filter(
            pk__in=[r.pk for r in due], status__in=["pending", "sending"]
        ).exists()
        and sink.count >= len(due) + 1,
        90,
        "the due reminders and the plan message",
    )
    mailbox = sink.mailbox()
    bodies = [
        d["message"]
        for d in mailbox.values()
        if "exercise" in (d["message"]["Subject"] or "").lower()
    ]
    assert len(bodies) >= len(due)
    text = next(
        part.get_payload(decode=True).decode()
        for message in bodies
        for part in message.walk()
        if part.get_content_type() == "text/plain"
        and "Done:" in part.get_payload(decode=True).decode()
    )
    done_url = re.search(r"Done:\s+(\S+)", text).group(1)
    path = "/" + done_url.split("://", 1)[1].split("/", 1)[1]
    browser = BrowserClient()
    assert browser.get(path).status_code == 200
    assert not HomeworkReply.objects.exists()
    assert browser.post(path).status_code == 200
    assert b"already have your answer" in browser.post(path).content
    reply = HomeworkReply.objects.get()
    assert (reply.kind, reply.plan_id) == ("done", plan.pk)
    assert sink.duplicate_deliveries() == 0
