"""The desk's and owner's reports, on the page and as CSV (workspace/desk_reports.py)."""

from __future__ import annotations

import csv
import io

import pytest
import time_machine
from django.db import connection
from django.test import Client as BrowserClient
from django.test.utils import CaptureQueriesContext

from clinic.core.models import Role
from scheduling import services
from tests.clinic.factories import ClinicFactory, LocationFactory, UserFactory
from tests.conftest import PERSONAS
from tests.intake.helpers import submit_intake
from tests.workspace.desk_helpers import (
    NOW,
    book,
    new_client,
    ny,
    short_service,
    signed_in,
    staff_therapist,
)

EXPECTED = {
    "anonymous": 302,
    "client": 403,
    "other_client": 403,
    "therapist": 403,
    "other_therapist": 403,
    "front_desk": 200,
    "owner": 200,
}
RANGE = "from=2026-06-01&to=2026-06-07"


@pytest.fixture(autouse=True)
def _monday_morning():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def week(clinic, location, front_desk):
    """Maya: three visits on Wednesday (one a no-show, one cancelled late); Leo: none."""
    maya = staff_therapist(clinic, location, "Maya")
    leo = staff_therapist(clinic, location, "Leo")
    service = short_service(clinic, [maya, leo])
    ada, ben = new_client(clinic, "Ada", "Quinn"), new_client(clinic, "Ben", "Stone")
    submit_intake(ada)
    kept = book(
        client=ada,
        service=service,
        therapist=maya,
        location=location,
        at=ny(2026, 6, 3, 9),
        by=front_desk,
    )
    missed = book(
        client=ben,
        service=service,
        therapist=maya,
        location=location,
        at=ny(2026, 6, 3, 10),
        by=front_desk,
    )
    late = book(
        client=ben,
        service=service,
        therapist=maya,
        location=location,
        at=ny(2026, 6, 3, 11),
        by=front_desk,
    )
    with time_machine.travel(ny(2026, 6, 3, 10, 30), tick=False):
        services.mark_no_show(appointment=missed, marked_by=front_desk)
        services.cancel_appointment(appointment=late, cancelled_by=front_desk, reason="Sick")
    return {"maya": maya, "leo": leo, "kept": kept}


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_desk_and_the_owner_read_the_reports(request, persona, location):
    browser = BrowserClient()
    if persona != "anonymous":
        browser.force_login(request.getfixturevalue(persona))
    assert browser.get(f"/work/reports/?{RANGE}").status_code == EXPECTED[persona]
    csv_download = browser.get(f"/work/reports/?{RANGE}&csv=clients")
    assert csv_download.status_code == EXPECTED[persona]


def test_the_reports_count_statuses_utilisation_no_shows_and_intake(week, front_desk, location):
    html = signed_in(front_desk).get(f"/work/reports/?location={location.pk}&{RANGE}")
    page = html.content.decode()
    assert html.status_code == 200
    # Maya works 7 h a weekday (09:00-12:30, 13:30-17:00), 35 h in the week;
    # the kept visit and the no-show held 1 h; the cancelled one did not.
    maya_row = page[page.index('<th scope="row">Maya Hale</th>') :]
    assert (
        '<td class="num">1.0</td><td class="num">35.0</td><td class="num">3 %</td>'
        in (maya_row[: maya_row.index("</tr>")])
    )
    assert (
        "Ben Stone" in page
        and "Ada Quinn"
        not in page.split("No-shows and late")[1].split("Visits by status per day")[0]
    )
    assert "1 of 2 clients with visits in this period have done the intake form" in page


def test_each_table_downloads_as_csv(week, owner, location):
    browser = signed_in(owner)
    response = browser.get(f"/work/reports/?location={location.pk}&{RANGE}&csv=clients")
    assert response["Content-Type"].startswith("text/csv")
    assert "clients-20260601-20260607.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["Client", "Visits", "No-shows", "Late cancellations"],
        ["Ben Stone", "2", "1", "1"],
    ]
    by_therapist = list(
        csv.reader(
            io.StringIO(
                browser.get(f"/work/reports/?{RANGE}&csv=status-by-therapist").content.decode()
            )
        )
    )
    assert by_therapist[0] == [
        "Therapist",
        "Booked",
        "Confirmed",
        "Checked in",
        "Completed",
        "Cancelled",
        "No-show",
        "Total",
    ]
    assert by_therapist[1] == ["Maya Hale", "1", "0", "0", "0", "1", "1", "3"]
    for table in ("status-by-day", "utilisation", "intake"):
        assert browser.get(f"/work/reports/?{RANGE}&csv={table}").status_code == 200


def test_a_reversed_range_is_shown_next_to_the_field(front_desk, location):
    response = signed_in(front_desk).get("/work/reports/?from=2026-06-09&to=2026-06-01")
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="rep-from-error"' in page and 'value="2026-06-09"' in page


def test_another_clinic_sees_none_of_ours(week, location):
    elsewhere = ClinicFactory()
    LocationFactory(clinic=elsewhere, name="Far away")
    theirs = signed_in(UserFactory(clinic=elsewhere, role=Role.FRONT_DESK))
    assert theirs.get(f"/work/reports/?location={location.pk}&{RANGE}").status_code == 404
    page = theirs.get(f"/work/reports/?{RANGE}").content.decode()
    assert "Maya Hale" not in page and "Ben Stone" not in page


def test_the_reports_cost_the_same_queries_for_more_visits(week, clinic, location, front_desk):
    browser = signed_in(front_desk)
    url = f"/work/reports/?location={location.pk}&{RANGE}"
    browser.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert browser.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    service = week["kept"].service
    for n, hour in enumerate((9, 10, 11, 14)):
        for therapist in (week["maya"], week["leo"]):
            book(
                client=new_client(clinic, f"More{n}"),
                service=service,
                therapist=therapist,
                location=location,
                at=ny(2026, 6, 4, hour),
                by=front_desk,
            )
    assert count() == few
