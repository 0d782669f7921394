from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.db import connection

from clinic.notifications import pauses, tasks
from clinic.project.celery import app
from tests.support.processes import ALL_QUEUES, CeleryWorker, RedisServer, SmtpSink, worker_env


@pytest.fixture(autouse=True)
def _no_paused_channels():
    """A channel paused by one test (this process could not reach it) must not
    hold back the next."""
    pauses.clear()
    yield
    pauses.clear()


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


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback (aiosmtpd), and Django's SMTP backend
    pointed at it, for tests that run the sender in this process."""
    sink = SmtpSink()
    sink.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield sink
    sink.stop()


@dataclass
class FaultStack:
    """The worker stack with a say over each worker's settings: which SMTP
    server, which database address, which timeouts."""

    redis: RedisServer
    sink: SmtpSink
    workdir: Path
    database_url: str
    workers: list[CeleryWorker] = field(default_factory=list)

    def env(self, **overrides: str) -> dict[str, str]:
        settings = {
            "database_url": self.database_url,
            "broker_url": self.redis.url,
            "email_url": self.sink.url,
        }
        for key in list(settings):
            if key.upper() in overrides:
                settings[key] = overrides.pop(key.upper())
        extra = {"NOTIFICATIONS_MAX_ATTEMPTS": "3", "CLINIC_VAR_DIR": str(self.workdir)}
        return worker_env(**settings, **{**extra, **overrides})

    def start_worker(
        self, *, concurrency: int = 2, queues: str = ALL_QUEUES, beat: bool = True, **env: str
    ) -> CeleryWorker:
        worker = CeleryWorker(self.env(**env), self.workdir, name=f"worker{len(self.workers)}")
        self.workers.append(worker)
        worker.start(concurrency=concurrency, beat=beat, queues=queues)
        return worker

    def logs(self) -> str:
        return "\n".join(worker.log_tail(40) for worker in self.workers)


@pytest.fixture
def fault_stack(worker_stack, tmp_path):
    """``worker_stack``'s private Redis and SMTP sink (and its real clock: the
    workers cannot follow a test's travels), with workers started here."""
    redis, sink, _start_worker = worker_stack
    db = connection.settings_dict
    stack = FaultStack(
        redis=redis,
        sink=sink,
        workdir=tmp_path,
        database_url=(
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
    )
    yield stack
    for worker in stack.workers:
        worker.kill()
