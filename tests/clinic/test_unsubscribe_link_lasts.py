"""Unsubscribe links never expire: a message read years later can still stop
the messages (unlike homework and intake links, which do expire)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client as BrowserClient

from clinic.notifications import rendering

pytestmark = pytest.mark.clock

SENT = datetime(2026, 6, 1, 12, tzinfo=UTC)
FIVE_YEARS_LATER = datetime(2031, 6, 2, 3, 30, tzinfo=UTC)


def test_an_unsubscribe_link_still_works_five_years_later(client_record):
    with time_machine.travel(SENT, tick=False):
        path = rendering.unsubscribe_path(rendering.unsubscribe_token(client=client_record))
    with time_machine.travel(FIVE_YEARS_LATER, tick=False):
        browser = BrowserClient()
        page = browser.get(path)
        assert page.status_code == 200 and b"Stop messages" in page.content
        assert browser.post(path).status_code == 200
    client_record.refresh_from_db()
    assert client_record.message_opt_in is False


def test_a_staff_members_unsubscribe_link_lasts_as_long(therapist):
    with time_machine.travel(SENT, tick=False):
        path = rendering.unsubscribe_path(rendering.unsubscribe_token(user=therapist))
    with time_machine.travel(FIVE_YEARS_LATER, tick=False):
        assert BrowserClient().get(path).status_code == 200
