"""Celery entry points of homework (thin: one service each)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="homework.daily", ignore_result=True)
def daily_homework() -> dict[str, int]:
    """Beat, daily: the next 14 days of reminders for every active plan, and
    low-adherence alerts. Safe to run twice: reminders are keyed, alerts once a day."""
    from homework import services

    return {"reminders": services.materialize_due(), "alerts": services.check_all_plans()}
