"""After a transactional test, put the migrated data back for the next test.

A transactional test (``django_db(transaction=True)``, ``live_server``) ends by
emptying every table, including the rows our data migrations wrote (the muscle
atlas, the exercise library, permissions). Django copes by running such tests
last; under xdist's ``--dist loadfile`` they do not: a file is scheduled whole
(a file mixing both kinds runs its transactional test in the middle), and
larger files go first. The test after a transactional one then found no
muscles and no permissions, depending on which worker ran what.

So after each transactional test whose successor is not itself restoring
(``serialized_rollback=True``), the database is emptied without re-creating
content types and refilled from the snapshot taken when it was created: the
state every ordinary test starts from. Registered by tests/conftest.py."""

from __future__ import annotations

from collections.abc import Generator

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connections
from pytest_django.plugin import blocking_manager_key

TRANSACTIONAL_FIXTURES = frozenset({"transactional_db", "live_server"})


def _django_db(item: pytest.Item) -> tuple[bool, bool]:
    """(transactional, restores the snapshot itself) for a test."""
    marker = item.get_closest_marker("django_db")
    kwargs = marker.kwargs if marker else {}
    fixtures = set(getattr(item, "fixturenames", ()))
    transactional = bool(
        kwargs.get("transaction")
        or kwargs.get("reset_sequences")
        or fixtures & TRANSACTIONAL_FIXTURES
    )
    restores = transactional and bool(
        kwargs.get("serialized_rollback") or "django_db_serialized_rollback" in fixtures
    )
    return transactional, restores


def _refill(item: pytest.Item) -> None:
    with item.config.stash[blocking_manager_key].unblock():
        for alias in connections:
            connection = connections[alias]
            snapshot = getattr(connection, "_test_serialized_contents", None)
            if not snapshot:
                continue
            call_command(
                "flush",
                database=alias,
                interactive=False,
                inhibit_post_migrate=True,
                verbosity=0,
            )
            connection.creation.deserialize_db_from_string(snapshot)
    ContentType.objects.clear_cache()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator:
    result = yield
    if nextitem is not None and _django_db(item)[0] and not _django_db(nextitem)[1]:
        _refill(item)
    return result
