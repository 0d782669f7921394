"""Homework for a client referred to a doctor and not yet cleared: refused
without a reason (409 clearance_required naming clearance_override_reason),
allowed with one, which is kept on the plan and audited; a recorded
clearance lifts the gate, a new red-flagged intake closes it again. A note
may still be written and signed (assessment, referral)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.test import Client as BrowserClient

from clinic.core.models import AuditEvent
from clinic.notifications.models import Notification
from homework import services
from homework.models import Exercise, HomeworkPlan, PlanStatus
from intake import services as intake_services
from intake.errors import ClearanceRequired
from intake.models import CulpritSuggestion
from notes import services as notes
from tests.intake.helpers import submit_intake
from tests.notes.conftest import muscle

pytestmark = pytest.mark.clock  # plans start tomorrow, in the client's zone

FIELD = "clearance_override_reason"


def _refer(client_record) -> None:
    submit_intake(client_record, red_flags=["saddle_numbness", "bladder_bowel"])


def _clear(client_record, therapist) -> None:
    intake_services.record_clearance(
        client=client_record,
        recorded_by=therapist,
        status="cleared",
        clinician_name="Dr Ana Ruiz",
        cleared_on=date(2026, 6, 1),
    )


def test_a_note_may_still_be_written_and_signed_while_the_client_is_referred(
    note, therapist, client_record
):
    _refer(client_record)
    notes.update_note(
        note=note,
        changed_by=therapist,
        assessment="Saddle numbness reported: referred to A&E today.",
    )
    notes.add_finding(
        note=note, added_by=therapist, muscle=muscle("psoas-major"), side="both", role="culprit"
    )
    signed = notes.sign_note(note=note, signed_by=therapist)
    assert signed.is_signed


def test_proposing_homework_for_a_referred_client_is_refused_without_a_reason(
    signed_note, therapist, client_record, api_as
):
    _refer(client_record)
    with pytest.raises(ClearanceRequired) as refused:
        services.propose_plan(note=signed_note, proposed_by=therapist)
    assert FIELD in refused.value.fields
    response = api_as("therapist").post(
        "/api/v1/homework-plans/propose/", {"note": signed_note.pk}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "clearance_required" and FIELD in body["fields"]
    assert not HomeworkPlan.objects.exists()


def test_a_reason_lets_the_proposal_through_and_is_kept_on_the_plan_and_audited(
    signed_note, therapist, client_record, api_as
):
    _refer(client_record)
    response = api_as("therapist").post(
        "/api/v1/homework-plans/propose/",
        {"note": signed_note.pk, FIELD: "GP saw her this morning; letter to follow."},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()[FIELD] == "GP saw her this morning; letter to follow."
    plan = HomeworkPlan.objects.get()
    assert plan.clearance_override_by == therapist and plan.clearance_override_at is not None
    event = AuditEvent.objects.get(
        actor=therapist, action="create", object_type="homework.homeworkplan"
    )
    assert event.detail["clearance_override"] == "proposed"
    assert event.detail["reason"].startswith("GP saw her")


def test_publishing_and_adding_items_are_refused_without_a_reason_then_allowed_with_one(
    plan, therapist, client_record, api_as
):
    _refer(client_record)  # red flags arrive after the draft was proposed
    api = api_as("therapist")
    refused = api.post(f"/api/v1/homework-plans/{plan.pk}/publish/", {}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "clearance_required"
    added = api.post(
        f"/api/v1/homework-plans/{plan.pk}/items/", {"exercise": "figure-four"}, format="json"
    )
    assert added.status_code == 409 and FIELD in added.json()["fields"]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT and plan.clearance_override_reason == ""
    services.add_item(
        plan=plan,
        added_by=therapist,
        exercise=Exercise.objects.get(slug="figure-four"),
        clearance_override_reason="Cleared by phone by her GP; letter requested.",
    )
    plan.refresh_from_db()
    assert plan.clearance_override_reason.startswith("Cleared by phone")
    assert AuditEvent.objects.filter(
        actor=therapist, detail__clearance_override="item_added"
    ).exists()
    # The reason answers for this plan until a new referral: publishing goes ahead.
    published = api.post(f"/api/v1/homework-plans/{plan.pk}/publish/", {}, format="json")
    assert published.status_code == 200, published.content
    assert published.json()["status"] == "active"


def test_publishing_with_a_reason_stores_it_and_audits_it(plan, therapist, client_record):
    _refer(client_record)
    services.publish_plan(
        plan=plan, published_by=therapist, clearance_override_reason="Doctor cleared verbally."
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    assert plan.clearance_override_reason == "Doctor cleared verbally."
    assert AuditEvent.objects.filter(
        actor=therapist, detail__clearance_override="published"
    ).exists()


def test_a_reason_longer_than_300_characters_is_refused_naming_the_field(
    plan, client_record, api_as
):
    _refer(client_record)
    response = api_as("therapist").post(
        f"/api/v1/homework-plans/{plan.pk}/publish/", {FIELD: "x" * 301}, format="json"
    )
    assert response.status_code == 400 and FIELD in response.json()["fields"]


def test_recording_the_clearance_lifts_the_gate(signed_note, therapist, client_record):
    _refer(client_record)
    with pytest.raises(ClearanceRequired):
        services.propose_plan(note=signed_note, proposed_by=therapist)
    _clear(client_record, therapist)
    plan = services.propose_plan(note=signed_note, proposed_by=therapist)
    services.publish_plan(plan=plan, published_by=therapist)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE and plan.clearance_override_reason == ""


def test_a_new_red_flag_intake_after_an_override_needs_a_new_reason(
    signed_note, therapist, client_record
):
    _refer(client_record)
    plan = services.propose_plan(
        note=signed_note, proposed_by=therapist, clearance_override_reason="GP phoned: go ahead."
    )
    with time_machine.travel(timedelta(days=1)):
        submit_intake(client_record, red_flags=["fever"])  # a new referral
        with pytest.raises(ClearanceRequired):
            services.publish_plan(plan=plan, published_by=therapist)


def test_a_client_cleared_and_then_red_flagged_again_is_gated_again(
    signed_note, therapist, client_record
):
    _refer(client_record)
    _clear(client_record, therapist)
    plan = services.propose_plan(note=signed_note, proposed_by=therapist)
    with time_machine.travel(timedelta(days=1)):
        submit_intake(client_record, red_flags=["night_pain"])
        with pytest.raises(ClearanceRequired):
            services.publish_plan(plan=plan, published_by=therapist)


def test_the_note_api_and_the_timeline_show_the_clearance_state(
    note, therapist, client_record, api_as
):
    api = api_as("therapist")
    assert api.get(f"/api/v1/notes/{note.pk}/").json()["clearance"] == {
        "state": "none",
        "since": None,
    }
    _refer(client_record)
    shown = api.get(f"/api/v1/notes/{note.pk}/").json()["clearance"]
    assert shown["state"] == "referred" and shown["since"]
    listed = api.get("/api/v1/notes/").json()["results"]
    assert {row["clearance"]["state"] for row in listed} == {"referred"}
    timeline = api.get(f"/api/v1/clients/{client_record.pk}/timeline/").json()["clearance"]
    assert timeline["state"] == "referred"
    assert [r["automatic"] for r in timeline["history"]] == [True]
    browser = BrowserClient()
    browser.force_login(therapist)
    page = browser.get(f"/clients/{client_record.pk}/timeline/").content.decode()
    assert "Referred to a doctor for red flags, not yet cleared" in page
    _clear(client_record, therapist)
    assert api.get(f"/api/v1/notes/{note.pk}/").json()["clearance"]["state"] == "cleared"
    page = browser.get(f"/clients/{client_record.pk}/timeline/").content.decode()
    assert "Seen by a doctor and cleared by Dr Ana Ruiz" in page


def test_scenario_a_red_flag_client_is_assessed_and_referred_and_gets_homework_only_once_cleared(
    note, therapist, client_record
):
    """Intake with saddle numbness and new bladder trouble -> suggestions still
    shown for assessment -> a signed note that refers -> no plan, no reminders
    until a doctor clears the client -> then the plan and its reminders."""
    intake_services.ensure_default_rules(client_record.clinic)
    submission = submit_intake(
        client_record,
        pain_map=["lower_back_left"],
        triggers=["standing_up_after_sitting"],
        red_flags=["saddle_numbness", "bladder_bowel"],
    )
    assert CulpritSuggestion.objects.filter(submission=submission).exists()
    assert Notification.objects.filter(template_key="red_flag_alert", user=therapist).count() == 1
    notes.update_note(
        note=note, changed_by=therapist, plan="Referred to A&E today; no treatment given."
    )
    notes.add_finding(
        note=note, added_by=therapist, muscle=muscle("rectus-femoris"), side="left", role="culprit"
    )
    services.ensure_homework_setup(client_record.clinic)
    signed = notes.sign_note(note=note, signed_by=therapist)
    with pytest.raises(ClearanceRequired):
        services.propose_plan(note=signed, proposed_by=therapist)
    assert not Notification.objects.filter(template_key="homework_reminder").exists()
    _clear(client_record, therapist)
    plan = services.propose_plan(note=signed, proposed_by=therapist)
    services.publish_plan(plan=plan, published_by=therapist)
    assert Notification.objects.filter(template_key="homework_reminder").exists()
