"""The client's replies: done, skipped, or pain today (0-10)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic.core.errors import InvalidInput, NotAllowed
from homework.models import Exercise, HomeworkPlan, HomeworkReply, PlanStatus, ReplyKind
from homework.schedule import scheduled_dates
from homework.services.alerts import check_pain_rising
from intake import services as intake_services
from intake.models import PainSource


def _check(plan: HomeworkPlan, day: date, kind: str, pain_score: int | None) -> None:
    problems: dict[str, list[str]] = {}
    if kind not in ReplyKind.values:
        problems["kind"] = ["Reply done, skipped or pain."]
    if kind == ReplyKind.PAIN and (pain_score is None or not 0 <= pain_score <= 10):
        problems["pain_score"] = ["Rate your pain from 0 to 10."]
    if kind != ReplyKind.PAIN and pain_score is not None:
        problems["pain_score"] = ["Only a pain reply has a score."]
    today = timezone.now().astimezone(ZoneInfo(plan.zone_name or plan.client.zone_name)).date()
    if day > today:
        problems["session_date"] = ["This session has not happened yet."]
    elif day not in scheduled_dates(plan, day, day):
        problems["session_date"] = ["There is no session on this day in the plan."]
    if problems:
        raise InvalidInput(fields=problems)


@transaction.atomic
def record_reply(
    *,
    plan: HomeworkPlan,
    session_date: date,
    kind: str,
    pain_score: int | None = None,
    exercise: Exercise | None = None,
    via: str = "link",
) -> tuple[HomeworkReply, bool]:
    """Record one reply; the same reply again records nothing (returns the
    first, and False). Pain joins the client's pain series and may raise an
    alert for the therapist."""
    plan = (
        HomeworkPlan.objects.select_for_update()
        .select_related("client__clinic", "clinic", "therapist__user")
        .get(pk=plan.pk)
    )
    if plan.status not in (PlanStatus.ACTIVE, PlanStatus.PAUSED):
        raise NotAllowed("This homework plan has ended.")
    _check(plan, session_date, kind, pain_score)
    if exercise is not None and not plan.items.filter(exercise=exercise).exists():
        raise InvalidInput(fields={"exercise": ["This exercise is not in the plan."]})
    lookup = {"plan": plan, "session_date": session_date, "kind": kind, "exercise": exercise}
    existing = HomeworkReply.objects.filter(**lookup).first()
    if existing is not None:
        return existing, False
    if kind in (ReplyKind.DONE, ReplyKind.SKIPPED) and exercise is None:
        other = ReplyKind.SKIPPED if kind == ReplyKind.DONE else ReplyKind.DONE
        first = HomeworkReply.objects.filter(
            plan=plan, session_date=session_date, kind=other, exercise=None
        ).first()
        if first is not None:
            return first, False  # the first answer for the session stands
    try:
        with transaction.atomic():
            reply = HomeworkReply.objects.create(**lookup, pain_score=pain_score, via=via)
    except IntegrityError:  # a simultaneous tap got there first
        return HomeworkReply.objects.get(**lookup), False
    if kind == ReplyKind.PAIN:
        assert pain_score is not None
        intake_services.record_pain(
            client=plan.client,
            score=pain_score,
            source=PainSource.HOMEWORK,
            recorded_at=reply.replied_at,
            reference=f"homework:{plan.pk}:{session_date}",
        )
        check_pain_rising(plan)
    return reply, True
