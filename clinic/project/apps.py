from __future__ import annotations

from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """Project wiring: settings, URLs, the Celery app, the home page and the demo seed."""

    name = "clinic.project"
    label = "project"
    verbose_name = "Project"

    def ready(self) -> None:
        from clinic.project.celery import ensure_broker_folders

        ensure_broker_folders()
