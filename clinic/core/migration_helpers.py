"""Helpers for migrations that move a model from one app to another.

A moved model keeps its table; only Django's bookkeeping changes. Its content
type is renamed rather than recreated, so the permissions that point at it (and
the role groups holding them) stay as they were.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import migrations


def move_content_types(*, from_app: str, to_app: str, models: Iterable[str]) -> Any:
    """A RunPython operation renaming ``from_app.model`` content types to ``to_app``."""
    names = sorted(models)

    def forwards(apps: Any, schema_editor: Any) -> None:
        content_type = apps.get_model("contenttypes", "ContentType")
        db = schema_editor.connection.alias
        for model in names:
            if content_type.objects.using(db).filter(app_label=to_app, model=model).exists():
                continue  # already created by a post-migrate: nothing to carry over
            content_type.objects.using(db).filter(app_label=from_app, model=model).update(
                app_label=to_app
            )

    def backwards(apps: Any, schema_editor: Any) -> None:
        content_type = apps.get_model("contenttypes", "ContentType")
        db = schema_editor.connection.alias
        for model in names:
            if content_type.objects.using(db).filter(app_label=from_app, model=model).exists():
                continue
            content_type.objects.using(db).filter(app_label=to_app, model=model).update(
                app_label=from_app
            )

    return migrations.RunPython(forwards, backwards)
