from __future__ import annotations

from django.apps import AppConfig


class NotesConfig(AppConfig):
    """Session notes: SOAP notes with culprit and victim findings, signed and audited."""

    name = "notes"
    verbose_name = "Session notes"
    default_auto_field = "django.db.models.BigAutoField"
