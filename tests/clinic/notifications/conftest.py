from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinic.notifications import tasks
from clinic.project.celery import app


@pytest.fixture
def eager_celery():
    """Tasks run in-process when their on_commit hook fires."""
    # With the CELERY_ settings namespace, the prefixed key is the one read.
    previous = app.conf.CELERY_TASK_ALWAYS_EAGER
    app.conf.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.CELERY_TASK_EAGER_PROPAGATES = True
    yield
    app.conf.CELERY_TASK_ALWAYS_EAGER = previous
    app.conf.CELERY_TASK_EAGER_PROPAGATES = False


@pytest.fixture
def sweep(eager_celery, django_capture_on_commit_callbacks):
    """Run one beat sweep at ``now`` and the send tasks it hands on."""

    def run(now: datetime | None = None) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return tasks.dispatch_due(now=now or datetime.now(UTC))

    return run
