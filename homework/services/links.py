"""The signed links in homework messages: the plan page, and the one-tap
replies (done, skipped, pain) of each reminder.

A link lives as long as its plan, plus a grace period: it stops working
``HOMEWORK_LINK_GRACE_DAYS`` after the plan's last day (in the plan's zone), or
after the plan was stopped or replaced by a new one, whichever comes first.
While the plan is stopped or replaced but within the grace period, the plan
page still shows it (read only) and a reply link explains that the plan has
ended; nothing is recorded. A reply link also stops after ``REPLY_LINK_DAYS``
from when it was made."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from clinic.core.signing import Purpose, make_token, read_token
from clinic.notifications import rendering
from homework.models import HomeworkPlan, PlanStatus

REPLY_LINK_DAYS = 21  # a reminder's links work for three weeks


class LinkState(enum.StrEnum):
    """What a homework link is good for now."""

    OK = "ok"
    ENDED = "ended"  # the plan was stopped or replaced: shown, but records nothing
    EXPIRED = "expired"  # past the grace period (or a reply link past its age)
    INVALID = "invalid"  # forged, garbled, or for a plan that is not there


def plan_token(plan: HomeworkPlan) -> str:
    return make_token(Purpose.HOMEWORK_PLAN, {"p": plan.pk, "c": plan.client_id})


def reply_token(plan: HomeworkPlan, day: date, kind: str) -> str:
    return make_token(
        Purpose.HOMEWORK_REPLY,
        {"p": plan.pk, "c": plan.client_id, "d": day.isoformat(), "k": kind},
    )


@dataclass(frozen=True)
class ReplyLink:
    plan_id: int
    client_id: int
    day: date
    kind: str


def _reply_link(data: dict[str, Any] | None) -> ReplyLink | None:
    if data is None:
        return None
    try:
        return ReplyLink(
            int(data["p"]), int(data["c"]), date.fromisoformat(data["d"]), str(data["k"])
        )
    except (KeyError, TypeError, ValueError):
        return None


def read_reply_token(token: str) -> ReplyLink | None:
    """The reply a link stands for; None when forged, garbled or too old."""
    state, link = read_reply_link(token)
    return link if state == LinkState.OK else None


def read_reply_link(token: str) -> tuple[LinkState, ReplyLink | None]:
    """The reply a link stands for, and whether the link is still young enough
    (OK), too old (EXPIRED, with the reply, so the page can name the clinic) or
    not ours (INVALID, None)."""
    fresh = _reply_link(
        read_token(Purpose.HOMEWORK_REPLY, token, max_age=timedelta(days=REPLY_LINK_DAYS))
    )
    if fresh is not None:
        return LinkState.OK, fresh
    old = _reply_link(read_token(Purpose.HOMEWORK_REPLY, token))
    return (LinkState.EXPIRED, old) if old is not None else (LinkState.INVALID, None)


def read_plan_token(token: str) -> tuple[int, int] | None:
    data = read_token(Purpose.HOMEWORK_PLAN, token)
    if data is None:
        return None
    try:
        return int(data["p"]), int(data["c"])
    except (KeyError, TypeError, ValueError):
        return None


def links_expire_at(plan: HomeworkPlan) -> datetime | None:
    """When the plan's links stop working: the grace period after the end of the
    plan's last day in its zone, or after it was stopped or replaced, whichever
    is first. None while a plan with no end date runs."""
    ends: list[datetime] = []
    if plan.end_date is not None:
        zone = ZoneInfo(plan.zone_name or plan.client.zone_name)
        ends.append(datetime.combine(plan.end_date + timedelta(days=1), time(0), tzinfo=zone))
    if plan.stopped_at is not None:
        ends.append(plan.stopped_at)
    if not ends:
        return None
    return min(ends) + timedelta(days=settings.HOMEWORK_LINK_GRACE_DAYS)


def plan_link_state(plan: HomeworkPlan, *, now: datetime) -> LinkState:
    """Whether a link to ``plan`` still works at ``now`` (see the module's docstring)."""
    expires_at = links_expire_at(plan)
    if expires_at is not None and now >= expires_at:
        return LinkState.EXPIRED
    if plan.status in (PlanStatus.STOPPED, PlanStatus.SUPERSEDED):
        return LinkState.ENDED
    return LinkState.OK


def reply_url(token: str) -> str:
    return rendering.absolute_url(f"/homework/reply/{token}/")


def plan_page_url(plan: HomeworkPlan) -> str:
    return rendering.absolute_url(f"/homework/plan/{plan_token(plan)}/")
