"""Celery discovers tasks in ``<app>.tasks``; the core's live in subpackages."""

from clinic.notifications.tasks import dispatch_due_notifications, send_notifications

__all__ = ["dispatch_due_notifications", "send_notifications"]
