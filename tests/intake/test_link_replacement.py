"""Only the newest link to a form works: sending the intake form (or the
Oswestry questionnaire) again revokes the client's unused older links of that
kind, in the same transaction; an older link then says kindly that it was
replaced, and records nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client as BrowserClient
from django.utils import timezone

from clinic.core.errors import Conflict
from clinic.core.models import AuditEvent
from intake import services
from intake.models import IntakeInvitation, QuestionnaireKind, Submission
from tests.intake.helpers import link_path, valid_answers

pytestmark = pytest.mark.clock


@pytest.fixture(autouse=True)
def _rules(clinic):
    services.ensure_default_rules(clinic)


def test_sending_the_form_again_replaces_the_older_link(client_record, front_desk, clinic):
    older = services.send_intake_link(client=client_record, sent_by=front_desk)
    newer = services.send_intake_link(client=client_record, sent_by=front_desk)
    older.refresh_from_db()
    assert older.revoked_at == newer.created_at and newer.revoked_at is None
    opened = BrowserClient().get(link_path(older))
    posted = BrowserClient().post(link_path(older), valid_answers())
    for response in (opened, posted):
        assert response.status_code == 410
        html = response.content.decode()
        assert "This link has been replaced" in html and clinic.phone in html
        assert "most recent message" in html
    assert not Submission.objects.exists()
    assert BrowserClient().post(link_path(newer), valid_answers()).status_code == 200
    assert Submission.objects.get().invitation == newer


def test_every_older_unused_link_is_revoked_and_the_count_is_audited(
    client_record, front_desk, clinic
):
    # Two live links at once, as links sent before this rule may be.
    questionnaire = services.current_questionnaire(clinic, QuestionnaireKind.INTAKE)
    expires_at = timezone.now() + timedelta(days=30)
    legacy = [
        IntakeInvitation.objects.create(
            client=client_record, questionnaire=questionnaire, expires_at=expires_at
        )
        for _ in range(2)
    ]
    newest = services.send_intake_link(client=client_record, sent_by=front_desk)
    live = IntakeInvitation.objects.filter(client=client_record, revoked_at__isnull=True)
    assert list(live) == [newest]
    assert {i.pk for i in legacy} == set(
        IntakeInvitation.objects.filter(revoked_at__isnull=False).values_list("pk", flat=True)
    )
    audit = AuditEvent.objects.filter(
        object_type="intake.intakeinvitation", object_id=str(newest.pk)
    )
    assert audit.get().detail == {"kind": "intake", "revoked_older_links": 2}
    again = services.send_intake_link(client=client_record, sent_by=None)  # at booking
    newest.refresh_from_db()
    assert newest.revoked_at == again.created_at


def test_a_used_link_keeps_its_thank_you_page(client_record, front_desk):
    used = services.send_intake_link(client=client_record, sent_by=front_desk)
    assert BrowserClient().post(link_path(used), valid_answers()).status_code == 200
    services.send_intake_link(client=client_record, sent_by=front_desk)
    used.refresh_from_db()
    assert used.revoked_at is None
    again = BrowserClient().get(link_path(used))
    assert again.status_code == 200 and b"already have your answers" in again.content


def test_the_oswestry_link_and_the_intake_form_do_not_replace_each_other(
    client_record, front_desk, other_client_record
):
    intake = services.send_intake_link(client=client_record, sent_by=front_desk)
    odi = services.send_intake_link(
        client=client_record, sent_by=front_desk, kind=QuestionnaireKind.ODI
    )
    someone_else = services.send_intake_link(client=other_client_record, sent_by=front_desk)
    services.send_intake_link(client=client_record, sent_by=front_desk, kind=QuestionnaireKind.ODI)
    for invitation, revoked in ((intake, False), (odi, True), (someone_else, False)):
        invitation.refresh_from_db()
        assert (invitation.revoked_at is not None) == revoked
    assert BrowserClient().get(link_path(intake)).status_code == 200


def test_a_form_open_while_a_new_link_is_sent_is_refused_on_submit(client_record, front_desk):
    older = services.send_intake_link(client=client_record, sent_by=front_desk)
    page = BrowserClient().get(link_path(older))
    assert page.status_code == 200  # the client starts filling it in ...
    services.send_intake_link(client=client_record, sent_by=front_desk)  # ... the desk resends
    with pytest.raises(Conflict):
        services.submit_questionnaire(invitation=older, cleaned={})
    late = BrowserClient().post(link_path(older), valid_answers())
    assert late.status_code == 410 and b"This link has been replaced" in late.content
    assert not Submission.objects.exists()


@pytest.mark.parametrize("persona", ["front_desk", "therapist", "owner"])
def test_staff_resending_through_the_api_replaces_the_link(api_as, client_record, persona):
    url = f"/api/v1/clients/{client_record.pk}/intake-link/"
    first = api_as(persona).post(url, {"kind": "intake"}, format="json")
    second = api_as(persona).post(url, {"kind": "intake"}, format="json")
    assert first.status_code == second.status_code == 201
    older = IntakeInvitation.objects.get(pk=first.json()["id"])
    assert older.revoked_at is not None
    assert BrowserClient().get(link_path(older)).status_code == 410
    newer = IntakeInvitation.objects.get(pk=second.json()["id"])
    assert BrowserClient().get(link_path(newer)).status_code == 200


def test_a_replaced_link_that_has_also_expired_says_it_was_replaced(client_record, clinic):
    older = services.send_intake_link(client=client_record, sent_by=None)
    services.send_intake_link(client=client_record, sent_by=None)
    later = timezone.now() + timedelta(days=clinic.intake_link_valid_days + 1)
    with time_machine.travel(later, tick=False):
        response = BrowserClient().get(link_path(older))
    assert response.status_code == 410 and b"This link has been replaced" in response.content
