from __future__ import annotations

import pytest
from django.test import Client as BrowserClient

from clinic.notifications.models import Notification
from scheduling import services
from scheduling.models import Appointment
from tests.scheduling.conftest import ny

pytestmark = pytest.mark.usefixtures("frozen_now")


@pytest.fixture
def desk(front_desk):
    browser = BrowserClient()
    browser.force_login(front_desk)
    return browser


def _form(client_record, massage, therapist_profile, location, when):
    return {
        "client": client_record.pk,
        "service": massage.pk,
        "therapist": therapist_profile.pk,
        "location": location.pk,
        "room": "",
        "starts_at": when,
        "override_reason": "",
        "front_desk_notes": "First visit",
    }


def test_the_front_desk_books_in_the_admin_through_the_booking_rules(
    desk, client_record, massage, therapist_profile, location
):
    response = desk.post(
        "/admin/scheduling/appointment/add/",
        _form(client_record, massage, therapist_profile, location, "2026-06-03 14:00:00+00:00"),
    )
    assert response.status_code == 302, response.content[:2000]
    appointment = Appointment.objects.get()
    assert appointment.channel == "admin" and appointment.room is not None
    assert Notification.objects.filter(template_key="appointment_confirmation").exists()
    lunch = desk.post(
        "/admin/scheduling/appointment/add/",
        _form(client_record, massage, therapist_profile, location, "2026-06-03 16:45:00+00:00"),
    )
    assert lunch.status_code == 200
    assert b"not free" in lunch.content
    assert Appointment.objects.count() == 1


def test_admin_actions_run_the_lifecycle_and_cancel_asks_why(
    desk, client_record, massage, therapist_profile, location, front_desk
):
    appointment = services.book_appointment(
        client=client_record,
        service=massage,
        therapist=therapist_profile,
        location=location,
        starts_at=ny(2026, 6, 3, 10),
        booked_by=front_desk,
    )
    url = "/admin/scheduling/appointment/"
    desk.post(url, {"action": "confirm", "_selected_action": [appointment.pk]})
    appointment.refresh_from_db()
    assert appointment.status == "confirmed"
    page = desk.post(url, {"action": "cancel", "_selected_action": [appointment.pk]})
    assert page.status_code == 200 and b"reason" in page.content
    done = desk.post(
        url,
        {
            "action": "cancel",
            "_selected_action": [appointment.pk],
            "apply": "1",
            "reason": "Snowed in",
        },
    )
    assert done.status_code == 302
    appointment.refresh_from_db()
    assert (appointment.status, appointment.cancellation_reason) == ("cancelled", "Snowed in")


def test_admin_reschedule_moves_the_visit(
    desk, client_record, massage, therapist_profile, location, front_desk
):
    appointment = services.book_appointment(
        client=client_record,
        service=massage,
        therapist=therapist_profile,
        location=location,
        starts_at=ny(2026, 6, 3, 10),
        booked_by=front_desk,
    )
    desk.post(
        "/admin/scheduling/appointment/",
        {
            "action": "reschedule",
            "_selected_action": [appointment.pk],
            "apply": "1",
            "starts_at": "2026-06-04 13:00:00+00:00",
        },
    )
    moved = Appointment.objects.get(rescheduled_from=appointment)
    assert moved.starts_at == ny(2026, 6, 4, 9)


def test_appointments_cannot_be_deleted_in_the_admin(
    desk, client_record, massage, therapist_profile, location, front_desk
):
    appointment = services.book_appointment(
        client=client_record,
        service=massage,
        therapist=therapist_profile,
        location=location,
        starts_at=ny(2026, 6, 3, 10),
        booked_by=front_desk,
    )
    assert desk.get(f"/admin/scheduling/appointment/{appointment.pk}/delete/").status_code == 403
