"""Two clinics with one of everything the admin shows, built through the
services as in production, and which rows each clinic's building created.

``World.rows`` is taken from the database (a snapshot before and after
building a clinic), never from the admin code under test: a row is clinic B's
because building clinic B created it.

The worlds are built once per test module, in a transaction rolled back at its
end (``built_worlds``); each test runs in a savepoint inside it (pytest-django's
``db``) and gets its own copy of the objects (``worlds``), so what one test
writes is gone before the next, as with Django's ``setUpTestData``."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.contrib.messages import get_messages
from django.db import models, transaction
from django.http import HttpResponse
from django.test import Client as BrowserClient
from django.test import override_settings
from django.urls import reverse

from clinic.core.models import Client, Clinic, Location, Muscle, Role, Therapist, User
from clinic.notifications import services as outbox
from clinic.notifications.models import Notification
from homework import services as homework
from homework.models import Exercise, HomeworkAlert, HomeworkPlan
from intake import services as intake
from intake.models import PainRating, Submission
from notes import services as notes
from notes.models import SessionNote
from records.onboarding import set_up_clinic
from scheduling import services as scheduling
from scheduling.models import (
    Appointment,
    AvailabilityOverride,
    CalendarFeed,
    Closure,
    Room,
    Service,
    WaitlistEntry,
)
from tests.clinic.factories import (
    ClientFactory,
    ClinicFactory,
    LocationFactory,
    TherapistFactory,
    UserFactory,
)
from tests.intake.helpers import submit_intake
from tests.scheduling.conftest import NOW, ny
from tests.scheduling.factories import RoomFactory, ServiceFactory, weekday_hours

OUR_APPS = ("clinic", "notifications", "intake", "scheduling", "notes", "homework", "records")

Rows = dict[type[models.Model], set[object]]


def our_models() -> list[type[models.Model]]:
    return [m for label in OUR_APPS for m in apps.get_app_config(label).get_models()]


def snapshot() -> Rows:
    return {m: set(m._default_manager.values_list("pk", flat=True)) for m in our_models()}


def created_between(before: Rows, after: Rows) -> Rows:
    return {m: after[m] - before.get(m, set()) for m in after}


@dataclass
class World:
    """One clinic: its people and one row of each kind, named after ``tag``."""

    tag: str
    clinic: Clinic
    location: Location
    owner: User
    front_desk: User
    therapist: Therapist
    client: Client
    room: Room
    service: Service
    appointment: Appointment
    override: AvailabilityOverride
    closure: Closure
    waitlist: WaitlistEntry
    feed: CalendarFeed
    submission: Submission
    pain: PainRating
    draft_note: SessionNote
    signed_note: SessionNote
    plan: HomeworkPlan
    alert: HomeworkAlert
    exercise: Exercise
    message_to_client: Notification
    message_to_staff: Notification
    rows: Rows = field(default_factory=dict)

    def pks(self, model: type[models.Model]) -> set[object]:
        return self.rows.get(model, set())


def build_world(tag: str) -> World:
    """Clinic ``tag``, built on Monday 1 June 2026 (the caller freezes time at NOW)."""
    clinic = ClinicFactory(name=f"{tag.upper()} Clinic", timezone="America/New_York")
    set_up_clinic(clinic=clinic)
    location = LocationFactory(clinic=clinic, name=f"{tag.upper()} Studio")
    owner = UserFactory(username=f"{tag}-owner", clinic=clinic, role=Role.OWNER)
    front_desk = UserFactory(username=f"{tag}-desk", clinic=clinic, role=Role.FRONT_DESK)
    therapist = TherapistFactory(
        user=UserFactory(
            username=f"{tag}-therapist",
            clinic=clinic,
            role=Role.THERAPIST,
            first_name=f"{tag.upper()}therapist",
        )
    )
    therapist.locations.add(location)
    client = ClientFactory(
        clinic=clinic,
        user=UserFactory(username=f"{tag}-client", clinic=clinic, role=Role.CLIENT),
        first_name=f"{tag.upper()}first",
        last_name=f"{tag.upper()}last",
        email=f"{tag}-client@example.com",
        care_team=[therapist],
    )
    room = RoomFactory(location=location, name=f"{tag.upper()} Room")
    weekday_hours(therapist, location)
    service = ServiceFactory(clinic=clinic, name=f"{tag.upper()} massage", therapists=[therapist])
    appointment = scheduling.book_appointment(
        client=client,
        service=service,
        therapist=therapist,
        location=location,
        starts_at=ny(2026, 6, 2, 10),
        booked_by=front_desk,
    )
    with time_machine.travel(ny(2026, 6, 2, 11, 30), tick=False):
        scheduling.complete_appointment(appointment=appointment, completed_by=front_desk)
    override = scheduling.add_availability_override(
        therapist=therapist,
        day=date(2026, 6, 10),
        kind="day_off",
        created_by=front_desk,
        reason=f"{tag.upper()} holiday",
    )
    closure = Closure.objects.create(
        clinic=clinic,
        start_date=date(2026, 12, 24),
        end_date=date(2026, 12, 26),
        reason=f"{tag.upper()} winter closure",
    )
    waitlist = scheduling.join_waitlist(
        client=client,
        service=service,
        location=location,
        earliest_date=date(2026, 6, 8),
        latest_date=date(2026, 6, 20),
        created_by=front_desk,
    )
    feed = scheduling.calendar_feed_for(therapist=therapist)
    submission = submit_intake(client)
    pain = intake.record_pain(client=client, score=6, source="visit_before", reference=tag)
    signed_note = _signed_note(appointment, therapist)
    plan = homework.propose_plan(note=signed_note, proposed_by=therapist.user)
    alert = HomeworkAlert.objects.create(
        plan=plan, kind="pain_rising", raised_on=date(2026, 6, 1), detail={"scores": [4, 6]}
    )
    draft_note = notes.start_note(client=client, written_by=therapist.user, kind="phone")
    notes.add_finding(
        note=draft_note,
        added_by=therapist.user,
        muscle=Muscle.objects.get(slug="psoas-major"),
        side="left",
        role="culprit",
        tension=2,
    )
    exercise = Exercise.objects.create(
        clinic=clinic,
        slug=f"{tag}-wall-stretch",
        name=f"{tag.upper()} wall stretch",
        kind="stretch",
        area="hip_flexors",
        instructions="Lean into the wall.",
    )
    message_to_client = outbox.enqueue(
        recipient=client,
        template_key="clinic_notice",
        context={"headline": f"{tag.upper()} news", "body": f"{tag.upper()} private body"},
        send_after=NOW + timedelta(days=1),
        idempotency_key=f"{tag}-notice-client",
    )
    message_to_staff = outbox.enqueue(
        recipient=owner,
        template_key="clinic_notice",
        context={"headline": f"{tag.upper()} staff", "body": f"{tag.upper()} staff body"},
        send_after=NOW + timedelta(days=1),
        idempotency_key=f"{tag}-notice-staff",
    )
    return World(
        tag=tag,
        clinic=clinic,
        location=location,
        owner=owner,
        front_desk=front_desk,
        therapist=therapist,
        client=client,
        room=room,
        service=service,
        appointment=appointment,
        override=override,
        closure=closure,
        waitlist=waitlist,
        feed=feed,
        submission=submission,
        pain=pain,
        draft_note=draft_note,
        signed_note=signed_note,
        plan=plan,
        alert=alert,
        exercise=exercise,
        message_to_client=message_to_client,
        message_to_staff=message_to_staff,
    )


def _signed_note(appointment: Appointment, therapist: Therapist) -> SessionNote:
    note = notes.start_note(
        client=appointment.client, written_by=therapist.user, appointment=appointment
    )
    for slug, side, role in (
        ("psoas-major", "both", "culprit"),
        ("rectus-femoris", "left", "culprit"),
        ("quadratus-lumborum", "left", "victim"),
    ):
        notes.add_finding(
            note=note,
            added_by=therapist.user,
            muscle=Muscle.objects.get(slug=slug),
            side=side,
            role=role,
            tension=3 if role == "culprit" else 0,
            tenderness=3 if role == "victim" else 0,
        )
    return notes.sign_note(note=note, signed_by=therapist.user)


@dataclass
class Worlds:
    a: World
    b: World
    shared: Rows  # rows that were there before either clinic (the atlas, the library)
    operator: User


def build_worlds() -> Worlds:
    """Clinics A and B, and a platform operator (a superuser of no clinic)."""
    shared = snapshot()
    a = build_world("a")
    after_a = snapshot()
    b = build_world("b")
    a.rows, b.rows = created_between(shared, after_a), created_between(after_a, snapshot())
    operator = UserFactory(username="operator", clinic=None, role=Role.OWNER)
    operator.is_staff = operator.is_superuser = True
    operator.save(update_fields=["is_staff", "is_superuser"])
    return Worlds(a=a, b=b, shared=shared, operator=operator)


@pytest.fixture(scope="module")
def built_worlds(django_db_setup, django_db_blocker) -> Iterator[Worlds]:
    with django_db_blocker.unblock():
        kept = transaction.atomic()
        kept.__enter__()
        with (
            override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
            time_machine.travel(NOW, tick=False),
        ):
            worlds = build_worlds()
    yield worlds
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        kept.__exit__(None, None, None)


@pytest.fixture
def worlds(built_worlds, db) -> Iterator[Worlds]:
    """Clinics A and B (see the module's docstring), with time frozen at NOW."""
    with time_machine.travel(NOW, tick=False):
        yield copy.deepcopy(built_worlds)


# --- the admin -------------------------------------------------------------


def our_admins() -> list[tuple[type[models.Model], ModelAdmin[Any]]]:
    """Every ModelAdmin of ours on the site, so a new one is covered at once."""
    return sorted(
        (
            (model, model_admin)
            for model, model_admin in admin.site._registry.items()
            if model._meta.app_label in OUR_APPS
        ),
        key=lambda pair: pair[0]._meta.label_lower,
    )


def label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def admin_url(model: type[models.Model], view: str, *args: object) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def signed_in(user: User) -> BrowserClient:
    browser = BrowserClient()
    browser.force_login(user)
    return browser


def is_not_found(response: HttpResponse) -> bool:
    """What Django's admin does for a row that does not exist: back to the index
    with a warning (a row of another clinic must look exactly like that)."""
    if response.status_code != 302 or response["Location"] != reverse("admin:index"):
        return False
    return any("doesn\u2019t exist" in str(m) for m in get_messages(response.wsgi_request))
