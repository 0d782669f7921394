"""Shared set-up for the front desk's page tests (tests/workspace/test_desk_*.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from django.test import Client as BrowserClient

from clinic.core.models import Client, Location, Role, Therapist, User
from scheduling import services
from scheduling.models import Appointment, Service
from tests.clinic.factories import ClientFactory, TherapistFactory, UserFactory
from tests.scheduling.conftest import ny
from tests.scheduling.factories import ServiceFactory, weekday_hours

# Monday 1 June 2026, 08:00 in New York; the tests look at Wednesday 3 June.
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
DAY = "2026-06-03"


def signed_in(user: User) -> BrowserClient:
    browser = BrowserClient()
    browser.force_login(user)
    return browser


def short_service(clinic, therapists: list[Therapist], name: str = "Back treatment") -> Service:
    """A 30-minute treatment with no buffer and no room: easy to pack a day."""
    return ServiceFactory(
        clinic=clinic,
        name=name,
        duration_minutes=30,
        buffer_after_minutes=0,
        room_kind="",
        therapists=therapists,
    )


def staff_therapist(clinic, location: Location, first_name: str) -> Therapist:
    therapist = TherapistFactory(
        user=UserFactory(
            clinic=clinic, role=Role.THERAPIST, first_name=first_name, last_name="Hale"
        )
    )
    therapist.locations.add(location)
    weekday_hours(therapist, location)
    return therapist


def book(
    *, client: Client, service: Service, therapist: Therapist, location: Location, at, by: User
) -> Appointment:
    return services.book_appointment(
        client=client,
        service=service,
        therapist=therapist,
        location=location,
        starts_at=at,
        booked_by=by,
    )


def new_client(clinic, first_name: str = "Ada", last_name: str = "Quinn") -> Client:
    return ClientFactory(clinic=clinic, first_name=first_name, last_name=last_name)


__all__ = [
    "DAY",
    "NOW",
    "book",
    "new_client",
    "ny",
    "short_service",
    "signed_in",
    "staff_therapist",
]
