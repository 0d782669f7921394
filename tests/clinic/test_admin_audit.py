"""Every admin page that shows clinical data records a READ in the audit trail:
a client's record, a message (its body), an intake submission, a pain rating,
a session note, a homework plan and its alerts; list pages of clinical records
record one READ per row shown, as the API does. A page not shown (another
clinic's row, a page the role may not open) records nothing."""

from __future__ import annotations

import pytest

from clinic.core.models import AuditEvent, Client
from clinic.notifications.models import Notification
from homework.models import HomeworkAlert, HomeworkPlan
from intake.models import PainRating, Submission
from notes.models import SessionNote
from tests.clinic.admin_world import (
    admin_url,
    signed_in,
)


def _new_reads(since: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="read", id__gt=since).order_by("id"))


def _last_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


# Each admin page with clinical data: the row of clinic A it opens, and the
# client it is about. Written out here, not read from the admin classes, so an
# admin that forgets to audit fails.
CLINICAL_PAGES = [
    ("client", Client, lambda a: a.client, lambda a: a.client),
    ("message", Notification, lambda a: a.message_to_client, lambda a: a.client),
    ("submission", Submission, lambda a: a.submission, lambda a: a.client),
    ("pain rating", PainRating, lambda a: a.pain, lambda a: a.client),
    ("signed note", SessionNote, lambda a: a.signed_note, lambda a: a.client),
    ("draft note", SessionNote, lambda a: a.draft_note, lambda a: a.client),
    ("homework plan", HomeworkPlan, lambda a: a.plan, lambda a: a.client),
    ("homework alert", HomeworkAlert, lambda a: a.alert, lambda a: a.client),
]


@pytest.mark.parametrize(
    ("model", "row_of", "client_of"),
    [page[1:] for page in CLINICAL_PAGES],
    ids=[page[0] for page in CLINICAL_PAGES],
)
def test_opening_a_clinical_page_in_the_admin_is_audited(worlds, model, row_of, client_of):
    row, owner = row_of(worlds.a), worlds.a.owner
    since = _last_id()
    page = signed_in(owner).get(admin_url(model, "change", row.pk))
    assert page.status_code == 200
    [event] = _new_reads(since)
    assert (event.actor, event.actor_role, event.client) == (owner, "owner", client_of(worlds.a))
    assert (event.object_type, event.object_id) == (model._meta.label_lower, str(row.pk))
    assert event.detail["via"] == "admin"


def test_the_front_desk_opening_a_client_and_a_message_is_audited(worlds):
    desk, since = worlds.a.front_desk, _last_id()
    browser = signed_in(desk)
    assert browser.get(admin_url(Client, "change", worlds.a.client.pk)).status_code == 200
    message = worlds.a.message_to_client
    page = browser.get(admin_url(Notification, "change", message.pk))
    assert page.status_code == 200 and b"A private body" in page.content
    events = _new_reads(since)
    assert [(e.actor, e.object_type, e.client) for e in events] == [
        (desk, "clinic.client", worlds.a.client),
        (desk, "notifications.notification", worlds.a.client),
    ]


def test_opening_a_message_to_a_member_of_staff_names_them(worlds):
    message, since = worlds.a.message_to_staff, _last_id()
    signed_in(worlds.a.front_desk).get(admin_url(Notification, "change", message.pk))
    [event] = _new_reads(since)
    assert event.client is None
    assert event.detail == {"via": "admin", "user": worlds.a.owner.pk}


def test_pages_not_shown_record_no_read(worlds):
    browser = signed_in(worlds.a.front_desk)
    since = _last_id()
    # Another clinic's client: not found. A submission: not the front desk's page.
    browser.get(admin_url(Client, "change", worlds.b.client.pk))
    assert browser.get(admin_url(Submission, "change", worlds.a.submission.pk)).status_code == 403
    assert _new_reads(since) == []


CLINICAL_LISTS = [
    ("submissions", Submission, lambda w: {w.submission.pk}),
    (
        "pain ratings",
        PainRating,
        lambda w: set(PainRating.objects.filter(client=w.client).values_list("pk", flat=True)),
    ),
    ("session notes", SessionNote, lambda w: {w.signed_note.pk, w.draft_note.pk}),
    ("homework plans", HomeworkPlan, lambda w: {w.plan.pk}),
    ("homework alerts", HomeworkAlert, lambda w: {w.alert.pk}),
]


@pytest.mark.parametrize(
    ("model", "rows_of"),
    [entry[1:] for entry in CLINICAL_LISTS],
    ids=[entry[0] for entry in CLINICAL_LISTS],
)
def test_a_list_of_clinical_records_audits_each_row_shown(worlds, model, rows_of):
    since = _last_id()
    page = signed_in(worlds.a.owner).get(admin_url(model, "changelist"))
    assert page.status_code == 200
    events = _new_reads(since)
    assert {int(e.object_id) for e in events} == rows_of(worlds.a)
    assert {e.client for e in events} == {worlds.a.client}
    assert {e.object_type for e in events} == {model._meta.label_lower}
    assert all(e.detail == {"via": "admin list"} for e in events)


def test_an_empty_search_audits_nothing(worlds):
    since = _last_id()
    page = signed_in(worlds.a.owner).get(admin_url(SessionNote, "changelist"), {"q": "nobody"})
    assert page.status_code == 200
    assert _new_reads(since) == []
