from __future__ import annotations

from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "workspace"
    label = "workspace"
    verbose_name = "Staff workspace"
    default_auto_field = "django.db.models.BigAutoField"
