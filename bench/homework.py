"""Benchmark: materialising 14 days of homework reminders.

Creates N clients (default 5,000) with an active plan each (three sessions a
week, 18:00 in the client's own zone, zones mixed), then times the daily beat
task's work: every active plan's next 14 days of reminders into the outbox.
Runs at N/5, N/2 and N plans to show how it grows, and a second pass to show
that running again adds nothing.

    .venv/bin/python bench/homework.py            # PostgreSQL on 127.0.0.1 (fresh database)
    .venv/bin/python bench/homework.py --sqlite   # the embedded default
    .venv/bin/python bench/homework.py --smoke    # tiny sizes: proves it runs (CI does this)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.support import drop_database, fresh_database

DB_NAME = "clinic_bench_homework"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=5000)
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes (10 clients)")
    parser.add_argument("--database", default=DB_NAME, help="PostgreSQL database to (re)create")
    args = parser.parse_args()
    if args.smoke:
        args.clients = 10
    if args.clients < 5:
        parser.error("--clients must be at least 5 (it runs at a fifth, a half and all)")
    fresh_database(args.database, sqlite=args.sqlite)
    # Late: the workload imports the models, which needs the Django set-up that
    # fresh_database() does against the database it has just made.
    from bench.workloads.homework import run  # noqa: PLC0415

    try:
        run(args)
    finally:
        drop_database(args.database)


if __name__ == "__main__":
    main()
