"""Every read of clinical data by staff leaves an audit event.

The list of what to read is not written by hand: it is every GET the API
serves (the same enumeration the OpenAPI schema is built from) and every page
of the URL configuration, each of which must be either in ``CLINICAL`` (and
then every member of staff who may read it leaves a read event doing so) or
in ``NOT_CLINICAL`` with the reason. A new endpoint or page is in neither
until someone decides, so one that shows clinical data cannot forget to
audit unnoticed. (The admin's pages are audited and tested with the admin.)

A client reading their own record is not a disclosure and is not audited, as
for intake forms; the runs here are the demo clinic's staff on its data.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client as BrowserClient
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import EndpointEnumerator
from rest_framework.test import APIClient

from clinic.core.models import AuditEvent, User
from homework.models import HomeworkPlan
from intake.models import Submission
from intake.services import upload_document
from notes.models import SessionNote
from scheduling.models import Appointment

NOW = datetime(2026, 6, 3, 15, 0, tzinfo=UTC)
STAFF = ["owner", "therapist", "frontdesk"]

# What each template's parameter names, in the demo clinic: the client with the
# signed note, that note, its homework plan and the client's first intake form.
CLINICAL = {
    "/api/v1/clients/{pk}/": "the client's record (birth date, contacts)",
    "/api/v1/intake-submissions/": "intake answers, red flags",
    "/api/v1/intake-submissions/{pk}/": "intake answers, red flags",
    "/api/v1/clients/{client_id}/outcomes/": "pain ratings and Oswestry scores",
    "/api/v1/notes/": "session notes",
    "/api/v1/notes/{pk}/": "a session note",
    "/api/v1/notes/{pk}/verify/": "a note's integrity (its content's hash)",
    "/api/v1/notes/{pk}/body-chart/": "a note's findings drawn",
    "/api/v1/clients/{client_id}/body-chart/": "findings of recent visits drawn",
    "/api/v1/clients/{client_id}/pain-trend/": "pain over time",
    "/api/v1/clients/{client_id}/culprits/": "culprit muscles over visits",
    "/api/v1/clients/{client_id}/problems/": "culprit and victim muscles still open",
    "/api/v1/clients/{client_id}/timeline/": "the whole clinical story",
    "/api/v1/clients/{client_id}/clearance/": "red-flag clearance (the doctor, notes: clinicians)",
    "/api/v1/clients/{client_id}/documents/": "titles of letters and reports on the record",
    "/api/v1/documents/{pk}/": "a letter's or report's details",
    "/api/v1/documents/{pk}/download/": "a letter's or report's content",
    "/api/v1/homework-plans/": "homework plans built from findings",
    "/api/v1/homework-plans/{pk}/": "a homework plan",
    "/api/v1/homework-plans/{pk}/adherence/": "homework done and pain replies",
    "clients/<int:client_id>/timeline/": "the timeline page with its charts",
    "work/plans/<int:plan_id>/": "the plan builder: a plan's exercises, doses and warnings",
    "work/my-day/": "the therapist's day: last culprits and victims, problem list, homework",
    "work/notes/<int:note_id>/": "the session note page: SOAP, findings, intake suggestions",
}
NOT_CLINICAL = {
    "/api/docs/": "the API's documentation",
    "/api/schema/": "the API's schema",
    "/api/v1/appointments/": "bookings: times, services, names",
    "/api/v1/appointments/{pk}/": "a booking",
    "/api/v1/audit-events/": "the trail itself (who read what), for the owner",
    "/api/v1/audit-events/{pk}/": "one event of the trail",
    "/api/v1/auth/tokens/": "the caller's own signed-in devices",
    "/api/v1/availability-overrides/": "therapists' time off",
    "/api/v1/availability-overrides/{pk}/": "therapists' time off",
    "/api/v1/calendar-feed/": "the address of a therapist's calendar",
    "/api/v1/clients/": "names and contacts to find a client; opening one is audited",
    "/api/v1/clinic/": "the clinic's settings",
    "/api/v1/day/": "the day's bookings, with intake done and red flag as yes/no only",
    "/api/v1/dosing-profiles/": "the clinic's default doses",
    "/api/v1/dosing-profiles/{pk}/": "the clinic's default doses",
    "/api/v1/exercises/": "the exercise library",
    "/api/v1/exercises/{pk}/": "the exercise library",
    "/api/v1/locations/": "the clinic's addresses",
    "/api/v1/locations/{pk}/": "the clinic's addresses",
    "/api/v1/me/": "the caller's own sign-in",
    "/api/v1/muscles/": "the muscle atlas",
    "/api/v1/muscles/{pk}/": "the muscle atlas",
    "/api/v1/note-templates/": "the clinic's quick phrases",
    "/api/v1/note-templates/{pk}/": "the clinic's quick phrases",
    "/api/v1/rooms/": "rooms",
    "/api/v1/rooms/{pk}/": "rooms",
    "/api/v1/services/": "the services offered",
    "/api/v1/services/{pk}/": "the services offered",
    "/api/v1/slots/": "free times",
    "/api/v1/therapists/": "the therapists",
    "/api/v1/therapists/{pk}/": "the therapists",
    "/api/v1/waitlist/": "who waits for an earlier slot",
    "/api/v1/waitlist/{pk}/": "who waits for an earlier slot",
    "": "the home page",
    "healthz": "the health check",
    "work/": "the workspace's door: a redirect to the role's page",
    "work/day/": "the desk's day: bookings, with intake done and red flag as badges only",
    "work/day/week/": "a therapist's week of bookings, badges only",
    "work/waitlist/": "who waits for which service, and the times offered",
    "work/waitlist/<int:pk>/leave/": "takes someone off the waitlist: POST only",
    "work/reports/": "counts of bookings, no-shows, hours and intake completion",
    "work/book/": "the booking form: clients, services, free times",
    "work/book/slots/": "free times from the slot search",
    "work/book/clients/": "names and contacts to find a client",
    "work/appointments/<int:pk>/": "a booking, the client's contacts and visit dates (audited)",
    "work/appointments/<int:pk>/slots/": "free times to move a booking to",
    "work/appointments/<int:pk>/<slug:action>/": "the desk's actions on a booking: POST only",
    "work/notes/<int:note_id>/plan/": "asks to build a plan from a note: names the client only",
    "work/plans/<int:plan_id>/items/": "the plan builder's form: POST only",
    "work/plans/<int:plan_id>/items/<int:item_id>/": "the plan builder's form: POST only",
    "work/plans/<int:plan_id>/items/<int:item_id>/move/": "the plan builder's form: POST only",
    "work/plans/<int:plan_id>/items/<int:item_id>/remove/": "the plan builder's form: POST only",
    "work/plans/<int:plan_id>/schedule/": "the plan builder's form: POST only",
    "work/plans/<int:plan_id>/publish/": "the plan builder's form: POST only",
    "work/plans/<int:plan_id>/<slug:step>/": "the plan builder's pause/resume/stop: POST only",
    "work/my-day/<int:appointment_id>/note/": "starts or opens a visit's note: POST only",
    "work/notes/<int:note_id>/muscles/": "the atlas muscles of a body region",
    "work/notes/<int:note_id>/autosave/": "the note page's forms: POST only",
    "work/notes/<int:note_id>/phrase/": "the note page's forms: POST only",
    "work/notes/<int:note_id>/suggestions/": "the note page's forms: POST only",
    "work/notes/<int:note_id>/findings/": "the note page's forms: POST only",
    "work/notes/<int:note_id>/findings/remove/": "the note page's forms: POST only",
    "work/notes/<int:note_id>/links/": "the note page's forms: POST only",
    "work/notes/<int:note_id>/links/remove/": "the note page's forms: POST only",
    "work/notes/<int:note_id>/problems/<int:problem_id>/<slug:step>/": "problem list: POST only",
    "work/notes/<int:note_id>/tests/": "the note page's forms: POST only",
    "work/notes/<int:note_id>/tests/remove/": "the note page's forms: POST only",
    "work/notes/<int:note_id>/sign/": "the note page's forms: POST only",
    "work/notes/<int:note_id>/addenda/": "the note page's forms: POST only",
    "accounts/login/": "signing in",
    "accounts/logout/": "signing out",
    "accounts/two-factor/": "the second step of signing in",
    "accounts/two-factor/setup/": "setting up a second factor",
    "accounts/two-factor/settings/": "one's own second factor",
    "messages/unsubscribe/<str:token>/": "a client's own message settings, by signed link",
    "intake/<str:token>/": "a client's own form, by signed link (no staff reader)",
    "homework/plan/<str:token>/": "a client's own plan page, by signed link (no staff reader)",
    "homework/reply/<str:token>/": "a client's own reply page, by signed link",
    "calendars/<str:token>.ics": "a therapist's own bookings, by secret address",
    "book/offer/<str:token>/": "a waitlist offer to a client, by signed link",
}


def _pages(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _pages(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def api_reads() -> set[str]:
    """Every GET of the API, as the schema generator enumerates them."""
    return {
        path for path, _, method, _ in EndpointEnumerator().get_api_endpoints() if method == "GET"
    }


def pages() -> set[str]:
    """Every page outside the API and the admin."""
    return {
        route
        for route in _pages(get_resolver().url_patterns)
        if not route.startswith(("api/", "admin/"))
    }


def test_every_endpoint_and_page_is_classified():
    everything = api_reads() | pages()
    unclassified = everything - set(CLINICAL) - set(NOT_CLINICAL)
    assert not unclassified, "clinical (and audited) or not? add each to CLINICAL or NOT_CLINICAL"
    stale = (set(CLINICAL) | set(NOT_CLINICAL)) - everything
    assert not stale, "these are gone: take them out of the lists"
    assert not set(CLINICAL) & set(NOT_CLINICAL)


@pytest.fixture
def demo(db) -> Iterator[dict[str, Any]]:
    with time_machine.travel(NOW, tick=True):
        call_command("seed_demo", stdout=StringIO())
        note = SessionNote.objects.get()
        document = upload_document(  # under this test's MEDIA_ROOT (tests/conftest.py)
            client=note.client,
            uploaded_by=note.therapist.user,
            kind="imaging_report",
            title="MRI report",
            upload=SimpleUploadedFile("mri.pdf", b"%PDF-1.4\n%%EOF\n"),
        )
        plan = HomeworkPlan.objects.get(source_note=note)
        submission = Submission.objects.filter(client=note.client).order_by("pk").first()
        assert submission is not None
        visit = Appointment.objects.filter(client=note.client).order_by("starts_at").first()
        assert visit is not None
        yield {
            "client": note.client_id,
            "note": note.pk,
            "plan": plan.pk,
            "submission": submission.pk,
            "document": document.pk,
            "visit_day": visit.starts_at.date().isoformat(),
            "visit_therapist": visit.therapist_id,
        }


def _url(template: str, ids: dict[str, Any]) -> str:
    if not template.startswith("/"):  # a page's route
        route = "/" + template.replace("<int:client_id>", str(ids["client"])).replace(
            "<int:plan_id>", str(ids["plan"])
        ).replace("<int:note_id>", str(ids["note"]))
        if template == "work/my-day/":  # the day of the client's next visit, its therapist's
            route += f"?date={ids['visit_day']}&therapist={ids['visit_therapist']}"
        return route
    owner_of_pk = {
        "clients": "client",
        "notes": "note",
        "homework-plans": "plan",
        "intake-submissions": "submission",
        "documents": "document",
    }[template.removeprefix("/api/v1/").split("/")[0]]
    return template.replace("{pk}", str(ids[owner_of_pk])).replace(
        "{client_id}", str(ids["client"])
    )


def _get(template: str, url: str, user: User) -> int:
    if template.startswith("/"):
        api = APIClient()
        api.force_authenticate(user)
        return api.get(url).status_code
    browser = BrowserClient()
    browser.force_login(user)
    return browser.get(url).status_code


def test_every_staff_read_of_clinical_data_is_audited(demo):
    """Each clinical endpoint and page, read by each member of staff: those who
    may read it (the treating therapist at least) leave a read event naming
    the client; the others are refused."""
    silent, unread = [], []
    for template in sorted(CLINICAL):
        url = _url(template, demo)
        readers = []
        for username in STAFF:
            user = User.objects.get(username=username)
            before = AuditEvent.objects.filter(actor=user, action="read").count()
            status = _get(template, url, user)
            if status != 200:
                assert status in (403, 404), (username, url, status)
                continue
            readers.append(username)
            events = AuditEvent.objects.filter(actor=user, action="read").order_by("-pk")
            if events.count() == before or events.first().client_id != demo["client"]:
                silent.append(f"{username} GET {url}")
        if "therapist" not in readers:
            unread.append(url)
    assert not silent, "read clinical data and left no audit event naming the client"
    assert not unread, "the treating therapist cannot read these: nothing was tested"


def test_a_client_reading_their_own_outcomes_and_plan_is_not_a_disclosure(demo):
    client_user = User.objects.get(username="client")
    api = APIClient()
    api.force_authenticate(client_user)
    for url in (
        f"/api/v1/clients/{demo['client']}/outcomes/",
        f"/api/v1/homework-plans/{demo['plan']}/",
        f"/api/v1/homework-plans/{demo['plan']}/adherence/",
    ):
        assert api.get(url).status_code == 200, url
    assert not AuditEvent.objects.filter(actor=client_user, action="read").exists()
