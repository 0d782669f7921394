from __future__ import annotations

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """The outbox: every message to a person, swept by beat and sent once."""

    name = "clinic.notifications"
    label = "notifications"
    verbose_name = "Messages"
    default_auto_field = "django.db.models.BigAutoField"
