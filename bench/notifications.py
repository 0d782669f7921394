"""Benchmark: how fast the outbox drains through real workers, what each
message costs the database, and how many duplicates a worker crash makes.

Enqueues N due e-mails (default 10,000) in a fresh PostgreSQL database, starts
a Celery worker with 2 processes (beat embedded) on a private Redis, and times
until an SMTP server on loopback has all N. As the ceiling it first sends the
same number of e-mails with a plain loop over Django's SMTP backend, to the
same server, in the same run. Prints both rates, their ratio, the database
round trips per message, and duplicates. With ``--kills K`` the worker is
SIGKILLed K times while it drains (and started again at once, with a short
lease) and the duplicate deliveries per kill are printed; the rate of such a
run is not comparable.

    .venv/bin/python bench/notifications.py [--messages 10000] [--processes 2]
    .venv/bin/python bench/notifications.py --messages 2000 --kills 20

Needs PostgreSQL on 127.0.0.1:5432 (user postgres) and redis-server on PATH.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import django
from django.db import connections

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.processes import RedisServer, SmtpSink, worker_env  # noqa: E402

DB_NAME = "clinic_bench_notifications"
PG = "postgres://postgres@127.0.0.1:5432"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--kills", type=int, default=0, help="SIGKILL the worker this many times")
    parser.add_argument("--database", default=DB_NAME, help="PostgreSQL database to (re)create")
    args = parser.parse_args()

    dropdb = ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "--force"]
    subprocess.run([*dropdb, args.database], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", args.database], check=True)
    work = Path(tempfile.mkdtemp(prefix="bench-notifications-"))
    redis = RedisServer(work)
    redis.start()
    sink = SmtpSink()
    sink.start()
    env = worker_env(
        database_url=f"{PG}/{args.database}",
        broker_url=redis.url,
        email_url=sink.url,
        # A killed worker's rows come back after the lease: short when killing.
        NOTIFICATIONS_LEASE_SECONDS="4" if args.kills else "300",
        LOG_LEVEL="WARNING",
    )
    os.environ.update(
        {
            k: env[k]
            for k in ("DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_URL", "DJANGO_ENV", "DEBUG")
        }
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "clinic.project.settings"
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)

    django.setup()
    # Late: the workload imports the models, which needs django.setup() above, and
    # that needs the settings environment this function has only just put in place.
    from bench.workloads.notifications import run  # noqa: PLC0415

    try:
        run(args, env=env, work=work, redis=redis, sink=sink)
    finally:
        sink.stop()
        redis.stop()
        connections.close_all()
        subprocess.run([*dropdb, args.database], check=False)


if __name__ == "__main__":
    main()
