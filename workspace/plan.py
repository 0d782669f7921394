"""The plan builder: after signing a note, the therapist proposes the client's
homework plan, edits its items and schedule, publishes it, then pauses,
resumes or stops it.

Every write goes through ``homework.services`` (the same rules as the API:
only the client's therapist prescribes; the owner reads); every page read of a
plan is audited with ``record_plan_reads``. Bad input re-renders the form with
what was typed and the service's field errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from clinic.core.errors import DomainError, InvalidInput, NotAllowed
from clinic.core.models import Role, User
from homework import selectors as homework_selectors
from homework import services as homework
from homework.dosing import effective_dose, schedule_warnings
from homework.models import DoseKind, DosingProfile, HomeworkPlan, PlanItem, PlanStatus, Side
from intake import selectors as intake_selectors
from intake.errors import CLEARANCE_OVERRIDE_FIELD
from notes.selectors import list_notes_for
from workspace.access import TREATING, staff_page

WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
LIVE = (PlanStatus.DRAFT, PlanStatus.ACTIVE, PlanStatus.PAUSED)

# What the three dose numbers mean for each dose kind (labels on the item form).
DOSE_LABELS: dict[str, tuple[str, str, str]] = {
    DoseKind.STATIC_HOLD: ("Hold (seconds)", "Repetitions", "Sets"),
    DoseKind.DYNAMIC_REPS: ("Seconds each way", "Slow movements", "Sets"),
    DoseKind.RELEASE_TIME: ("Seconds on the spot", "Times", "Sets"),
    DoseKind.STRENGTH_SETS: ("Hold each (seconds)", "Repetitions", "Sets"),
}


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def zone_label(zone_name: str) -> str:
    """ "America/New_York" -> "New York time"."""
    return f"{zone_name.rsplit('/', 1)[-1].replace('_', ' ')} time" if zone_name else ""


# --- reading the posted form (shape only: the rules are the services') -----------------------


def _int_or_none(data: QueryDict, name: str, errors: dict[str, list[str]]) -> int | None:
    raw = data.get(name, "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        errors[name] = ["Enter a whole number."]
        return None
    if value < 1:
        errors[name] = ["Enter a number of 1 or more."]
    return value


def _days(data: QueryDict, name: str, errors: dict[str, list[str]]) -> list[int]:
    try:
        return sorted({int(d) for d in data.getlist(name)})
    except ValueError:
        errors[name] = ["Tick days of the week."]
        return []


def _date_or_none(data: QueryDict, name: str, errors: dict[str, list[str]]) -> date | None:
    raw = data.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = ["Enter a date."]
        return None


def _time_or_none(data: QueryDict, name: str, errors: dict[str, list[str]]) -> time | None:
    raw = data.get(name, "").strip()
    if not raw:
        return None
    try:
        return time.fromisoformat(raw)
    except ValueError:
        errors[name] = ["Enter a time such as 18:00."]
        return None


# --- the page ------------------------------------------------------------------------------------


@dataclass
class Problem:
    """A refused form: which one, what was typed, and what to say by each field."""

    form: str
    values: QueryDict
    fields: dict[str, list[str]] = field(default_factory=dict)
    message: str = ""


def _get_plan(user: User, plan_id: int) -> HomeworkPlan:
    plan = (
        homework_selectors.list_plans_for(user)
        .select_related("client__clinic", "clinic", "source_note")
        .prefetch_related("items__exercise", "items__for_culprit")
        .filter(pk=plan_id)
        .first()
    )
    if plan is None:
        raise Http404
    return plan


def _default_profile(plan: HomeworkPlan, profiles: list[DosingProfile]) -> DosingProfile | None:
    return next((p for p in profiles if p.is_default), None)


def _item_row(
    item: PlanItem, profile: DosingProfile | None, problem: Problem | None
) -> dict[str, Any]:
    dose = effective_dose(item, profile)
    mine = problem is not None and problem.form == f"item-{item.pk}"
    values: dict[str, Any] = {
        "side": item.side,
        "hold_seconds": item.hold_seconds or "",
        "repetitions": item.repetitions or "",
        "sets": item.sets or "",
        "note": item.note,
        "days": list(item.days_of_week),
        "override_reason": "",
    }
    if mine:
        assert problem is not None
        posted = problem.values
        values.update({k: posted.get(k, "") for k in ("side", "hold_seconds", "repetitions")})
        values.update({k: posted.get(k, "") for k in ("sets", "note", "override_reason")})
        values["days"] = [int(d) for d in posted.getlist("days_of_week") if d.isdigit()]
    labels = DOSE_LABELS.get(item.exercise.dose_kind, DOSE_LABELS[DoseKind.STATIC_HOLD])
    return {
        "item": item,
        "dose": dose,
        "dose_text": dose.describe(),
        "labels": labels,
        "values": values,
        "errors": problem.fields if mine and problem else {},
        "message": problem.message if mine and problem else "",
        "weekdays": [(i, WEEKDAYS[i], i in values["days"]) for i in range(7)],
    }


def _plan_context(
    request: HttpRequest, plan: HomeworkPlan, problem: Problem | None = None
) -> dict[str, Any]:
    user = _user(request)
    profiles = list(DosingProfile.objects.filter(clinic_id=plan.clinic_id).order_by("name"))
    default = _default_profile(plan, profiles)
    profile = plan.dosing_profile or default
    items = sorted(plan.items.all(), key=lambda i: (i.order, i.pk))
    rows = [_item_row(item, profile, problem) for item in items]
    for i, row in enumerate(rows):
        row["first"], row["last"] = i == 0, i == len(rows) - 1
    clearance = intake_selectors.get_clearance_state(plan.client)
    clearance_answered = bool(
        clearance.is_referred
        and plan.clearance_override_at is not None
        and clearance.since is not None
        and plan.clearance_override_at >= clearance.since
    )
    editable = user.role == Role.THERAPIST and plan.status in LIVE
    settings_values: dict[str, Any] = {
        "dosing_profile": plan.dosing_profile_id or "",
        "days": list(plan.days_of_week),
        "time_of_day": plan.time_of_day.strftime("%H:%M") if plan.time_of_day else "",
        "start_date": plan.start_date.isoformat() if plan.start_date else "",
        "end_date": plan.end_date.isoformat() if plan.end_date else "",
        "message": plan.message,
    }
    add_values: dict[str, Any] = {"exercise": "", "side": "both", "override_reason": ""}
    publish_values: dict[str, Any] = {}
    if problem is not None and problem.form == "settings":
        posted = problem.values
        settings_values.update(
            {
                k: posted.get(k, "")
                for k in ("dosing_profile", "time_of_day", "start_date", "end_date", "message")
            }
        )
        settings_values["days"] = [int(d) for d in posted.getlist("days_of_week") if d.isdigit()]
    if problem is not None and problem.form == "add":
        add_values.update({k: problem.values.get(k, "") for k in add_values})
    if problem is not None and problem.form in ("add", "publish"):
        publish_values[CLEARANCE_OVERRIDE_FIELD] = problem.values.get(CLEARANCE_OVERRIDE_FIELD, "")
        add_values[CLEARANCE_OVERRIDE_FIELD] = publish_values[CLEARANCE_OVERRIDE_FIELD]
    exercises = list(homework_selectors.list_exercises_for(user)) if editable else []
    groups: dict[str, list[Any]] = {}
    for exercise in exercises:
        groups.setdefault(exercise.get_area_display(), []).append(exercise)

    def errors_of(form: str) -> dict[str, list[str]]:
        return problem.fields if problem is not None and problem.form == form else {}

    def message_of(form: str) -> str:
        return problem.message if problem is not None and problem.form == form else ""

    return {
        "plan": plan,
        "client": plan.client,
        "rows": rows,
        "editable": editable,
        "is_draft": plan.status == PlanStatus.DRAFT,
        "profiles": profiles,
        "default_profile": default,
        "profile": profile,
        "warnings": schedule_warnings(plan, default),
        "zone": zone_label(plan.zone_name or plan.client.zone_name),
        "clearance_referred": clearance.is_referred,
        "clearance_answered": clearance_answered,
        "needs_clearance_reason": clearance.is_referred and not clearance_answered,
        "settings_values": settings_values,
        "settings_days": [(i, WEEKDAYS[i], i in settings_values["days"]) for i in range(7)],
        "settings_errors": errors_of("settings"),
        "settings_message": message_of("settings"),
        "add_values": add_values,
        "add_errors": errors_of("add"),
        "add_message": message_of("add"),
        "publish_values": publish_values,
        "publish_errors": errors_of("publish"),
        "publish_problems": [
            error
            for name, errors in errors_of("publish").items()
            if name != CLEARANCE_OVERRIDE_FIELD
            for error in errors
        ],
        "publish_message": message_of("publish"),
        "life_message": message_of("life") or message_of("reorder"),
        "exercise_groups": sorted(groups.items()),
        "sides": Side.choices,
        "clearance_field": CLEARANCE_OVERRIDE_FIELD,
    }


def _render_plan(
    request: HttpRequest, plan: HomeworkPlan, problem: Problem | None = None, status: int = 200
) -> HttpResponse:
    context = _plan_context(request, plan, problem)
    if request.htmx:  # type: ignore[attr-defined]
        # htmx swaps only 2xx answers: a refusal is shown in the swapped part.
        return render(request, "workspace/plan/_plan.html", context)
    return render(request, "workspace/plan/plan.html", context, status=status)


@staff_page(*TREATING)
def plan_page(request: HttpRequest, plan_id: int) -> HttpResponse:
    """A plan: its items, doses, safety warnings, schedule and life."""
    plan = _get_plan(_user(request), plan_id)
    homework.record_plan_reads(plans=[plan], read_by=_user(request), via="workspace")
    return _render_plan(request, plan)


def _status_of(error: DomainError) -> int:
    return error.status_code if error.status_code in (400, 409) else 400


def _act(request: HttpRequest, plan_id: int, form: str, action: Any) -> HttpResponse:
    """Run one service call for a posted form; on a refusal, show the page again
    with what was typed and the errors; on success, the fresh plan."""
    user = _user(request)
    plan = _get_plan(user, plan_id)
    try:
        action(plan, user)
    except NotAllowed as refused:
        raise PermissionDenied(refused.message) from refused
    except DomainError as refused:
        problem = Problem(
            form=form, values=request.POST, fields=dict(refused.fields), message=refused.message
        )
        fresh = _get_plan(user, plan_id)
        homework.record_plan_reads(plans=[fresh], read_by=user, via="workspace")
        return _render_plan(request, fresh, problem, status=_status_of(refused))
    if request.htmx:  # type: ignore[attr-defined]
        fresh = _get_plan(user, plan_id)
        homework.record_plan_reads(plans=[fresh], read_by=user, via="workspace")
        return _render_plan(request, fresh)
    return redirect(reverse("workspace:plan", args=[plan_id]))


def _item_of(plan: HomeworkPlan, item_id: int) -> PlanItem:
    item = next((i for i in plan.items.all() if i.pk == item_id), None)
    if item is None:
        raise Http404
    return item


@require_POST
@staff_page(*TREATING)
def add_item(request: HttpRequest, plan_id: int) -> HttpResponse:
    def action(plan: HomeworkPlan, user: User) -> None:
        data = request.POST
        exercise = (
            homework_selectors.list_exercises_for(user)
            .filter(pk=data.get("exercise", "0") if data.get("exercise", "").isdigit() else 0)
            .first()
        )
        if exercise is None:
            raise InvalidInput(fields={"exercise": ["Choose an exercise from the library."]})
        homework.add_item(
            plan=plan,
            added_by=user,
            exercise=exercise,
            side=data.get("side", "both"),
            override_reason=data.get("override_reason", ""),
            clearance_override_reason=data.get(CLEARANCE_OVERRIDE_FIELD, ""),
        )

    return _act(request, plan_id, "add", action)


@require_POST
@staff_page(*TREATING)
def change_item(request: HttpRequest, plan_id: int, item_id: int) -> HttpResponse:
    def action(plan: HomeworkPlan, user: User) -> None:
        data = request.POST
        errors: dict[str, list[str]] = {}
        changes: dict[str, Any] = {
            "hold_seconds": _int_or_none(data, "hold_seconds", errors),
            "repetitions": _int_or_none(data, "repetitions", errors),
            "sets": _int_or_none(data, "sets", errors),
            "days_of_week": _days(data, "days_of_week", errors),
            "note": data.get("note", "").strip(),
        }
        if "side" in data:
            changes["side"] = data["side"]
        if errors:
            raise InvalidInput(fields=errors)
        homework.update_item(
            item=_item_of(plan, item_id),
            changed_by=user,
            override_reason=data.get("override_reason", ""),
            **changes,
        )

    return _act(request, plan_id, f"item-{item_id}", action)


@require_POST
@staff_page(*TREATING)
def remove_item(request: HttpRequest, plan_id: int, item_id: int) -> HttpResponse:
    def action(plan: HomeworkPlan, user: User) -> None:
        homework.remove_item(item=_item_of(plan, item_id), removed_by=user)

    return _act(request, plan_id, "life", action)


@require_POST
@staff_page(*TREATING)
def move_item(request: HttpRequest, plan_id: int, item_id: int) -> HttpResponse:
    """One place up or down: the whole new order goes to ``reorder_items``."""

    def action(plan: HomeworkPlan, user: User) -> None:
        ids = [i.pk for i in sorted(plan.items.all(), key=lambda i: (i.order, i.pk))]
        if item_id not in ids:
            raise Http404
        at = ids.index(item_id)
        to = at - 1 if request.POST.get("direction") == "up" else at + 1
        if 0 <= to < len(ids):
            ids[at], ids[to] = ids[to], ids[at]
        homework.reorder_items(plan=plan, ordered_by=user, item_ids=ids)

    return _act(request, plan_id, "reorder", action)


@require_POST
@staff_page(*TREATING)
def change_settings(request: HttpRequest, plan_id: int) -> HttpResponse:
    def action(plan: HomeworkPlan, user: User) -> None:
        data = request.POST
        errors: dict[str, list[str]] = {}
        profile: DosingProfile | None = None
        raw_profile = data.get("dosing_profile", "")
        if raw_profile:
            profile = DosingProfile.objects.filter(
                pk=raw_profile if raw_profile.isdigit() else 0, clinic_id=plan.clinic_id
            ).first()
            if profile is None:
                errors["dosing_profile"] = ["Choose one of the clinic's profiles."]
        changes: dict[str, Any] = {
            "dosing_profile": profile,
            "time_of_day": _time_or_none(data, "time_of_day", errors),
            "start_date": _date_or_none(data, "start_date", errors),
            "end_date": _date_or_none(data, "end_date", errors),
            "message": data.get("message", "").strip(),
        }
        days = _days(data, "days_of_week", errors)
        if sorted(days) != sorted(plan.days_of_week):
            changes["days_of_week"] = days
        if errors:
            raise InvalidInput(fields=errors)
        homework.update_plan(plan=plan, changed_by=user, **changes)

    return _act(request, plan_id, "settings", action)


@require_POST
@staff_page(*TREATING)
def publish(request: HttpRequest, plan_id: int) -> HttpResponse:
    def action(plan: HomeworkPlan, user: User) -> None:
        homework.publish_plan(
            plan=plan,
            published_by=user,
            clearance_override_reason=request.POST.get(CLEARANCE_OVERRIDE_FIELD, ""),
        )

    return _act(request, plan_id, "publish", action)


@require_POST
@staff_page(*TREATING)
def change_life(request: HttpRequest, plan_id: int, step: str) -> HttpResponse:
    """Pause, resume or stop a published plan."""
    services = {
        "pause": lambda plan, user: homework.pause_plan(plan=plan, paused_by=user),
        "resume": lambda plan, user: homework.resume_plan(plan=plan, resumed_by=user),
        "stop": lambda plan, user: homework.stop_plan(plan=plan, stopped_by=user),
    }
    if step not in services:
        raise Http404
    return _act(request, plan_id, "life", services[step])


# --- from a signed note --------------------------------------------------------------------------


@staff_page(*TREATING)
def plan_from_note(request: HttpRequest, note_id: int) -> HttpResponse:
    """GET: what proposing will do (and the clearance reason, when the client
    is referred). POST: propose, or open the draft the note already has."""
    user = _user(request)
    note = list_notes_for(user).select_related("client__clinic").filter(pk=note_id).first()
    if note is None:
        raise Http404
    clearance = intake_selectors.get_clearance_state(note.client)
    context: dict[str, Any] = {
        "note": note,
        "client": note.client,
        "referred": clearance.is_referred,
        "can_propose": user.role == Role.THERAPIST and note.is_signed,
        "errors": {},
        "message": "",
        "values": {CLEARANCE_OVERRIDE_FIELD: ""},
        "clearance_field": CLEARANCE_OVERRIDE_FIELD,
    }
    if request.method == "POST":
        reason = request.POST.get(CLEARANCE_OVERRIDE_FIELD, "")
        try:
            plan, _created = homework.propose_or_reuse_plan(
                note=note, proposed_by=user, clearance_override_reason=reason
            )
        except NotAllowed as refused:
            raise PermissionDenied(refused.message) from refused
        except DomainError as refused:
            context.update(
                errors=refused.fields,
                message=refused.message,
                values={CLEARANCE_OVERRIDE_FIELD: reason},
            )
            return render(
                request, "workspace/plan/from_note.html", context, status=_status_of(refused)
            )
        return redirect(reverse("workspace:plan", args=[plan.pk]))
    return render(request, "workspace/plan/from_note.html", context)
