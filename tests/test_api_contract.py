"""The API keeps the contract its OpenAPI schema states, checked by schemathesis.

Every operation of ``/api/schema/`` is called through the WSGI application (no
network) as the demo clinic's owner, therapist, front desk and client (and with
no token at all), with the demo data seeded so that ids exist, and every answer
must be:

* not a server error (``not_a_server_error``);
* a status the schema documents for the operation (``status_code_conformance``);
* of a documented media type (``content_type_conformance``);
* shaped as documented for that status (``response_schema_conformance``).

Two passes per role. A fixed one, the same on every run (seed ``FIXED_SEED``):
one valid request per operation built from the schema, the valid boundary
values of every parameter and field (the coverage phase), then
``FIXED_EXAMPLES`` generated cases per operation, valid and invalid. And a short
random one, ``RANDOM_EXAMPLES`` cases per operation from a new seed each run,
named on failure: ``CLINIC_CONTRACT_SEED=<seed>`` replays it, and
``CLINIC_CONTRACT_EXAMPLES=<n>`` makes it deeper (say 50, for a longer hunt).
Ids in paths, queries and bodies are half of the time those of seeded objects,
so real records are read, changed and refused, not only strangers'.

What the run must not do, and how it is kept from doing it:

* sign itself out: ``DELETE /api/v1/auth/token/`` revokes the token the run is
  using, so it is left out (its 204 and 401 are covered by the auth tests), and
  ``DELETE /api/v1/auth/tokens/{id}/`` runs but never with the caller's own id;
  the tokens are issued as after a second step, so the owner requiring a second
  factor for staff (``PATCH /api/v1/clinic/``) does not end them either;
* lock anyone out: ``POST /api/v1/auth/token/`` runs (bad sign-ins get their
  documented 400, 403 or 429), but the run signs in by token, never by
  password, and django-axes counts failures in the database, inside this
  test's transaction, so they are gone when it ends;
* throttle itself: the per-user request rate (1200 a minute) is lifted for the
  run, which sends thousands of requests as one user in a few minutes.
"""

from __future__ import annotations

import json
import os
import random
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from io import StringIO
from typing import Any

import pytest
import schemathesis
import time_machine
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import strategies as st
from schemathesis import checks

from clinic.core import accounts
from clinic.core.api.throttling import UserRateThrottle
from clinic.core.models import ApiToken, AuditEvent, Client, Location, Muscle, Therapist, User
from homework.models import DosingProfile, Exercise, HomeworkPlan, PlanItem
from intake.models import ClientDocument, CulpritSuggestion, Submission
from notes.models import MuscleFinding, NoteTemplate, ProblemEntry, SessionNote
from scheduling.models import (
    Appointment,
    AvailabilityOverride,
    Room,
    Service,
    WaitlistEntry,
    WaitlistOffer,
)

# Wednesday 3 June 2026, 11:00 in New York: the demo's bookings are days ahead.
NOW = datetime(2026, 6, 3, 15, 0, tzinfo=UTC)
ROLES = {
    "owner": "owner",
    "therapist": "therapist",
    "front_desk": "frontdesk",
    "client": "client",
    "anonymous": "",  # no token: every operation's 401 (or sign-in's 400) is documented
}
FIXED_SEED = 20261201
FIXED_EXAMPLES = 8
RANDOM_EXAMPLES = int(os.environ.get("CLINIC_CONTRACT_EXAMPLES") or 3)
RANDOM_SEED = int(os.environ.get("CLINIC_CONTRACT_SEED") or random.SystemRandom().randrange(2**32))
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]
SIGN_OUT = "/api/v1/auth/token/"
REVOKE_TOKEN = "/api/v1/auth/tokens/{id}/"

# Where the ids of each path's objects come from: the first segment after
# /api/v1/ (or the parameter's own name), and for body and query fields, their
# name. A generated value is kept half of the time, so both real objects and
# strangers are asked for.
PATH_IDS: dict[str, Callable[[], list[Any]]] = {
    "appointments": lambda: _pks(Appointment),
    "audit-events": lambda: _pks(AuditEvent),
    "availability-overrides": lambda: _pks(AvailabilityOverride),
    "clients": lambda: _pks(Client),
    "client_id": lambda: _pks(Client),
    "dosing-profiles": lambda: _pks(DosingProfile),
    "exercises": lambda: _pks(Exercise),
    "homework-plans": lambda: _pks(HomeworkPlan),
    "item_id": lambda: _pks(PlanItem),
    "intake-submissions": lambda: _pks(Submission),
    "locations": lambda: _pks(Location),
    "muscles": lambda: _pks(Muscle)[:10],
    "note-templates": lambda: _pks(NoteTemplate),
    "notes": lambda: _pks(SessionNote),
    "finding_id": lambda: _pks(MuscleFinding),
    "problems": lambda: _pks(ProblemEntry),
    "rooms": lambda: _pks(Room),
    "services": lambda: _pks(Service),
    "therapists": lambda: _pks(Therapist),
    "waitlist": lambda: _pks(WaitlistEntry),
    "waitlist-offers": lambda: _pks(WaitlistOffer),
    "tokens": lambda: _pks(ApiToken),
    "documents": lambda: _pks(ClientDocument),
}
FIELD_IDS: dict[str, Callable[[], list[Any]]] = {
    "client": lambda: _pks(Client),
    "therapist": lambda: _pks(Therapist),
    "service": lambda: _pks(Service),
    "location": lambda: _pks(Location),
    "room": lambda: _pks(Room),
    "note": lambda: _pks(SessionNote),
    "appointment": lambda: _pks(Appointment),
    "suggestion": lambda: _pks(CulpritSuggestion),
    "corrects": lambda: _pks(Submission),
    "document": lambda: _pks(ClientDocument),
    "dosing_profile": lambda: _pks(DosingProfile),
    "culprit": lambda: _pks(MuscleFinding),
    "victim": lambda: _pks(MuscleFinding),
    "exercise": lambda: list(Exercise.objects.values_list("slug", flat=True)[:20]),
    "muscle": lambda: list(Muscle.objects.values_list("slug", flat=True)[:20]),
}


def _pks(model: Any) -> list[int]:
    return list(model.objects.order_by("pk").values_list("pk", flat=True))


def _path_source(path: str, name: str) -> str:
    """Which objects a path parameter names: ``{client_id}`` clients, and
    ``{id}`` those of the segment before it (``/auth/tokens/{id}/``: tokens)."""
    if name != "id":
        return name
    segments = path.strip("/").split("/")
    return segments[segments.index("{id}") - 1]


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture(params=list(ROLES))
def role(request) -> str:
    return request.param


@pytest.fixture(params=["fixed", "random"])
def phase(request) -> str:
    return request.param


@pytest.fixture
def wsgi_app() -> Iterator[Any]:
    """The project's WSGI application, called in this test's transaction: as
    Django's test client does, requests must not close the database connection
    when they start and end (on PostgreSQL that would end the transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def demo_clinic(db) -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        call_command("seed_demo", stdout=StringIO())
        yield


@pytest.fixture
def caller(demo_clinic, role) -> accounts.IssuedToken | None:
    """A token of the role's demo user, issued as after a second step (so the
    owner requiring a second factor for staff does not end it)."""
    if not ROLES[role]:
        return None
    user = User.objects.get(username=ROLES[role])
    return accounts.issue_api_token(user=user, device="contract test", second_factor=True)


@pytest.fixture
def answers(caller, role, phase) -> Iterator[Counter[int]]:
    """The statuses of the run's calls, checked when it ends: with a token, a
    401 means the run signed itself out, and a run without any success reached
    nothing; without one, everything but signing in is a 401.

    With ``CLINIC_CONTRACT_REPORT=<file>`` each run appends a JSON line (role,
    phase, seed, calls by status) to that file: the figures of a closing note."""
    seen: Counter[int] = Counter()
    yield seen
    report = os.environ.get("CLINIC_CONTRACT_REPORT")
    if report:
        line = {
            "role": role,
            "phase": phase,
            "seed": FIXED_SEED if phase == "fixed" else RANDOM_SEED,
            "calls": sum(seen.values()),
            "statuses": {str(status): n for status, n in sorted(seen.items())},
        }
        with open(report, "a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")
    if caller is None:
        assert seen[401] and not any(200 <= status < 300 for status in seen), seen
        return
    assert not seen[401], f"the run was signed out: {seen}"
    assert sum(n for status, n in seen.items() if 200 <= status < 300), f"no success: {seen}"


@pytest.fixture
def api_schema(wsgi_app, demo_clinic, caller, phase, answers, monkeypatch) -> Any:
    monkeypatch.setitem(UserRateThrottle.THROTTLE_RATES, "user", None)
    fixed = phase == "fixed"
    examples = FIXED_EXAMPLES if fixed else RANDOM_EXAMPLES
    # Without a token every call but signing in stops at the door: a few will do.
    deep = caller is not None
    config = schemathesis.Config.from_dict(
        {
            "seed": FIXED_SEED if fixed else RANDOM_SEED,
            "generation": {
                "mode": "all",
                "max-examples": examples if deep else 2,
                "with-security-parameters": False,
                "database": "none",
                "no-shrink": not fixed,
            },
            "phases": {
                # One valid request per operation first, built from the schema.
                "examples": {"enabled": fixed, "fill-missing": True},
                # Boundary values of every parameter and field (valid ones).
                "coverage": {"enabled": fixed and deep, "generation": {"mode": "positive"}},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": False},
            },
        }
    )
    loaded = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app, config=config)
    own_token = caller.token.pk if caller else None
    sources = {name: source() for name, source in {**PATH_IDS, **FIELD_IDS}.items()}

    @loaded.hook
    def filter_case(context: Any, case: Any) -> bool:
        return not _signs_out(case, own_token)

    @loaded.hook
    def flatmap_case(context: Any, case: Any) -> Any:
        return _mixed_with_seeded_ids(case, sources)

    @loaded.hook
    def after_call(context: Any, case: Any, response: Any) -> None:
        answers[response.status_code] += 1

    return loaded


def _signs_out(case: Any, own_token: int | None) -> bool:
    """Revoking the run's own token would sign it out for every later call."""
    return (
        case.method.upper() == "DELETE"
        and case.path == REVOKE_TOKEN
        and str((case.path_parameters or {}).get("id")) == str(own_token)
    )


def _mixed_with_seeded_ids(case: Any, sources: dict[str, list[Any]]) -> Any:
    """The generated case, with each id-like value swapped half of the time for
    the id of a seeded object (so real objects are read, changed and refused)."""
    slots: dict[tuple[str, str], list[Any]] = {}
    for name in case.path_parameters or {}:
        ids = sources.get(_path_source(case.path, name))
        if ids:
            slots["path", name] = ids
    for where, values in (("query", case.query), ("body", case.body)):
        if isinstance(values, dict):
            for name in values:
                if sources.get(name) and name in FIELD_IDS:
                    slots[where, name] = sources[name]
    if not slots:
        return st.just(case)
    picks = st.fixed_dictionaries(
        {slot: st.one_of(st.none(), st.sampled_from(ids)) for slot, ids in slots.items()}
    )

    def apply(chosen: dict[tuple[str, str], Any]) -> Any:
        for (where, name), value in chosen.items():
            if value is None:
                continue
            if where == "path":
                case.path_parameters[name] = value
            elif where == "query":
                case.query[name] = value
            else:
                case.body[name] = value
        return case

    return picks.map(apply)


@schema.exclude(method="DELETE", path=SIGN_OUT).parametrize()
def test_every_operation_keeps_the_contract_for_every_role(case, caller, phase):
    if caller is None:
        headers = {}
    elif _signs_out(case, caller.token.pk):  # filtered out, but explicit examples skip filters
        return
    else:
        headers = {"Authorization": f"Token {caller.key}"}
    try:
        case.call_and_validate(headers=headers, checks=CHECKS)
    except Exception as failure:
        if phase == "random":
            failure.add_note(f"Replay this run with CLINIC_CONTRACT_SEED={RANDOM_SEED}.")
        raise


def test_every_path_parameter_has_seeded_ids_to_draw_from(api):
    document = api.get("/api/schema/?format=json").json()
    missing = {
        (path, parameter["name"])
        for path, operations in document["paths"].items()
        for operation in operations.values()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "path" and _path_source(path, parameter["name"]) not in PATH_IDS
    }
    assert not missing, "add these to PATH_IDS so the run reaches real objects"
