"""Editing, checking and publishing homework plans (proposing one from a note
is ``proposals``)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from clinic.core.audit import record_audit
from clinic.core.errors import Conflict, InvalidInput, NotAllowed
from clinic.core.models import AuditAction, Client, Role, Therapist, User
from clinic.core.selectors import has_client_relationship
from clinic.core.services import full_clean_or_400
from clinic.notifications import services as notifications
from homework.errors import PlanNotEditable
from homework.models import CautionFlag, DosingProfile, Exercise, HomeworkPlan, PlanItem, PlanStatus
from homework.schedule import default_days
from homework.services.links import plan_page_url
from homework.services.reminders import materialize_reminders
from homework.services.safety import check_item_safety
from intake import services as intake_services

LIVE = (PlanStatus.DRAFT, PlanStatus.ACTIVE, PlanStatus.PAUSED)


def _therapist_for(user: User, client: Client) -> Therapist:
    therapist = Therapist.objects.filter(user_id=user.pk).first()
    if user.role != Role.THERAPIST or therapist is None:
        raise NotAllowed("Only therapists prescribe homework.")
    if not has_client_relationship(user, client):
        raise NotAllowed("You do not treat this client.")
    return therapist


def _editable(plan: HomeworkPlan, by: User) -> HomeworkPlan:
    plan = HomeworkPlan.objects.select_for_update().select_related("client__clinic").get(pk=plan.pk)
    _therapist_for(by, plan.client)
    if plan.status not in LIVE:
        raise PlanNotEditable()
    return plan


def check_plan_clearance(plan: HomeworkPlan, by: User, override_reason: str, action: str) -> None:
    """A client referred to a doctor and not yet cleared gets homework only with
    a reason (409 ``clearance_required`` naming ``clearance_override_reason``
    without one). A reason is kept on the plan with who gave it and when, and
    audited; it answers for this plan until a new referral opens."""
    kept = intake_services.check_homework_clearance(
        client=plan.client,
        override_reason=override_reason,
        overridden_at=plan.clearance_override_at,
    )
    if not kept:
        return
    plan.clearance_override_reason = kept[:300]
    plan.clearance_override_by = by
    plan.clearance_override_at = timezone.now()
    plan.save(
        update_fields=[
            "clearance_override_reason",
            "clearance_override_by",
            "clearance_override_at",
        ]
    )
    record_audit(
        actor=by,
        action=AuditAction.UPDATE,
        obj=plan,
        client=plan.client,
        detail={"clearance_override": action, "reason": plan.clearance_override_reason},
    )


# --- editing -------------------------------------------------------------------------------------

ITEM_FIELDS = frozenset(
    {"side", "hold_seconds", "repetitions", "sets", "note", "order", "days_of_week"}
)


def _weekdays(days: Any, field: str = "days_of_week", *, allow_empty: bool = False) -> list[int]:
    """Validated weekdays (0 = Monday), sorted."""
    if (
        not isinstance(days, list)
        or (not days and not allow_empty)
        or any(not isinstance(d, int) or isinstance(d, bool) or d not in range(7) for d in days)
        or len(set(days)) != len(days)
    ):
        raise InvalidInput(fields={field: ["Give days from 0 (Monday) to 6, each once."]})
    return sorted(days)


def caution_warnings(exercise: Exercise) -> list[str]:
    """What a therapist is told when adding a cautioned exercise by hand (such
    exercises are never proposed automatically)."""
    labels = dict(CautionFlag.choices)
    return [
        f"{labels[flag]}: {exercise.name} is not proposed automatically."
        for flag in exercise.caution_flags
        if flag in labels
    ]


def _reschedule(plan: HomeworkPlan, reason: str) -> None:
    """A live plan's sessions changed: its future reminders are written again."""
    if plan.status != PlanStatus.ACTIVE:
        return
    plan.schedule_version += 1
    plan.save(update_fields=["schedule_version"])
    notifications.cancel_pending_for(about=plan, reason=reason)
    materialize_reminders(now=timezone.now(), plan_ids=[plan.pk])


@transaction.atomic
def add_item(
    *,
    plan: HomeworkPlan,
    added_by: User,
    exercise: Exercise,
    side: str = "both",
    override_reason: str = "",
    clearance_override_reason: str = "",
    **dose: Any,
) -> PlanItem:
    """Add an exercise, refused if unsafe unless ``override_reason`` is given
    (the reason and the warnings are kept on the item and shown with it)."""
    plan = _editable(plan, added_by)
    check_plan_clearance(plan, added_by, clearance_override_reason, "item_added")
    if exercise.clinic_id not in (None, plan.clinic_id) or not exercise.active:
        raise InvalidInput(fields={"exercise": ["This exercise is not in the library."]})
    unknown = set(dose) - ITEM_FIELDS
    if unknown:
        raise InvalidInput(fields={name: ["Unknown field."] for name in sorted(unknown)})
    side = side if exercise.sided else "both"
    if "days_of_week" in dose:
        dose["days_of_week"] = _weekdays(dose["days_of_week"], allow_empty=True)
    warnings = check_item_safety(
        client=plan.client, exercise=exercise, side=side, override_reason=override_reason
    )
    warnings += caution_warnings(exercise)
    last = plan.items.order_by("-order").values_list("order", flat=True).first() or 0
    item = PlanItem(
        plan=plan,
        exercise=exercise,
        side=side,
        order=dose.pop("order", last + 10),
        override_reason=override_reason.strip(),
        safety_warnings=warnings,
        **dose,
    )
    full_clean_or_400(item, exclude=["plan", "exercise", "for_culprit"])
    item.save()
    if item.days_of_week:
        _reschedule(plan, "The homework schedule changed.")
    record_audit(
        actor=added_by,
        action=AuditAction.UPDATE,
        obj=plan,
        client=plan.client,
        detail={"item_added": exercise.slug, "override_reason": item.override_reason},
    )
    return item


@transaction.atomic
def update_item(
    *, item: PlanItem, changed_by: User, override_reason: str = "", **changes: Any
) -> PlanItem:
    plan = _editable(item.plan, changed_by)
    unknown = set(changes) - ITEM_FIELDS
    if unknown:
        raise InvalidInput(fields={name: ["Unknown field."] for name in sorted(unknown)})
    if "side" in changes and changes["side"] != item.side:
        side = changes["side"] if item.exercise.sided else "both"
        reason = override_reason or item.override_reason
        item.safety_warnings = check_item_safety(
            client=plan.client, exercise=item.exercise, side=side, override_reason=reason
        ) + caution_warnings(item.exercise)
        item.override_reason = reason.strip()
        changes["side"] = side
    days_changed = False
    if "days_of_week" in changes:
        changes["days_of_week"] = _weekdays(changes["days_of_week"], allow_empty=True)
        days_changed = changes["days_of_week"] != item.days_of_week
    for name, value in changes.items():
        setattr(item, name, value)
    full_clean_or_400(item, exclude=["plan", "exercise", "for_culprit"])
    item.save()
    if days_changed:
        _reschedule(plan, "The homework schedule changed.")
    record_audit(
        actor=changed_by,
        action=AuditAction.UPDATE,
        obj=plan,
        client=plan.client,
        detail={"item_changed": item.pk, "fields": sorted(changes)},
    )
    return item


@transaction.atomic
def remove_item(*, item: PlanItem, removed_by: User) -> None:
    plan = _editable(item.plan, removed_by)
    record_audit(
        actor=removed_by,
        action=AuditAction.UPDATE,
        obj=plan,
        client=plan.client,
        detail={"item_removed": item.exercise.slug},
    )
    had_own_days = bool(item.days_of_week)
    item.delete()
    if had_own_days:
        _reschedule(plan, "The homework schedule changed.")


@transaction.atomic
def reorder_items(*, plan: HomeworkPlan, ordered_by: User, item_ids: list[int]) -> None:
    plan = _editable(plan, ordered_by)
    current = set(plan.items.values_list("pk", flat=True))
    if set(item_ids) != current or len(item_ids) != len(current):
        raise InvalidInput(fields={"items": ["List every item of the plan exactly once."]})
    for rank, pk in enumerate(item_ids, start=1):
        PlanItem.objects.filter(pk=pk).update(order=rank * 10)


def _sessions_per_week(plan: HomeworkPlan, profile: DosingProfile | None) -> int:
    profile = profile or DosingProfile.objects.filter(clinic=plan.clinic, is_default=True).first()
    return profile.sessions_per_week if profile else plan.clinic.default_sessions_per_week


@transaction.atomic
def update_plan(*, plan: HomeworkPlan, changed_by: User, **changes: Any) -> HomeworkPlan:
    """The schedule (days, time in the client's zone, dates), dosing profile and
    message. Changing the schedule of a live plan moves its future reminders.

    Frequency and days agree: a new dosing profile gives the plan the days for
    its sessions a week (``schedule.DAYS_FOR_SESSIONS``), unless the therapist
    chose the days by hand; those are kept and the plan then carries a
    schedule warning (``schedule_warnings``) until days or profile agree. Days
    set by hand are the plan's frequency (the number of days a week)."""
    plan = _editable(plan, changed_by)
    allowed = {"days_of_week", "time_of_day", "start_date", "end_date", "dosing_profile", "message"}
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidInput(fields={name: ["Unknown field."] for name in sorted(unknown)})
    profile = changes.get("dosing_profile")
    if profile is not None and profile.clinic_id != plan.clinic_id:
        raise InvalidInput(fields={"dosing_profile": ["A profile of another clinic."]})
    new_profile = "dosing_profile" in changes and (
        (profile.pk if profile else None) != plan.dosing_profile_id
    )
    per_week = _sessions_per_week(
        plan, profile if "dosing_profile" in changes else plan.dosing_profile
    )
    if "days_of_week" in changes:
        changes["days_of_week"] = _weekdays(changes["days_of_week"])
        # Choosing exactly the profile's days is following the profile.
        plan.days_set_by_hand = changes["days_of_week"] != default_days(per_week)
    elif new_profile and not plan.days_set_by_hand:
        days = default_days(per_week)
        if days != sorted(plan.days_of_week):
            changes["days_of_week"] = days
    for name, value in changes.items():
        setattr(plan, name, value)
    if plan.start_date and plan.end_date and plan.end_date < plan.start_date:
        raise InvalidInput(fields={"end_date": ["The end must not be before the start."]})
    schedule_changed = bool(
        {"days_of_week", "time_of_day", "start_date", "end_date"} & set(changes)
    )
    if schedule_changed and plan.status == PlanStatus.ACTIVE:
        plan.schedule_version += 1
    plan.save()
    if schedule_changed and plan.status == PlanStatus.ACTIVE:
        notifications.cancel_pending_for(about=plan, reason="The homework schedule changed.")
        materialize_reminders(now=timezone.now(), plan_ids=[plan.pk])
    record_audit(
        actor=changed_by,
        action=AuditAction.UPDATE,
        obj=plan,
        client=plan.client,
        detail={"fields": sorted(changes)},
    )
    return plan


# --- life of a plan -------------------------------------------------------------------------------


# A plan may start a few days back (from the visit it follows, say); one that
# started longer ago would count every past session as missed from day one.
MAX_BACKDATED_START = timedelta(days=7)


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _stale_dates(plan: HomeworkPlan) -> dict[str, list[str]]:
    """Dates that make no sense to publish today, in the client's own zone."""
    today = timezone.now().astimezone(ZoneInfo(plan.client.zone_name)).date()
    if plan.end_date is not None and plan.end_date < today:
        return {"end_date": [f"This plan ended on {_day(plan.end_date)}: move the end date."]}
    if plan.start_date is not None and plan.start_date < today - MAX_BACKDATED_START:
        return {
            "start_date": [
                f"This plan would have started on {_day(plan.start_date)}, more than "
                f"{MAX_BACKDATED_START.days} days ago: move the start date to today or later."
            ]
        }
    return {}


@transaction.atomic
def publish_plan(
    *, plan: HomeworkPlan, published_by: User, clearance_override_reason: str = ""
) -> HomeworkPlan:
    """Start the plan: it replaces the client's previous one, the client gets a
    message with their plan page, and reminders are scheduled. A plan whose
    end date has passed, or that would start more than a week back, is refused
    (400 naming the date) rather than published with sessions already missed."""
    plan = _editable(plan, published_by)
    if plan.status != PlanStatus.DRAFT:
        raise Conflict("Only a draft is published.")
    check_plan_clearance(plan, published_by, clearance_override_reason, "published")
    problems: dict[str, list[str]] = {}
    if not plan.items.exists():
        problems["items"] = ["Add at least one exercise."]
    if not plan.days_of_week or plan.time_of_day is None or plan.start_date is None:
        problems["schedule"] = ["Set the days, the time of day and the start date."]
    problems.update(_stale_dates(plan))
    if problems:
        raise InvalidInput(fields=problems)
    now = timezone.now()
    for old in (
        HomeworkPlan.objects.select_for_update()
        .filter(client=plan.client, status__in=(PlanStatus.ACTIVE, PlanStatus.PAUSED))
        .exclude(pk=plan.pk)
    ):
        old.status, old.superseded_by, old.stopped_at = PlanStatus.SUPERSEDED, plan, now
        old.save(update_fields=["status", "superseded_by", "stopped_at"])
        notifications.cancel_pending_for(about=old, reason="A new homework plan replaced it.")
    plan.status, plan.published_at = PlanStatus.ACTIVE, now
    plan.zone_name = plan.client.zone_name
    plan.save(update_fields=["status", "published_at", "zone_name"])
    notifications.enqueue(
        recipient=plan.client,
        template_key="homework_plan",
        context={
            "plan_url": plan_page_url(plan),
            "therapist": plan.therapist.display_name,
            "exercises": plan.items.count(),
            "message": plan.message,
        },
        send_after=now,
        idempotency_key=f"homework-plan-{plan.pk}-published",
        about=plan,
    )
    materialize_reminders(now=now, plan_ids=[plan.pk])
    record_audit(
        actor=published_by,
        action=AuditAction.UPDATE,
        obj=plan,
        client=plan.client,
        detail={"published": True},
    )
    return plan


def _set_status(
    plan: HomeworkPlan, by: User, *, expected: tuple[str, ...], status: str, reason: str
) -> HomeworkPlan:
    plan = _editable(plan, by)
    if plan.status not in expected:
        raise Conflict(f"A {plan.get_status_display().lower()} plan cannot be {status}.")
    plan.status = status
    plan.schedule_version += 1
    if status == PlanStatus.STOPPED:
        plan.stopped_at = timezone.now()
    plan.save(update_fields=["status", "schedule_version", "stopped_at"])
    notifications.cancel_pending_for(about=plan, reason=reason)
    record_audit(
        actor=by, action=AuditAction.UPDATE, obj=plan, client=plan.client, detail={"status": status}
    )
    return plan


@transaction.atomic
def pause_plan(*, plan: HomeworkPlan, paused_by: User) -> HomeworkPlan:
    return _set_status(
        plan,
        paused_by,
        expected=(PlanStatus.ACTIVE,),
        status=PlanStatus.PAUSED,
        reason="The homework plan is paused.",
    )


@transaction.atomic
def resume_plan(*, plan: HomeworkPlan, resumed_by: User) -> HomeworkPlan:
    plan = _set_status(
        plan, resumed_by, expected=(PlanStatus.PAUSED,), status=PlanStatus.ACTIVE, reason=""
    )
    materialize_reminders(now=timezone.now(), plan_ids=[plan.pk])
    return plan


@transaction.atomic
def stop_plan(*, plan: HomeworkPlan, stopped_by: User) -> HomeworkPlan:
    return _set_status(
        plan,
        stopped_by,
        expected=(PlanStatus.ACTIVE, PlanStatus.PAUSED),
        status=PlanStatus.STOPPED,
        reason="The homework plan was stopped.",
    )
