from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client as BrowserClient

from clinic.core.audit import record_audit
from clinic.core.models import AuditEvent, AuditTrailIsAppendOnly


@pytest.fixture
def event(owner, client_record) -> AuditEvent:
    return record_audit(actor=owner, action="read", obj=client_record, client=client_record)


def test_an_event_cannot_be_changed_through_the_model(event):
    event.action = "update"
    with pytest.raises(AuditTrailIsAppendOnly):
        event.save()


def test_an_event_cannot_be_deleted_through_the_model(event):
    with pytest.raises(AuditTrailIsAppendOnly):
        event.delete()


def test_events_cannot_be_updated_or_deleted_in_bulk(event):
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(action="update")
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.all().delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.bulk_update([event], ["action"])


def test_the_database_itself_refuses_changes_on_postgresql(event):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's; SQLite relies on the model guards")
    for sql in (
        "UPDATE clinic_auditevent SET action = 'update'",
        "DELETE FROM clinic_auditevent",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql)
    assert AuditEvent.objects.get(pk=event.pk).action == "read"


def test_the_admin_offers_no_way_to_change_or_delete_events(event, owner):
    owner.is_superuser = True  # even a superuser
    owner.save()
    browser = BrowserClient()
    browser.force_login(owner)
    assert browser.get("/admin/clinic/auditevent/").status_code == 200
    page = browser.get(f"/admin/clinic/auditevent/{event.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert browser.get(f"/admin/clinic/auditevent/{event.pk}/delete/").status_code == 403
    assert browser.post(
        "/admin/clinic/auditevent/", {"action": "delete_selected", "_selected_action": [event.pk]}
    ).status_code in (200, 302)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_owner_reads_the_trail_filtered_by_client(api_as, event, client_record):
    rows = api_as("owner").get(f"/api/v1/audit-events/?client={client_record.pk}").json()
    assert [r["id"] for r in rows["results"]] == [event.pk]
    assert rows["results"][0]["actor"]["username"] == "owner"
