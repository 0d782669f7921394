"""Alerts for the therapist, through the outbox: adherence under the clinic's
threshold for 7 days, or pain up by 2 points or more across replies."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic.notifications import rendering
from clinic.notifications import services as notifications
from homework import selectors
from homework.models import AlertKind, HomeworkAlert, HomeworkPlan, PlanStatus, ReplyKind


def _raise(plan: HomeworkPlan, kind: str, detail: dict[str, Any]) -> HomeworkAlert | None:
    today = selectors.get_plan_today(plan)
    try:
        with transaction.atomic():
            alert = HomeworkAlert.objects.create(
                plan=plan, kind=kind, raised_on=today, detail=detail
            )
    except IntegrityError:
        return None  # already raised today
    therapist_user = plan.therapist.user
    notifications.enqueue(
        recipient=therapist_user,
        template_key="therapist_alert",
        context={
            "client": plan.client.full_name,
            "kind": kind,
            **detail,
            "timeline_url": rendering.absolute_url(f"/clients/{plan.client_id}/timeline/"),
        },
        send_after=timezone.now(),
        idempotency_key=f"homework-alert-{alert.pk}",
        about=plan,
    )
    return alert


def check_pain_rising(plan: HomeworkPlan) -> HomeworkAlert | None:
    """The latest pain reply is 2 or more above the lowest earlier one."""
    scores = [
        score
        for score in plan.replies.filter(kind=ReplyKind.PAIN)
        .order_by("session_date", "id")
        .values_list("pain_score", flat=True)
        if score is not None
    ]
    if len(scores) < 2:
        return None
    latest, lowest = scores[-1], min(scores[:-1])
    if latest - lowest < 2:
        return None
    return _raise(plan, AlertKind.PAIN_RISING, {"from": lowest, "to": latest})


def check_low_adherence(plan: HomeworkPlan) -> HomeworkAlert | None:
    """Adherence over the last 7 days (to yesterday) under the clinic's
    threshold; at most one such alert a week."""
    today = selectors.get_plan_today(plan)
    first, last = today - timedelta(days=7), today - timedelta(days=1)
    if plan.start_date is None or plan.start_date > first:
        return None  # not 7 days of plan yet
    done, prescribed = selectors.get_window_adherence(plan, first=first, last=last)
    if not prescribed:
        return None
    percent = round(100 * done / prescribed)
    if percent >= plan.clinic.adherence_alert_percent:
        return None
    if HomeworkAlert.objects.filter(
        plan=plan, kind=AlertKind.LOW_ADHERENCE, raised_on__gt=today - timedelta(days=7)
    ).exists():
        return None
    return _raise(
        plan, AlertKind.LOW_ADHERENCE, {"done": done, "prescribed": prescribed, "percent": percent}
    )


def check_all_plans() -> int:
    """The daily beat task's second half: low-adherence alerts."""
    raised = 0
    for plan in (
        HomeworkPlan.objects.filter(status=PlanStatus.ACTIVE)
        .select_related("client__clinic", "clinic", "therapist__user")
        .prefetch_related("replies", "items")
    ):
        raised += check_low_adherence(plan) is not None
    return raised
