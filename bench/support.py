"""What every benchmark needs first: a fresh database, migrated, and Django set
up against it (PostgreSQL on 127.0.0.1 by default, or a temporary SQLite file)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import django
from django.db import connections

ROOT = Path(__file__).resolve().parents[1]
PG = ["-h", "127.0.0.1", "-U", "postgres"]


def fresh_database(name: str, *, sqlite: bool = False, **extra_env: str) -> dict[str, str]:
    """Create and migrate a database, point this process at it, set Django up;
    return the environment (for worker processes)."""
    if sqlite:
        url = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    else:
        subprocess.run(["dropdb", *PG, "--if-exists", "--force", name], check=True)
        subprocess.run(["createdb", *PG, name], check=True)
        url = f"postgres://postgres@127.0.0.1:5432/{name}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "clinic.project.settings",
        **extra_env,
    }
    os.environ.update(env)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    django.setup()
    return env


def drop_database(name: str) -> None:
    connections.close_all()
    if not os.environ.get("DATABASE_URL", "").startswith("sqlite"):
        subprocess.run(["dropdb", *PG, "--if-exists", "--force", name], check=False)
