"""The signed links in homework messages: the plan page, and the one-tap
replies (done, skipped, pain) of each reminder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from clinic.core.signing import Purpose, make_token, read_token
from clinic.notifications import rendering
from homework.models import HomeworkPlan

REPLY_LINK_DAYS = 21  # a reminder's links work for three weeks


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


def read_reply_token(token: str) -> ReplyLink | None:
    """The reply a link stands for; None when forged, garbled or expired."""
    data = read_token(Purpose.HOMEWORK_REPLY, token, max_age=timedelta(days=REPLY_LINK_DAYS))
    if data is None:
        return None
    try:
        return ReplyLink(
            int(data["p"]), int(data["c"]), date.fromisoformat(data["d"]), str(data["k"])
        )
    except (KeyError, TypeError, ValueError):
        return None


def read_plan_token(token: str) -> tuple[int, int] | None:
    data = read_token(Purpose.HOMEWORK_PLAN, token)
    if data is None:
        return None
    try:
        return int(data["p"]), int(data["c"])
    except (KeyError, TypeError, ValueError):
        return None


def reply_url(token: str) -> str:
    return rendering.absolute_url(f"/homework/reply/{token}/")


def plan_page_url(plan: HomeworkPlan) -> str:
    return rendering.absolute_url(f"/homework/plan/{plan_token(plan)}/")
