"""Reads of homework: scoped plans, and the adherence arithmetic.

A session counts as done when the client replied "done" for it, or ticked
every exercise of the plan that day on their page. An exercise counts as done
on a session day when it was ticked, or the whole session was replied done.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.utils import timezone

from clinic.core.models import Client, Role, User
from clinic.core.selectors import list_clients_for
from homework.models import (
    Exercise,
    HomeworkAlert,
    HomeworkPlan,
    HomeworkReply,
    PlanStatus,
    ReplyKind,
)
from homework.schedule import item_days, scheduled_dates
from notes import selectors as notes_selectors


def list_plans_for(user: User) -> QuerySet[HomeworkPlan]:
    """Therapists and owner: plans of clients they may see; a client: their own
    published plans (drafts are the therapist's)."""
    qs = HomeworkPlan.objects.select_related("client", "therapist__user", "dosing_profile")
    if user.role == Role.CLIENT:
        return qs.filter(client__user_id=user.pk).exclude(status=PlanStatus.DRAFT)
    if user.role in (Role.THERAPIST, Role.OWNER):
        return qs.filter(client__in=list_clients_for(user, include_archived=True))
    return qs.none()


def list_exercises_for(user: User) -> QuerySet[Exercise]:
    if user.clinic_id is None:
        return Exercise.objects.none()
    return Exercise.objects.filter(
        Q(clinic__isnull=True) | Q(clinic_id=user.clinic_id), active=True
    ).prefetch_related("targets__muscle")


def get_plan_today(plan: HomeworkPlan) -> date:
    return timezone.now().astimezone(ZoneInfo(plan.zone_name or plan.client.zone_name)).date()


def _done_days(
    plan: HomeworkPlan, replies: list[HomeworkReply]
) -> tuple[set[date], dict[int, set[date]]]:
    item_exercises = {item.exercise_id for item in plan.items.all()}
    session_done = {
        r.session_date for r in replies if r.kind == ReplyKind.DONE and r.exercise_id is None
    }
    ticked: dict[date, set[int]] = defaultdict(set)
    for r in replies:
        if r.kind == ReplyKind.DONE and r.exercise_id is not None:
            ticked[r.session_date].add(r.exercise_id)
    for day, exercises in ticked.items():
        if item_exercises and item_exercises <= exercises:
            session_done.add(day)
    per_exercise: dict[int, set[date]] = {
        ex: set(session_done) | {d for d, done in ticked.items() if ex in done}
        for ex in item_exercises
    }
    return session_done, per_exercise


def get_adherence(plan: HomeworkPlan, *, today: date | None = None) -> dict[str, Any]:
    """Sessions done / prescribed per week, the current streak, per exercise,
    and per culprit muscle (with the pain replies next to it)."""
    today = today or get_plan_today(plan)
    replies = list(plan.replies.all())
    session_done, per_exercise = _done_days(plan, replies)
    end = min(today, plan.end_date) if plan.end_date else today
    prescribed = scheduled_dates(plan, plan.start_date, end) if plan.start_date else []
    weeks: dict[date, dict[str, int]] = {}
    for day in prescribed:
        monday = day - timedelta(days=day.weekday())
        week = weeks.setdefault(monday, {"prescribed": 0, "done": 0})
        week["prescribed"] += 1
        week["done"] += day in session_done
    streak = 0
    for day in reversed(prescribed):
        if day in session_done:
            streak += 1
        elif day == today:
            continue  # today's session may still be done
        else:
            break
    items = list(plan.items.all())
    # An item with days of its own is prescribed on those days only.
    prescribed_for = {
        item.pk: {
            day
            for day in prescribed
            if day.weekday() in item_days(item.days_of_week, plan.days_of_week)
        }
        for item in items
    }
    exercises = [
        {
            "item": item.pk,
            "exercise": item.exercise.slug,
            "name": item.exercise.name,
            "done": len(per_exercise.get(item.exercise_id, set()) & prescribed_for[item.pk]),
            "prescribed": len(prescribed_for[item.pk]),
        }
        for item in items
    ]
    pain = [
        {"date": r.session_date, "score": r.pain_score}
        for r in sorted(replies, key=lambda r: (r.session_date, r.pk))
        if r.kind == ReplyKind.PAIN
    ]
    culprits: dict[str, dict[str, Any]] = {}
    for item in items:
        muscle = item.for_culprit
        if muscle is None:
            continue
        entry = culprits.setdefault(
            muscle.slug,
            {
                "muscle": muscle.slug,
                "muscle_name": muscle.name,
                "exercises": [],
                "done": 0,
                "prescribed": 0,
                "pain": pain,
            },
        )
        done = per_exercise.get(item.exercise_id, set()) & prescribed_for[item.pk]
        entry["exercises"].append(item.exercise.slug)
        entry["done"] += len(done)
        entry["prescribed"] += len(prescribed_for[item.pk])
    total_done = sum(w["done"] for w in weeks.values())
    return {
        "plan": plan.pk,
        "prescribed": len(prescribed),
        "done": total_done,
        "percent": round(100 * total_done / len(prescribed)) if prescribed else None,
        "streak": streak,
        "weeks": [{"week_of": monday, **counts} for monday, counts in sorted(weeks.items())],
        "exercises": exercises,
        "culprits": list(culprits.values()),
        "pain": pain,
    }


def get_window_adherence(plan: HomeworkPlan, *, first: date, last: date) -> tuple[int, int]:
    """(done, prescribed) sessions between two dates."""
    prescribed = scheduled_dates(plan, first, last)
    session_done, _ = _done_days(plan, list(plan.replies.all()))
    return sum(1 for d in prescribed if d in session_done), len(prescribed)


def get_replies_since_last_visit(client: Client) -> dict[str, Any] | None:
    """For a new session note: the homework replies since the last signed note."""
    last = notes_selectors.get_last_signed_visit_at(client)
    replies = HomeworkReply.objects.filter(plan__client=client)
    if last is not None:
        replies = replies.filter(replied_at__gt=last)
    rows = list(replies.order_by("session_date", "id"))
    if not rows:
        return None
    return {
        "done": sum(1 for r in rows if r.kind == ReplyKind.DONE and r.exercise_id is None),
        "skipped": sum(1 for r in rows if r.kind == ReplyKind.SKIPPED),
        "pain": [
            {"date": r.session_date.isoformat(), "score": r.pain_score}
            for r in rows
            if r.kind == ReplyKind.PAIN
        ],
    }


def list_alerts_for_client(client: Client) -> QuerySet[HomeworkAlert]:
    return HomeworkAlert.objects.filter(plan__client=client).select_related("plan")


def get_live_plan(client: Client) -> HomeworkPlan | None:
    """The client's running (active or paused) plan, newest first, with what
    adherence needs."""
    return (
        HomeworkPlan.objects.filter(
            client=client, status__in=(PlanStatus.ACTIVE, PlanStatus.PAUSED)
        )
        .select_related("client__clinic")
        .prefetch_related("items__exercise", "items__for_culprit", "replies")
        .order_by("-published_at")
        .first()
    )


def list_live_plans(client_ids: list[int]) -> dict[int, HomeworkPlan]:
    """Each client's running (active or paused) plan, the newest, with what
    adherence needs, in a fixed number of queries however many clients
    (unscoped: the caller has checked the reader may see these clients)."""
    plans = (
        HomeworkPlan.objects.filter(
            client_id__in=client_ids, status__in=(PlanStatus.ACTIVE, PlanStatus.PAUSED)
        )
        .select_related("client__clinic")
        .prefetch_related("items__exercise", "items__for_culprit", "replies")
        .order_by("client_id", "published_at", "id")
    )
    return {plan.client_id: plan for plan in plans}  # the newest wins
