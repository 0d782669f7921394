"""Homework's writes, one function per use case."""

from homework.services.alerts import check_all_plans, check_low_adherence, check_pain_rising
from homework.services.links import plan_token, read_plan_token, read_reply_token, reply_token
from homework.services.plans import (
    add_item,
    pause_plan,
    publish_plan,
    remove_item,
    reorder_items,
    resume_plan,
    stop_plan,
    update_item,
    update_plan,
)
from homework.services.proposals import propose_or_reuse_plan, propose_plan
from homework.services.reads import record_plan_reads
from homework.services.reminders import materialize_due, materialize_reminders
from homework.services.replies import record_reply
from homework.services.safety import check_item_safety
from homework.services.setup import ensure_homework_setup

__all__ = [
    "add_item",
    "check_all_plans",
    "check_item_safety",
    "check_low_adherence",
    "check_pain_rising",
    "ensure_homework_setup",
    "materialize_due",
    "materialize_reminders",
    "pause_plan",
    "plan_token",
    "propose_or_reuse_plan",
    "propose_plan",
    "publish_plan",
    "read_plan_token",
    "read_reply_token",
    "record_plan_reads",
    "record_reply",
    "remove_item",
    "reorder_items",
    "reply_token",
    "resume_plan",
    "stop_plan",
    "update_item",
    "update_plan",
]
