from __future__ import annotations

import pytest
from django.test import Client as BrowserClient

from clinic.core.models import Client


@pytest.fixture
def desk_browser(front_desk) -> BrowserClient:
    browser = BrowserClient()
    browser.force_login(front_desk)
    return browser


def test_front_desk_searches_and_filters_clients_in_the_admin(desk_browser, client_record):
    page = desk_browser.get("/admin/clinic/client/?q=brooks&status=active")
    assert page.status_code == 200
    assert b"Brooks" in page.content


def test_front_desk_archives_from_the_admin_and_cannot_delete(desk_browser, client_record):
    response = desk_browser.post(
        "/admin/clinic/client/",
        {"action": "archive_clients", "_selected_action": [client_record.pk]},
    )
    assert response.status_code == 302
    client_record.refresh_from_db()
    assert client_record.archived_at is not None
    assert desk_browser.get(f"/admin/clinic/client/{client_record.pk}/delete/").status_code == 403
    assert Client.objects.filter(pk=client_record.pk).exists()


def test_front_desk_cannot_change_the_clinic_or_the_atlas(desk_browser, clinic):
    assert desk_browser.get(f"/admin/clinic/clinic/{clinic.pk}/change/").status_code == 200
    response = desk_browser.post(f"/admin/clinic/clinic/{clinic.pk}/change/", {"name": "Hacked"})
    assert response.status_code == 403
    assert desk_browser.get("/admin/clinic/muscle/add/").status_code == 403


def test_therapists_and_clients_have_no_admin(therapist, client):
    for user in (therapist, client):
        browser = BrowserClient()
        browser.force_login(user)
        assert browser.get("/admin/clinic/client/").status_code == 302  # to the login page


def test_owner_edits_the_atlas_in_the_admin(owner):
    browser = BrowserClient()
    browser.force_login(owner)
    assert browser.get("/admin/clinic/muscle/add/").status_code == 200
