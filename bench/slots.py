"""Benchmark: slot search over a busy clinic.

20 therapists with two-interval days (09:00-12:30, 13:30-17:00) at one
location over 28 days, 40 % of the working time booked. Prints the time and
query count of one therapist-day and of the whole range (every therapist, 28
days), each the median of several runs.

    .venv/bin/python bench/slots.py            # PostgreSQL on 127.0.0.1 (fresh database)
    .venv/bin/python bench/slots.py --sqlite   # the embedded default, in a temporary file
    .venv/bin/python bench/slots.py --smoke    # tiny sizes: proves it runs (CI does this)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.support import drop_database, fresh_database

DB_NAME = "clinic_bench_slots"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file")
    parser.add_argument("--therapists", type=int, default=20)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--smoke", action="store_true", help="tiny sizes (2 therapists, 2 days, 1 run)"
    )
    parser.add_argument("--database", default=DB_NAME, help="PostgreSQL database to (re)create")
    args = parser.parse_args()
    if args.smoke:
        args.therapists, args.days, args.runs = 2, 2, 1
    fresh_database(args.database, sqlite=args.sqlite)
    # Late: the workload imports the models, which needs the Django set-up that
    # fresh_database() does against the database it has just made.
    from bench.workloads.slots import run  # noqa: PLC0415

    try:
        run(args)
    finally:
        drop_database(args.database)


if __name__ == "__main__":
    main()
