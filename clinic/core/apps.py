from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ClinicConfig(AppConfig):
    """The core: people and roles, the clinic and its locations, the muscle
    atlas, the audit trail and the API plumbing every other app builds on."""

    name = "clinic.core"
    label = "clinic"
    verbose_name = "Clinic"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from clinic.core import roles

        # Permissions only exist after migrate has run, so the role groups are
        # brought up to date then (an operational hook, not domain flow). Each
        # app's permissions appear after its own migrations, hence every app.
        post_migrate.connect(roles.sync_role_groups_after_migrate)
