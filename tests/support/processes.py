"""Real components for integration tests: a private redis-server, an SMTP
server on loopback (aiosmtpd) and Celery worker processes.

Each test gets its own Redis on a free port, so killing or restarting it
touches nothing else; the worker runs as a separate process group, so SIGKILL
takes down its pool and embedded beat together, as a crash would."""

from __future__ import annotations

import email
import functools
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from aiosmtpd.controller import Controller
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(
    condition: Callable[[], bool],
    timeout: float,
    what: str,
    interval: float = 0.1,
    explain: Callable[[], str] | None = None,
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    details = f"\n{explain()}" if explain else ""
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}{details}")


class RedisServer:
    """A redis-server process of our own, on a free port, keeping nothing on disk."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._answers, 10, "redis-server to answer")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    def restart(self, down_for: float = 1.0) -> None:
        self.stop()
        time.sleep(down_for)
        self.start()


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.sink.on_ehlo is not None:
            self.sink.on_ehlo()
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.sink.refuse:
            with self.sink.lock:
                self.sink.refused[address] += 1
            return "550 5.1.1 Mailbox unavailable"
        if address in self.sink.defer:
            with self.sink.lock:
                self.sink.deferred[address] += 1
            return self.sink.defer_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content)
        delivery = {
            "message_id": message["Message-ID"],
            "to": list(envelope.rcpt_tos),
            "subject": message["Subject"],
            "message": message,
        }
        with self.sink.lock:
            self.sink.deliveries.append(delivery)
        if self.sink.on_data is not None:
            self.sink.on_data(delivery)  # taken: whatever happens next, it was delivered
        if self.sink.hang_up_after.intersection(envelope.rcpt_tos):
            server.transport.abort()  # taken, and the line drops before the client hears
        return "250 Message accepted for delivery"


class SmtpSink:
    """An SMTP server on loopback that keeps every delivery it accepts.

    ``deliveries`` is every accepted SMTP transaction; ``mailbox`` is what a
    mail store shows its reader: one message per Message-ID. Addresses in
    ``refuse`` get a permanent 550, those in ``defer`` a temporary
    ``defer_reply`` (451). ``on_ehlo`` runs when a client introduces itself
    (before any message), ``on_data`` when a message has been taken, before
    the client hears so: a test can stop the sender at either point. A
    message to an address in ``hang_up_after`` is taken, then the connection
    drops before the answer."""

    def __init__(self) -> None:
        self.port = free_port()
        self.lock = threading.Lock()
        self.deliveries: list[dict] = []
        self.refuse: set[str] = set()
        self.refused: Counter[str] = Counter()
        self.defer: set[str] = set()
        self.defer_reply = "451 4.3.0 Try again later"
        self.deferred: Counter[str] = Counter()
        self.on_ehlo: Callable[[], None] | None = None
        self.on_data: Callable[[dict], None] | None = None
        self.hang_up_after: set[str] = set()
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # one INFO line per SMTP verb

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    @property
    def count(self) -> int:
        with self.lock:
            return len(self.deliveries)

    def mailbox(self) -> dict[str, dict]:
        with self.lock:
            return {d["message_id"]: d for d in self.deliveries}

    def duplicate_deliveries(self) -> int:
        with self.lock:
            return len(self.deliveries) - len({d["message_id"] for d in self.deliveries})


# Every queue the project routes to (settings.CELERY_TASK_ROUTES), as the
# Procfile's worker consumes them.
ALL_QUEUES = "sweep,email,sms,default"


class CeleryWorker:
    """``celery -A clinic.project worker`` (with beat embedded, -B) as its own process group."""

    def __init__(self, env: dict[str, str], workdir: Path, name: str = "worker") -> None:
        self.env = env
        self.workdir = workdir
        self.name = name
        self.log = workdir / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, concurrency: int = 2, beat: bool = True, queues: str = ALL_QUEUES) -> None:
        args = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "clinic.project",
            "worker",
            "--loglevel=INFO",
            f"--concurrency={concurrency}",
            f"--hostname={self.name}@%h",
            f"--queues={queues}",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        if beat:
            args += ["-B", f"--schedule={self.workdir / (self.name + '-beat')}"]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                args,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(
            lambda: b" ready." in self.log.read_bytes() or self.process.poll() is not None,
            60,
            f"{self.name} to be ready",
        )
        if self.process.poll() is not None:
            raise AssertionError(f"{self.name} exited early:\n{self.log.read_text()[-3000:]}")

    def log_tail(self, lines: int = 60) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else "(no log)"
        tail = "\n".join(text.splitlines()[-lines:])
        return f"--- {self.name} log (last {lines} lines) ---\n{tail}"

    def kill(self) -> None:
        """SIGKILL the worker, its pool and its beat: a crash, not a shutdown."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


def worker_env(
    *, database_url: str, broker_url: str, email_url: str, **extra: str
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_"))}
    env.update(
        {
            "DJANGO_ENV": "development",
            "DEBUG": "0",
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker_url,
            "EMAIL_URL": email_url,
            "NOTIFICATIONS_SWEEP_SECONDS": "0.5",
            "NOTIFICATIONS_LEASE_SECONDS": "4",
            "NOTIFICATIONS_RETRY_BASE_SECONDS": "0.2",
            "NOTIFICATIONS_RETRY_MAX_SECONDS": "1",
            "EMAIL_TIMEOUT": "3",
            "LOG_LEVEL": "WARNING",
        }
    )
    env.update(extra)
    return env


@functools.cache
def can_run_worker_stack() -> bool:
    """PostgreSQL as the database and redis-server on PATH.

    A function, not a constant computed at import: it reads the settings, and
    bench/notifications.py imports this module before it has configured them."""
    return connection.vendor == "postgresql" and shutil.which("redis-server") is not None
