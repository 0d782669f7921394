"""The front desk's waitlist page (workspace/desk_waitlist.py)."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.test import Client as BrowserClient

from clinic.core.models import Role
from scheduling import services
from scheduling.models import WaitlistEntry, WaitlistStatus
from tests.clinic.factories import ClinicFactory, UserFactory
from tests.conftest import PERSONAS
from tests.scheduling.factories import RoomFactory, ServiceFactory, weekday_hours
from tests.workspace.desk_helpers import NOW, book, new_client, ny, signed_in

EXPECTED = {
    "anonymous": 302,
    "client": 403,
    "other_client": 403,
    "therapist": 403,
    "other_therapist": 403,
    "front_desk": 200,
    "owner": 200,
}


@pytest.fixture(autouse=True)
def _monday_morning():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def massage(clinic, location, therapist_profile):
    RoomFactory(location=location, name="Room 1")
    weekday_hours(therapist_profile, location)
    return ServiceFactory(clinic=clinic, name="Deep tissue massage", therapists=[therapist_profile])


def _wait(clinic, location, massage, front_desk, name: str) -> WaitlistEntry:
    return services.join_waitlist(
        client=new_client(clinic, name, "Waits"),
        service=massage,
        location=location,
        earliest_date=date(2026, 6, 2),
        latest_date=date(2026, 6, 5),
        created_by=front_desk,
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_desk_and_the_owner_see_the_waitlist(
    request, persona, clinic, location, massage, front_desk
):
    entry = _wait(clinic, location, massage, front_desk, "Ana")
    browser = BrowserClient()
    if persona != "anonymous":
        browser.force_login(request.getfixturevalue(persona))
    assert browser.get("/work/waitlist/").status_code == EXPECTED[persona]
    leave = browser.post(f"/work/waitlist/{entry.pk}/leave/")
    assert leave.status_code == (302 if persona in ("front_desk", "owner") else EXPECTED[persona])
    entry.refresh_from_db()
    expected = "cancelled" if persona in ("front_desk", "owner") else "waiting"
    assert entry.status == expected


def test_the_waitlist_shows_who_waits_and_the_offers_sent(
    clinic, location, massage, front_desk, therapist_profile
):
    ana = _wait(clinic, location, massage, front_desk, "Ana")
    visit = book(
        client=new_client(clinic, "Ben", "Busy"),
        service=massage,
        therapist=therapist_profile,
        location=location,
        at=ny(2026, 6, 3, 10),
        by=front_desk,
    )
    services.cancel_appointment(appointment=visit, cancelled_by=front_desk, reason="Away")
    html = signed_in(front_desk).get("/work/waitlist/").content.decode()
    assert ana.client.full_name in html and "Deep tissue massage at Brooklyn" in html
    assert "Wed 3 Jun 10:00 with" in html  # the freed time, offered, in New York time
    assert "Ben Busy" not in html
    elsewhere = UserFactory(clinic=ClinicFactory(), role=Role.FRONT_DESK)
    theirs = signed_in(elsewhere)
    assert ana.client.full_name not in theirs.get("/work/waitlist/").content.decode()
    assert theirs.post(f"/work/waitlist/{ana.pk}/leave/").status_code == 404
    ana.refresh_from_db()
    assert ana.status == WaitlistStatus.WAITING


def test_the_waitlist_costs_the_same_queries_for_more_entries(
    clinic, location, massage, front_desk, django_assert_max_num_queries
):
    desk = signed_in(front_desk)
    desk.get("/work/waitlist/")
    _wait(clinic, location, massage, front_desk, "One")
    with django_assert_max_num_queries(8):
        desk.get("/work/waitlist/")
    for n in range(10):
        _wait(clinic, location, massage, front_desk, f"Many{n}")
    with django_assert_max_num_queries(8):
        page = desk.get("/work/waitlist/")
    assert page.content.decode().count("Take off") == 11
