"""Building, checking and publishing homework plans."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from clinic.core.audit import record_audit
from clinic.core.errors import Conflict, InvalidInput, NotAllowed
from clinic.core.models import AuditAction, Client, Role, Therapist, User
from clinic.core.selectors import has_client_relationship
from clinic.core.services import full_clean_or_400
from clinic.notifications import services as notifications
from homework.errors import PlanNotEditable
from homework.models import (
    AreaPriority,
    DosingProfile,
    Exercise,
    ExerciseKind,
    HomeworkPlan,
    PlanItem,
    PlanStatus,
)
from homework.schedule import default_days
from homework.services.links import plan_page_url
from homework.services.reminders import materialize_reminders
from homework.services.safety import (
    check_item_safety,
    client_contraindications,
    latest_victims,
    safety_warnings,
)
from homework.services.setup import DEFAULT_AREA_ORDER, ensure_homework_setup
from notes import selectors as notes_selectors
from notes.models import FindingRole, SessionNote

# Kinds that treat a short culprit (strengthening it is not the treatment).
TREATS_CULPRITS = (
    ExerciseKind.STRETCH,
    ExerciseKind.FOAM_ROLLING,
    ExerciseKind.TRIGGER_POINT,
    ExerciseKind.MOBILITY,
)
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


# --- proposing ---------------------------------------------------------------------------------


def _area_rank(clinic_id: int) -> dict[str, int]:
    ranks = dict(AreaPriority.objects.filter(clinic_id=clinic_id).values_list("area", "rank"))
    return ranks or {area: i for i, area in enumerate(DEFAULT_AREA_ORDER, start=1)}


@transaction.atomic
def propose_plan(*, note: SessionNote, proposed_by: User) -> HomeworkPlan:
    """A draft plan from a signed note: exercises whose primary targets are the
    note's culprit muscles, on their sides, ordered by the clinic's area
    priority, with the clinic's dose. Nothing that stretches a recorded victim
    or that the intake contraindicates is proposed."""
    note = notes_selectors.get_note(note.pk)
    therapist = _therapist_for(proposed_by, note.client)
    if not note.is_signed:
        raise Conflict("Sign the note first: the plan is built from its findings.")
    clinic = note.client.clinic
    ensure_homework_setup(clinic)
    culprits = notes_selectors.list_muscles_by_role(note, FindingRole.CULPRIT)
    if not culprits:
        raise Conflict("The note records no culprit muscles to build a plan from.")
    victims = latest_victims(note.client)
    contraindications = client_contraindications(note.client)
    exercises = (
        Exercise.objects.filter(
            active=True,
            kind__in=TREATS_CULPRITS,
            targets__primary=True,
            targets__muscle_id__in=list(culprits),
        )
        .filter(Q(clinic__isnull=True) | Q(clinic_id=clinic.pk))
        .distinct()
        .prefetch_related("targets__muscle")
    )
    ranks = _area_rank(clinic.pk)
    chosen: list[tuple[int, str, Exercise, str, int]] = []
    for exercise in exercises:
        primary = [t for t in exercise.targets.all() if t.primary and t.muscle_id in culprits]
        sides = set().union(*(culprits[t.muscle_id] for t in primary))
        one_side = exercise.sided and len(sides) == 1 and next(iter(sides)) in ("left", "right")
        side = next(iter(sides)) if one_side else "both"
        victim, contra = safety_warnings(
            exercise, side, victims=victims, contraindications=contraindications
        )
        if victim or contra:
            continue
        chosen.append(
            (ranks.get(exercise.area, 99), exercise.name, exercise, side, primary[0].muscle_id)
        )
    chosen.sort(key=lambda c: (c[0], c[1]))
    default_profile = DosingProfile.objects.filter(clinic=clinic, is_default=True).first()
    per_week = (
        default_profile.sessions_per_week if default_profile else clinic.default_sessions_per_week
    )
    today = timezone.localdate()
    plan = HomeworkPlan.objects.create(
        clinic=clinic,
        client=note.client,
        therapist=therapist,
        source_note=note,
        dosing_profile=default_profile,
        days_of_week=default_days(per_week),
        time_of_day=time(18, 0),
        zone_name=note.client.zone_name,
        start_date=today + timedelta(days=1),
        end_date=today + timedelta(days=28),
    )
    PlanItem.objects.bulk_create(
        PlanItem(
            plan=plan, exercise=exercise, order=(i + 1) * 10, side=side, for_culprit_id=culprit_id
        )
        for i, (_, _, exercise, side, culprit_id) in enumerate(chosen)
    )
    record_audit(
        actor=proposed_by,
        action=AuditAction.CREATE,
        obj=plan,
        client=note.client,
        detail={"proposed_from_note": note.pk, "items": len(chosen)},
    )
    return plan


# --- editing -------------------------------------------------------------------------------------

ITEM_FIELDS = frozenset({"side", "hold_seconds", "repetitions", "sets", "note", "order"})


@transaction.atomic
def add_item(
    *,
    plan: HomeworkPlan,
    added_by: User,
    exercise: Exercise,
    side: str = "both",
    override_reason: str = "",
    **dose: Any,
) -> PlanItem:
    """Add an exercise, refused if unsafe unless ``override_reason`` is given
    (the reason and the warnings are kept on the item and shown with it)."""
    plan = _editable(plan, added_by)
    if exercise.clinic_id not in (None, plan.clinic_id) or not exercise.active:
        raise InvalidInput(fields={"exercise": ["This exercise is not in the library."]})
    unknown = set(dose) - ITEM_FIELDS
    if unknown:
        raise InvalidInput(fields={name: ["Unknown field."] for name in sorted(unknown)})
    side = side if exercise.sided else "both"
    warnings = check_item_safety(
        client=plan.client, exercise=exercise, side=side, override_reason=override_reason
    )
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
        )
        item.override_reason = reason.strip()
        changes["side"] = side
    for name, value in changes.items():
        setattr(item, name, value)
    full_clean_or_400(item, exclude=["plan", "exercise", "for_culprit"])
    item.save()
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
    item.delete()


@transaction.atomic
def reorder_items(*, plan: HomeworkPlan, ordered_by: User, item_ids: list[int]) -> None:
    plan = _editable(plan, ordered_by)
    current = set(plan.items.values_list("pk", flat=True))
    if set(item_ids) != current or len(item_ids) != len(current):
        raise InvalidInput(fields={"items": ["List every item of the plan exactly once."]})
    for rank, pk in enumerate(item_ids, start=1):
        PlanItem.objects.filter(pk=pk).update(order=rank * 10)


@transaction.atomic
def update_plan(*, plan: HomeworkPlan, changed_by: User, **changes: Any) -> HomeworkPlan:
    """The schedule (days, time in the client's zone, dates), dosing profile and
    message. Changing the schedule of a live plan moves its future reminders."""
    plan = _editable(plan, changed_by)
    allowed = {"days_of_week", "time_of_day", "start_date", "end_date", "dosing_profile", "message"}
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidInput(fields={name: ["Unknown field."] for name in sorted(unknown)})
    if "days_of_week" in changes:
        days = changes["days_of_week"]
        if not days or any(d not in range(7) for d in days) or len(set(days)) != len(days):
            raise InvalidInput(fields={"days_of_week": ["Give days from 0 (Monday) to 6."]})
        changes["days_of_week"] = sorted(days)
    profile = changes.get("dosing_profile")
    if profile is not None and profile.clinic_id != plan.clinic_id:
        raise InvalidInput(fields={"dosing_profile": ["A profile of another clinic."]})
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


@transaction.atomic
def publish_plan(*, plan: HomeworkPlan, published_by: User) -> HomeworkPlan:
    """Start the plan: it replaces the client's previous one, the client gets a
    message with their plan page, and reminders are scheduled."""
    plan = _editable(plan, published_by)
    if plan.status != PlanStatus.DRAFT:
        raise Conflict("Only a draft is published.")
    problems: dict[str, list[str]] = {}
    if not plan.items.exists():
        problems["items"] = ["Add at least one exercise."]
    if not plan.days_of_week or plan.time_of_day is None or plan.start_date is None:
        problems["schedule"] = ["Set the days, the time of day and the start date."]
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
