"""The front desk's pages: the day per location, a therapist's week and the
appointment panel, with their actions (workspace/desk.py)."""

from __future__ import annotations

from datetime import date, time

import pytest
import time_machine
from django.db import connection
from django.test import Client as BrowserClient
from django.test.utils import CaptureQueriesContext

from clinic.core.models import AuditEvent, Client, Role, Therapist
from clinic.notifications.models import Notification
from intake.models import IntakeInvitation
from scheduling import services
from scheduling.models import (
    Appointment,
    AppointmentStatus,
    AvailabilityOverride,
    Closure,
    Service,
)
from tests.clinic.factories import ClientFactory, ClinicFactory, LocationFactory, UserFactory
from tests.conftest import PERSONAS
from tests.intake.helpers import submit_intake
from tests.scheduling.factories import RoomFactory, ServiceFactory, weekday_hours
from tests.workspace.desk_helpers import (
    DAY,
    NOW,
    book,
    new_client,
    ny,
    short_service,
    signed_in,
    staff_therapist,
)


@pytest.fixture(autouse=True)
def _monday_morning():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def massage(clinic, location, therapist_profile, other_therapist_profile):
    """As in tests/scheduling/conftest.py: 60 minutes, 10 after, a room, both
    therapists working Mon-Fri split days at Brooklyn."""
    RoomFactory(location=location, name="Room 1")
    other_therapist_profile.locations.add(location)
    weekday_hours(therapist_profile, location)
    weekday_hours(other_therapist_profile, location)
    return ServiceFactory(
        clinic=clinic,
        name="Deep tissue massage",
        therapists=[therapist_profile, other_therapist_profile],
    )


@pytest.fixture
def booked(massage, client_record, therapist_profile, location, front_desk):
    return book(
        client=client_record,
        service=massage,
        therapist=therapist_profile,
        location=location,
        at=ny(2026, 6, 3, 10),
        by=front_desk,
    )


def _browser(request, persona: str) -> BrowserClient:
    if persona == "anonymous":
        return BrowserClient()
    return signed_in(request.getfixturevalue(persona))


PAGES = [
    ("get", "/work/day/?location={location}&date=" + DAY),
    ("get", "/work/day/"),
    ("get", "/work/day/week/?therapist={therapist}&date=" + DAY),
    ("get", "/work/appointments/{appointment}/"),
    ("get", "/work/appointments/{appointment}/slots/?date=2026-06-04"),
    ("post", "/work/appointments/{appointment}/confirm/"),
]
EXPECTED = {
    "anonymous": 302,
    "client": 403,
    "other_client": 403,
    "therapist": 403,
    "other_therapist": 403,
    "front_desk": 200,
    "owner": 200,
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("method", "url"), PAGES)
def test_only_the_desk_and_the_owner_open_the_desk_pages(
    request, booked, location, therapist_profile, persona, method, url
):
    browser = _browser(request, persona)
    path = url.format(location=location.pk, therapist=therapist_profile.pk, appointment=booked.pk)
    response = getattr(browser, method)(path)
    assert response.status_code == EXPECTED[persona], (persona, path)
    if persona == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    if response.status_code != 200:
        booked.refresh_from_db()
        assert booked.status == AppointmentStatus.BOOKED


def test_another_clinics_staff_find_nothing_of_ours(booked, location, therapist_profile):
    elsewhere = ClinicFactory(name="Elsewhere")
    LocationFactory(clinic=elsewhere, name="Far away")
    desk = signed_in(UserFactory(clinic=elsewhere, role=Role.FRONT_DESK))
    assert desk.get(f"/work/day/?location={location.pk}&date={DAY}").status_code == 404
    assert desk.get(f"/work/day/week/?therapist={therapist_profile.pk}").status_code == 404
    assert desk.get(f"/work/appointments/{booked.pk}/").status_code == 404
    assert desk.post(f"/work/appointments/{booked.pk}/confirm/").status_code == 404
    page = desk.get("/work/day/?date=" + DAY).content.decode()
    assert "Far away" in page and "Daniel Brooks" not in page
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.BOOKED


def test_the_day_shows_therapists_as_columns_and_only_this_clinics_visits(
    booked, front_desk, location, therapist_profile, other_therapist_profile
):
    elsewhere = ClinicFactory()
    stranger = ClientFactory(clinic=elsewhere, first_name="Zed", last_name="Outsider")
    page = signed_in(front_desk).get(f"/work/day/?location={location.pk}&date={DAY}")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Daniel Brooks" in html and "Deep tissue massage" in html and "Room 1" in html
    assert therapist_profile.display_name in html and other_therapist_profile.display_name in html
    assert "10:00\u201311:00" in html and "times in New York time" in html
    assert stranger.full_name not in html
    # The visit spans its four quarter hours.
    assert 'rowspan="4"' in html


def test_the_day_defaults_to_today_at_the_first_location(booked, front_desk):
    html = signed_in(front_desk).get("/work/day/").content.decode()
    assert "Monday 1 June 2026" in html and "Brooklyn" in html
    assert "Daniel Brooks" not in html  # the visit is on Wednesday


def test_a_block_shows_the_intake_and_red_flag_badges(
    clinic, location, massage, therapist_profile, front_desk
):
    flagged = new_client(clinic, "Rosa", "Flagg")
    fresh = new_client(clinic, "Finn", "Fresh")
    submit_intake(flagged, red_flags=["fever"])
    book(
        client=fresh,
        service=massage,
        therapist=therapist_profile,
        location=location,
        at=ny(2026, 6, 3, 14),
        by=front_desk,
    )
    services.book_appointment(
        client=flagged,
        service=massage,
        therapist=therapist_profile,
        location=location,
        starts_at=ny(2026, 6, 3, 9),
        booked_by=front_desk,
        override_reason="GP saw her",
    )
    html = (
        signed_in(front_desk).get(f"/work/day/?location={location.pk}&date={DAY}").content.decode()
    )
    rosa = html[html.index("Rosa Flagg") : html.index("</a>", html.index("Rosa Flagg"))]
    finn = html[html.index("Finn Fresh") : html.index("</a>", html.index("Finn Fresh"))]
    assert "Intake done" in rosa and "Red flag" in rosa
    assert "Intake sent" in finn and "Red flag" not in finn


def test_closures_and_time_off_are_shaded_and_named(
    clinic, location, massage, therapist_profile, other_therapist_profile, front_desk
):
    AvailabilityOverride.objects.create(
        therapist=therapist_profile,
        date=date(2026, 6, 3),
        kind="time_off",
        start_time=time(9),
        end_time=time(11),
        reason="Dentist",
    )
    html = (
        signed_in(front_desk).get(f"/work/day/?location={location.pk}&date={DAY}").content.decode()
    )
    assert "time off 09:00-11:00 (Dentist)" in html
    # 09:00-11:00 is shaded for the first therapist, free for the second.
    first_row = html[html.index(">09:00<") : html.index("</tr>", html.index(">09:00<"))]
    assert first_row.count('class="off"') >= 1 and first_row.count('class="free"') >= 1
    Closure.objects.create(
        clinic=clinic,
        location=location,
        start_date=date(2026, 6, 3),
        end_date=date(2026, 6, 3),
        reason="Staff training",
    )
    closed = (
        signed_in(front_desk).get(f"/work/day/?location={location.pk}&date={DAY}").content.decode()
    )
    assert "Closed: Staff training" in closed and 'class="free"' not in closed


def test_the_week_shows_one_therapists_days(booked, front_desk, location, therapist_profile):
    html = (
        signed_in(front_desk)
        .get(f"/work/day/week/?therapist={therapist_profile.pk}&date={DAY}")
        .content.decode()
    )
    assert "Mon 1 Jun" in html and "Sun 7 Jun" in html
    assert "Daniel Brooks" in html and "Wed 3 Jun" in html


def test_the_panel_shows_contact_details_history_and_no_shows(
    booked, front_desk, client_record, massage, therapist_profile, location
):
    html = (
        signed_in(front_desk)
        .get(f"/work/appointments/{booked.pk}/", HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert html.lstrip().startswith('<aside id="panel"')
    assert client_record.phone in html and client_record.email in html
    assert "No-shows</dt><dd>0" in html
    assert "Wednesday 3 June, 10:00\u201311:00" in html and "New York time" in html


def test_each_step_goes_through_the_service_and_refreshes_the_grid(booked, front_desk):
    desk = signed_in(front_desk)
    url = f"/work/appointments/{booked.pk}/"
    response = desk.post(url + "confirm/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Trigger"] == "day-changed"
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.CONFIRMED and booked.confirmed_at is not None
    with time_machine.travel(ny(2026, 6, 3, 9, 55), tick=False):
        assert desk.post(url + "check-in/").status_code == 200
        booked.refresh_from_db()
        assert booked.status == AppointmentStatus.CHECKED_IN
    with time_machine.travel(ny(2026, 6, 3, 10, 5), tick=False):
        assert desk.post(url + "complete/").status_code == 200
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.COMPLETED
    # A step that no longer fits is refused kindly, and changes nothing.
    again = desk.post(url + "no-show/")
    assert again.status_code == 409 and "cannot be marked as a no-show" in again.content.decode()


def test_a_no_show_counts_in_the_panel(booked, owner):
    with time_machine.travel(ny(2026, 6, 3, 10, 30), tick=False):
        assert signed_in(owner).post(f"/work/appointments/{booked.pk}/no-show/").status_code == 200
        html = signed_in(owner).get(f"/work/appointments/{booked.pk}/").content.decode()
    assert "No-shows</dt><dd>1" in html


def test_cancel_needs_a_reason_and_keeps_nothing_typed_lost(booked, front_desk):
    desk = signed_in(front_desk)
    empty = desk.post(f"/work/appointments/{booked.pk}/cancel/", {"reason": "  "})
    assert empty.status_code == 400
    assert 'class="field-error"' in empty.content.decode()
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.BOOKED
    done = desk.post(f"/work/appointments/{booked.pk}/cancel/", {"reason": "Flu"})
    assert done.status_code == 200
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.CANCELLED and booked.cancellation_reason == "Flu"


def test_cancelling_inside_the_window_warns_first(booked, front_desk):
    with time_machine.travel(ny(2026, 6, 3, 8), tick=False):
        html = signed_in(front_desk).get(f"/work/appointments/{booked.pk}/").content.decode()
        assert "late cancellation" in html
        signed_in(front_desk).post(f"/work/appointments/{booked.pk}/cancel/", {"reason": "Late"})
    booked.refresh_from_db()
    assert booked.late_cancellation is True


def test_reschedule_offers_free_times_and_moves_the_visit(booked, front_desk):
    desk = signed_in(front_desk)
    slots = desk.get(
        f"/work/appointments/{booked.pk}/slots/?date=2026-06-04", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'value="2026-06-04T09:00:00-04:00"' in slots
    moved = desk.post(
        f"/work/appointments/{booked.pk}/reschedule/",
        {"starts_at": "2026-06-04T09:00:00-04:00", "date": "2026-06-04"},
    )
    assert moved.status_code == 200
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.CANCELLED
    new = Appointment.objects.get(rescheduled_from=booked)
    assert new.starts_at == ny(2026, 6, 4, 9) and "Moved" in moved.content.decode()


def test_reschedule_to_a_time_that_is_not_free_says_so_and_keeps_the_visit(
    booked, front_desk, massage, other_client_record, therapist_profile, location
):
    book(
        client=other_client_record,
        service=massage,
        therapist=therapist_profile,
        location=location,
        at=ny(2026, 6, 4, 9),
        by=front_desk,
    )
    response = signed_in(front_desk).post(
        f"/work/appointments/{booked.pk}/reschedule/",
        {"starts_at": "2026-06-04T09:00:00-04:00", "date": "2026-06-04"},
    )
    assert response.status_code in (400, 409)
    assert 'role="alert"' in response.content.decode()
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.BOOKED
    garbage = signed_in(front_desk).post(
        f"/work/appointments/{booked.pk}/reschedule/", {"starts_at": "soon"}
    )
    assert garbage.status_code == 400 and "Pick one of the free times" in garbage.content.decode()


def test_the_intake_link_goes_again_through_intake(booked, front_desk, client_record):
    before = IntakeInvitation.objects.filter(client=client_record).count()
    outbox = Notification.objects.count()
    response = signed_in(front_desk).post(f"/work/appointments/{booked.pk}/intake-link/")
    assert response.status_code == 200 and "on its way" in response.content.decode()
    assert IntakeInvitation.objects.filter(client=client_record).count() == before + 1
    assert Notification.objects.count() > outbox


def test_an_unknown_action_or_a_get_changes_nothing(booked, front_desk):
    desk = signed_in(front_desk)
    assert desk.post(f"/work/appointments/{booked.pk}/delete/").status_code == 404
    assert desk.get(f"/work/appointments/{booked.pk}/confirm/").status_code == 405


def _fill_day(clinic, location, front_desk, *, therapists: int, per_therapist: int) -> None:
    taken = Therapist.objects.filter(user__clinic=clinic).count()
    people = [staff_therapist(clinic, location, f"T{taken + n}") for n in range(therapists)]
    service = short_service(clinic, people, name=f"Back treatment {taken}")
    starts = [(9, 0), (9, 30), (10, 0), (10, 30), (11, 0), (11, 30), (13, 30), (14, 0)]
    for therapist in people:
        for hour, minute in starts[:per_therapist]:
            book(
                client=ClientFactory(clinic=clinic),
                service=service,
                therapist=therapist,
                location=location,
                at=ny(2026, 6, 3, hour, minute),
                by=front_desk,
            )


def test_the_day_costs_the_same_queries_for_2_or_10_therapists(clinic, location, front_desk):
    desk = signed_in(front_desk)
    url = f"/work/day/?location={location.pk}&date={DAY}"

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            page = desk.get(url)
        return page.content.decode().count('class="appt status-booked"'), len(ctx.captured_queries)

    desk.get("/work/day/")  # the session and the user are loaded once
    _fill_day(clinic, location, front_desk, therapists=2, per_therapist=4)
    small = count()
    _fill_day(clinic, location, front_desk, therapists=8, per_therapist=8)
    for therapist in Therapist.objects.filter(user__first_name__in=["T0", "T1"]):
        service = Service.objects.get(therapists=therapist)
        for hour, minute in [(11, 0), (11, 30), (13, 30), (14, 0)]:
            book(
                client=ClientFactory(clinic=clinic),
                service=service,
                therapist=therapist,
                location=location,
                at=ny(2026, 6, 3, hour, minute),
                by=front_desk,
            )
    large = count()
    assert (small[0], large[0]) == (8, 80)
    assert large[1] == small[1]


def test_the_grid_partial_answers_htmx_with_the_grid_alone(booked, front_desk, location):
    html = (
        signed_in(front_desk)
        .get(
            f"/work/day/?location={location.pk}&date={DAY}",
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET="day-grid",
        )
        .content.decode()
    )
    assert html.lstrip().startswith('<div id="day-grid"') and "<html" not in html


# --- booking from the grid -----------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "url", ["/work/book/?date=" + DAY, "/work/book/slots/?date=" + DAY, "/work/book/clients/?q=da"]
)
def test_only_the_desk_and_the_owner_open_the_booking_form(request, massage, persona, url):
    response = _browser(request, persona).get(url)
    assert response.status_code == EXPECTED[persona], (persona, url)


def test_a_clicked_free_time_opens_the_form_with_only_real_free_times(
    booked, front_desk, location, therapist_profile, massage
):
    html = (
        signed_in(front_desk)
        .get(
            f"/work/book/?location={location.pk}&therapist={therapist_profile.pk}"
            f"&date={DAY}&time=10:15",
            HTTP_HX_REQUEST="true",
        )
        .content.decode()
    )
    assert html.lstrip().startswith('<aside id="panel"')
    # 10:00 is Daniel's (and its buffer); the next free start is chosen.
    assert 'value="2026-06-03T10:00:00-04:00"' not in html
    assert 'value="2026-06-03T09:00:00-04:00"' not in html  # would run into 10:00
    assert 'value="2026-06-03T11:15:00-04:00" selected' in html
    assert "Deep tissue massage (60 min)" in html


def test_the_grid_links_free_time_to_the_booking_form(booked, front_desk, location):
    html = (
        signed_in(front_desk).get(f"/work/day/?location={location.pk}&date={DAY}").content.decode()
    )
    assert "/work/book/?location=" in html and "time=11:15" in html
    assert "+ Book" in html


def test_the_client_search_finds_only_this_clinics_clients_as_you_type(
    front_desk, client_record, massage
):
    ClientFactory(clinic=ClinicFactory(), first_name="Daniela", last_name="Elsewhere")
    desk = signed_in(front_desk)
    html = desk.get("/work/book/clients/?q=dan bro", HTTP_HX_REQUEST="true").content.decode()
    assert "Daniel Brooks" in html and "Elsewhere" not in html
    assert f'value="{client_record.pk}"' in html
    assert "Daniel" not in desk.get("/work/book/clients/?q=d").content.decode()
    assert "Nobody matches" in desk.get("/work/book/clients/?q=zzzz").content.decode()


def test_the_client_search_costs_the_same_queries_for_many_clients(
    front_desk, clinic, django_assert_max_num_queries
):
    desk = signed_in(front_desk)
    desk.get("/work/book/clients/?q=qu")
    new_client(clinic)
    with django_assert_max_num_queries(6):
        desk.get("/work/book/clients/?q=qu")
    for n in range(12):
        new_client(clinic, f"Ada{n}")
    with django_assert_max_num_queries(6):
        desk.get("/work/book/clients/?q=qu")


def test_booking_an_existing_client_from_the_grid_books_through_the_service(
    front_desk, location, therapist_profile, massage, client_record
):
    response = signed_in(front_desk).post(
        "/work/book/",
        {
            "location": location.pk,
            "therapist": therapist_profile.pk,
            "service": massage.pk,
            "date": DAY,
            "starts_at": "2026-06-03T09:00:00-04:00",
            "client": client_record.pk,
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and response["HX-Trigger"] == "day-changed"
    visit = Appointment.objects.get()
    assert (visit.client, visit.therapist, visit.starts_at) == (
        client_record,
        therapist_profile,
        ny(2026, 6, 3, 9),
    )
    assert visit.channel == "front_desk" and visit.created_by == front_desk
    html = response.content.decode()
    assert "Booked." in html and "intake form is not done" in html


def test_booking_a_new_client_registers_them_and_books(
    front_desk, location, therapist_profile, massage
):
    response = signed_in(front_desk).post(
        "/work/book/",
        {
            "location": location.pk,
            "therapist": therapist_profile.pk,
            "service": massage.pk,
            "date": DAY,
            "starts_at": "2026-06-03T13:30:00-04:00",
            "new_first_name": "Nora",
            "new_last_name": "Lind",
            "new_phone": "+12125550144",
        },
    )
    assert response.status_code == 200
    visit = Appointment.objects.get()
    assert visit.client.full_name == "Nora Lind" and visit.client.phone == "+12125550144"
    assert IntakeInvitation.objects.filter(client=visit.client).exists()  # the link went out


def test_bad_input_rerenders_the_form_with_field_errors_and_the_typed_values(
    front_desk, location, therapist_profile, massage
):
    response = signed_in(front_desk).post(
        "/work/book/",
        {
            "location": location.pk,
            "therapist": therapist_profile.pk,
            "service": massage.pk,
            "date": DAY,
            "starts_at": "2026-06-03T13:30:00-04:00",
            "new_first_name": "Nora",
            "new_last_name": "Lind",
            "new_phone": "not a phone",
            "new_email": "nora@",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="new-phone-error"' in html and 'id="new-email-error"' in html
    assert 'value="Nora"' in html and 'value="not a phone"' in html and 'value="nora@"' in html
    assert 'value="2026-06-03T13:30:00-04:00" selected' in html
    assert Appointment.objects.count() == 0
    nobody = signed_in(front_desk).post(
        "/work/book/", {"location": location.pk, "date": DAY, "starts_at": "later"}
    )
    assert nobody.status_code == 400
    assert "Find the client" in nobody.content.decode()
    assert "Choose one of the free times" in nobody.content.decode()


def test_a_taken_slot_answers_just_taken_and_keeps_no_new_client(
    booked, front_desk, location, therapist_profile, massage
):
    before = Client.objects.count()
    response = signed_in(front_desk).post(
        "/work/book/",
        {
            "location": location.pk,
            "therapist": therapist_profile.pk,
            "service": massage.pk,
            "date": DAY,
            "starts_at": "2026-06-03T10:00:00-04:00",
            "new_first_name": "Late",
            "new_last_name": "Comer",
            "new_email": "late@example.com",
        },
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200 and response["HX-Trigger"] == "day-changed"
    assert "Just taken: pick another time." in html
    assert 'value="Late"' in html  # nothing typed is lost
    assert 'value="2026-06-03T10:00:00-04:00"' not in html  # the free times are fresh
    assert Client.objects.count() == before and Appointment.objects.count() == 1
    plain = signed_in(front_desk).post(
        "/work/book/",
        {
            "location": location.pk,
            "therapist": therapist_profile.pk,
            "service": massage.pk,
            "date": DAY,
            "starts_at": "2026-06-03T10:00:00-04:00",
            "client": booked.client_id,
        },
    )
    assert plain.status_code == 409


def test_a_red_flag_client_needs_a_reason_as_in_the_api(
    front_desk, location, therapist_profile, massage, clinic
):
    flagged = new_client(clinic, "Rosa", "Flagg")
    submit_intake(flagged, red_flags=["fever"])
    form = {
        "location": location.pk,
        "therapist": therapist_profile.pk,
        "service": massage.pk,
        "date": DAY,
        "starts_at": "2026-06-03T09:00:00-04:00",
        "client": flagged.pk,
    }
    desk = signed_in(front_desk)
    first = desk.post("/work/book/", form)
    html = first.content.decode()
    assert first.status_code == 409
    assert 'name="override_reason"' in html and 'id="reason-error"' in html
    assert Appointment.objects.count() == 0
    second = desk.post("/work/book/", {**form, "override_reason": "GP letter on file"})
    assert second.status_code == 200
    assert Appointment.objects.get().override_reason == "GP letter on file"


def test_booking_is_refused_to_a_therapist_and_to_another_clinic(
    request, therapist, location, therapist_profile, massage, client_record
):
    form = {
        "location": location.pk,
        "therapist": therapist_profile.pk,
        "service": massage.pk,
        "date": DAY,
        "starts_at": "2026-06-03T09:00:00-04:00",
        "client": client_record.pk,
    }
    assert signed_in(therapist).post("/work/book/", form).status_code == 403
    elsewhere = ClinicFactory()
    LocationFactory(clinic=elsewhere)
    stranger = signed_in(UserFactory(clinic=elsewhere, role=Role.FRONT_DESK))
    assert stranger.post("/work/book/", form).status_code == 404  # our location is not theirs
    assert Appointment.objects.count() == 0


def test_the_panel_page_shows_the_visit_and_no_clinical_detail(
    front_desk, clinic, location, massage, therapist_profile
):
    flagged = new_client(clinic, "Rosa", "Flagg")
    submit_intake(flagged, red_flags=["fever"])
    visit = services.book_appointment(
        client=flagged,
        service=massage,
        therapist=therapist_profile,
        location=location,
        starts_at=ny(2026, 6, 3, 9),
        booked_by=front_desk,
        override_reason="GP saw her",
    )
    html = signed_in(front_desk).get(f"/work/appointments/{visit.pk}/").content.decode()
    assert "Deep tissue massage with" in html and "Intake done" in html and "Red flag" in html
    # The front desk sees that there is a red flag, never what the intake said.
    assert "fever" not in html.lower()


def test_opening_the_panel_is_audited_as_a_client_read(booked, front_desk, client_record):
    before = AuditEvent.objects.filter(actor=front_desk, action="read").count()
    signed_in(front_desk).get(f"/work/appointments/{booked.pk}/")
    assert AuditEvent.objects.filter(actor=front_desk, action="read").count() == before + 1


def test_rows_are_wall_clock_quarter_hours_on_a_daylight_saving_day(clinic, location, front_desk):
    # Sunday 1 November 2026: New York falls back at 02:00; 09:00-17:00 is still
    # eight hours, 32 rows, and a visit at 10:00 local sits on the 10:00 row.
    therapist = staff_therapist(clinic, location, "Sunny")
    weekday_hours(therapist, location, weekdays=(6,))
    service = short_service(clinic, [therapist])
    with time_machine.travel(ny(2026, 10, 30, 9), tick=False):
        book(
            client=new_client(clinic),
            service=service,
            therapist=therapist,
            location=location,
            at=ny(2026, 11, 1, 10),
            by=front_desk,
        )
        html = (
            signed_in(front_desk)
            .get(f"/work/day/?location={location.pk}&date=2026-11-01")
            .content.decode()
        )
    assert html.count("<tr class=") == 32
    assert "10:00\u201310:30" in html
    row = html[html.index(">10:00<") : html.index("</tr>", html.index(">10:00<"))]
    assert 'rowspan="2"' in row
