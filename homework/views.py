"""The client's homework pages, reached by signed links (no sign-in): the
plan page (today's exercises, a "done" for each, printable) and the reply
page a reminder's links open.

A reply is recorded by the tap on the page's button (a POST), not by opening
the link: e-mail security scanners open every link in a message and would
otherwise record both "done" and "skipped".

Links expire (homework/services/links.py): an expired one gets a kind page
saying how to get a new plan (410); a reply link of a stopped or replaced plan
says the plan has ended and records nothing (410)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from clinic.core.errors import DomainError
from homework import selectors, services
from homework.dosing import effective_dose
from homework.models import CautionFlag, DosingProfile, HomeworkPlan, PlanStatus, ReplyKind
from homework.schedule import days_in_words, item_days, scheduled_dates, session_days
from homework.services.links import LinkState, plan_link_state, plan_page_url, read_reply_link
from homework.services.setup import settings_for


def _plan(plan_id: int, client_id: int) -> HomeworkPlan | None:
    return (
        HomeworkPlan.objects.select_related(
            "client__clinic", "therapist__user", "clinic", "dosing_profile"
        )
        .prefetch_related("items__exercise", "replies")
        .filter(pk=plan_id, client_id=client_id)
        .first()
    )


def _newer_plan_url(plan: HomeworkPlan) -> str:
    """The page of the plan that replaced ``plan``, while that one runs."""
    if plan.status != PlanStatus.SUPERSEDED:
        return ""
    newer = (
        HomeworkPlan.objects.filter(
            client_id=plan.client_id, status__in=(PlanStatus.ACTIVE, PlanStatus.PAUSED)
        )
        .order_by("-published_at", "-id")
        .first()
    )
    return plan_page_url(newer) if newer is not None else ""


def _link_problem(request: HttpRequest, plan: HomeworkPlan, problem: str) -> HttpResponse:
    return render(
        request,
        "homework/link_problem.html",
        {
            "problem": problem,
            "plan": plan,
            "clinic": plan.clinic,
            "newer_plan_url": _newer_plan_url(plan) if problem == LinkState.ENDED else "",
        },
        status=410,
    )


@csrf_exempt  # the signed token in the address is the authority
@require_http_methods(["GET", "POST"])
def plan_page(request: HttpRequest, token: str) -> HttpResponse:
    found = services.read_plan_token(token)
    plan = _plan(*found) if found else None
    if plan is None:
        return render(request, "homework/link_problem.html", {"problem": "invalid"}, status=404)
    if plan_link_state(plan, now=timezone.now()) == LinkState.EXPIRED:
        return _link_problem(request, plan, "expired")
    today = selectors.get_plan_today(plan)
    is_session_day = bool(scheduled_dates(plan, today, today))
    message = ""
    if request.method == "POST":
        exercise_id = request.POST.get("exercise")
        item = next((i for i in plan.items.all() if str(i.exercise_id) == exercise_id), None)
        if item is None:
            message = "That exercise is not in your plan."
        else:
            try:
                services.record_reply(
                    plan=plan,
                    session_date=today,
                    kind=ReplyKind.DONE,
                    exercise=item.exercise,
                    via="page",
                )
                plan = _plan(plan.pk, plan.client_id) or plan
            except DomainError as exc:
                message = exc.message
    done_today = {
        r.exercise_id
        for r in plan.replies.all()
        if r.session_date == today and r.kind == ReplyKind.DONE
    }
    session_done = None in done_today
    profile = (
        plan.dosing_profile
        or DosingProfile.objects.filter(clinic=plan.clinic, is_default=True).first()
    )
    items = []
    for item in plan.items.all():
        days = item_days(item.days_of_week, plan.days_of_week)
        items.append(
            {
                "item": item,
                "exercise": item.exercise,
                "dose": effective_dose(item, profile),
                "done": session_done or item.exercise_id in done_today,
                "today": today.weekday() in days,
                "own_days": days_in_words(days) if item.days_of_week else "",
            }
        )
    return render(
        request,
        "homework/plan.html",
        {
            "plan": plan,
            "clinic": plan.clinic,
            "items": items,
            "today": today,
            "is_session_day": is_session_day,
            "active": plan.status == PlanStatus.ACTIVE,
            "message": message,
            "newer_plan_url": _newer_plan_url(plan),
            "words": _plan_words(plan, profile, items),
        },
    )


def _plan_words(
    plan: HomeworkPlan, profile: DosingProfile | None, items: list[dict[str, Any]]
) -> dict[str, Any]:
    """How often, how to move and what to avoid, in the clinic's words (its
    homework settings and the plan's dosing profile)."""
    settings = settings_for(plan.clinic_id)
    days = session_days(plan)
    flag_words = {
        CautionFlag.FLEXIBLE_ONLY: settings.flexible_only_words,
        CautionFlag.DISCOURAGED: settings.discouraged_words,
    }
    cautions = []
    for row in items:
        exercise = row["exercise"]
        lines = [flag_words.get(flag, "") for flag in exercise.caution_flags]
        lines = [line for line in [*lines, exercise.cautions] if line]
        if lines:
            cautions.append({"name": exercise.name, "lines": lines})
    return {
        "per_week": len(days),
        "days": days_in_words(days),
        "own_days": any(row["own_days"] for row in items),
        "how_to_move": (profile.how_to_move if profile else "") or settings.how_to_move,
        "if_it_hurts": (profile.if_it_hurts if profile else "") or settings.if_it_hurts,
        "what_to_avoid": settings.what_to_avoid,
        "cautions": cautions,
    }


@csrf_exempt  # the signed token in the address is the authority
@require_http_methods(["GET", "POST"])
def reply_page(request: HttpRequest, token: str) -> HttpResponse:
    state, link = read_reply_link(token)
    plan = _plan(link.plan_id, link.client_id) if link else None
    if link is None or plan is None:
        return render(request, "homework/link_problem.html", {"problem": "invalid"}, status=404)
    if state == LinkState.OK:
        state = plan_link_state(plan, now=timezone.now())
    if state != LinkState.OK:
        return _link_problem(request, plan, state)
    context = {"plan": plan, "clinic": plan.clinic, "day": link.day, "kind": link.kind}
    if request.method == "POST":
        score = request.POST.get("pain_score")
        try:
            reply, created = services.record_reply(
                plan=plan,
                session_date=link.day,
                kind=link.kind,
                pain_score=int(score)
                if link.kind == ReplyKind.PAIN and score is not None and score.isdigit()
                else None,
            )
        except DomainError as exc:
            return render(
                request, "homework/reply.html", {**context, "error": exc.message}, status=400
            )
        return render(
            request, "homework/reply_thanks.html", {**context, "reply": reply, "again": not created}
        )
    return render(request, "homework/reply.html", {**context, "scores": range(11)})
