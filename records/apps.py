from __future__ import annotations

from django.apps import AppConfig


class RecordsConfig(AppConfig):
    """Pages and reports that read across apps (the clinical timeline) and the
    set-up of a new clinic, which gives every app its defaults."""

    name = "records"
    verbose_name = "Records"
    default_auto_field = "django.db.models.BigAutoField"
