"""Benchmark: slot search over a busy clinic.

20 therapists with two-interval days (09:00-12:30, 13:30-17:00) at one
location over 28 days, 40 % of the working time booked. Prints the time and
query count of one therapist-day and of the whole range (every therapist, 28
days), each the median of several runs.

    .venv/bin/python bench/slots.py            # PostgreSQL on 127.0.0.1 (fresh database)
    .venv/bin/python bench/slots.py --sqlite   # the embedded default, in a temporary file
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.support import drop_database, fresh_database

DB_NAME = "clinic_bench_slots"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--therapists", type=int, default=20)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    fresh_database(DB_NAME, sqlite=args.sqlite)
    # Late: the workload imports the models, which needs the Django set-up that
    # fresh_database() does against the database it has just made.
    from bench.workloads.slots import run  # noqa: PLC0415

    run(args)
    drop_database(DB_NAME)


if __name__ == "__main__":
    main()
