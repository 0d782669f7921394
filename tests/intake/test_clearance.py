"""Red flags gate treatment: a red-flagged intake refers the client to a doctor
(and alerts their therapist once), a therapist or the owner records the
clearance, and the state shows in the badges, the day view, notes and the
timeline."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.test import Client as BrowserClient

from clinic.core.models import AuditEvent
from clinic.notifications import rendering
from clinic.notifications.models import Notification
from intake import selectors, services
from intake.models import Clearance, ClientDocument, QuestionnaireKind, Submission
from scheduling import services as scheduling
from scheduling.errors import BookingNeedsOverride
from tests.clinic.factories import ClientFactory, ClinicFactory, UserFactory
from tests.intake.helpers import link_path, submit_intake, valid_answers
from tests.scheduling.conftest import frozen_now, massage, ny, room  # noqa: F401 (fixtures)

pytestmark = pytest.mark.clock  # the date cleared is checked against the client's today

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _rules(clinic):
    services.ensure_default_rules(clinic)


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _state(client) -> str:
    return selectors.get_clearance_state(client).state


def _clear(api_client, client, **overrides):
    body = {
        "status": "cleared",
        "clinician_name": "Dr Ana Ruiz",
        "cleared_on": "2026-05-29",
        "note": "MRI clear; no cauda equina signs.",
        **overrides,
    }
    return api_client.post(f"/api/v1/clients/{client.pk}/clearance/", body, format="json")


def test_a_red_flag_intake_opens_referred_not_yet_cleared(now, client_record):
    assert _state(client_record) == "none"
    submission = submit_intake(client_record, red_flags=["saddle_numbness", "bladder_bowel"])
    referral = Clearance.objects.get(client=client_record)
    assert (referral.status, referral.submission, referral.recorded_by) == (
        "referred",
        submission,
        None,
    )
    assert _state(client_record) == "referred"
    badge = selectors.get_intake_badges([client_record.pk])[client_record.pk]
    assert badge["clearance"] == "referred" and badge["red_flag"] is True


def test_an_intake_without_red_flags_opens_nothing_and_alerts_nobody(now, client_record):
    submit_intake(client_record)
    assert not Clearance.objects.exists()
    assert not Notification.objects.filter(template_key="red_flag_alert").exists()
    assert selectors.get_intake_badges([client_record.pk])[client_record.pk]["clearance"] == "none"


def test_the_therapist_gets_exactly_one_outbox_alert_per_red_flag_submission(
    now, client_record, therapist
):
    invitation = services.send_intake_link(client=client_record, sent_by=None)
    answers = valid_answers(red_flags=["progressive_leg_weakness"])
    assert BrowserClient().post(link_path(invitation), answers).status_code == 200
    # The same form sent again (a double tap, a resubmission) alerts nobody again.
    BrowserClient().post(link_path(invitation), answers)
    alerts = Notification.objects.filter(template_key="red_flag_alert")
    assert alerts.count() == 1
    alert = alerts.get()
    assert alert.user == therapist and alert.client is None
    assert alert.context["client"] == client_record.full_name
    assert alert.context["timeline_url"].endswith(f"/clients/{client_record.pk}/timeline/")
    # A second red-flagged form is a new alert.
    now.shift(timedelta(days=3))
    submit_intake(client_record, red_flags=["fever"])
    assert alerts.count() == 2


def test_the_alert_goes_to_the_owners_when_nobody_treats_the_client_yet(now, clinic, owner):
    newcomer = ClientFactory(clinic=clinic)
    submit_intake(newcomer, red_flags=["weight_loss"])
    assert list(
        Notification.objects.filter(template_key="red_flag_alert").values_list("user", flat=True)
    ) == [owner.pk]


def test_the_alert_e_mail_renders_without_the_clinical_answers(now, client_record):
    submit_intake(client_record, red_flags=["saddle_numbness"])
    alert = Notification.objects.get(template_key="red_flag_alert")
    parts = rendering.render(
        template_key=alert.template_key,
        channel="email",
        context=alert.context,
        recipient_name="Jo",
        clinic=client_record.clinic,
        unsubscribe_url="https://example.com/u",
    )
    assert client_record.full_name in parts["subject.txt"]
    assert "referred, not yet cleared" in parts["email.txt"]
    assert "saddle" not in parts["email.txt"].lower()  # which flag: only on the timeline


def test_recording_a_clearance_clears_and_a_later_red_flag_intake_reopens_it(
    now, api_as, client_record, therapist
):
    submit_intake(client_record, red_flags=["night_pain"])
    now.shift(timedelta(days=5))
    response = _clear(api_as("therapist"), client_record)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "cleared"
    assert body["current"]["clinician_name"] == "Dr Ana Ruiz"
    assert body["current"]["recorded_by"] == therapist.pk
    assert [r["status"] for r in body["history"]] == ["cleared", "referred"]
    assert body["history"][1]["automatic"] is True
    assert _state(client_record) == "cleared"
    now.shift(timedelta(days=20))
    submit_intake(client_record, red_flags=["fever"])
    assert _state(client_record) == "referred"


def test_a_red_flag_form_from_before_clearance_records_still_counts_as_referred(
    now, client_record, therapist
):
    submit_intake(client_record, red_flags=["fever"])
    Clearance.objects.all().delete()  # as for a form submitted before this version
    assert _state(client_record) == "referred"
    now.shift(timedelta(days=1))
    services.record_clearance(
        client=client_record,
        recorded_by=therapist,
        status="cleared",
        clinician_name="Dr Lee",
        cleared_on=date(2026, 6, 1),
    )
    assert _state(client_record) == "cleared"


def test_a_later_form_without_red_flags_does_not_close_an_open_referral(now, client_record):
    submit_intake(client_record, red_flags=["fever"])
    now.shift(timedelta(days=1))
    submit_intake(client_record)
    assert _state(client_record) == "referred"  # only a recorded clearance closes it


def test_a_clearance_names_the_doctor_and_a_date_not_in_the_future(now, api_as, client_record):
    submit_intake(client_record, red_flags=["fever"])
    api_client = api_as("therapist")
    missing = _clear(api_client, client_record, clinician_name="", cleared_on=None)
    assert missing.status_code == 400
    assert set(missing.json()["fields"]) == {"clinician_name", "cleared_on"}
    future = _clear(api_client, client_record, cleared_on="2026-06-09")
    assert future.status_code == 400 and "cleared_on" in future.json()["fields"]
    too_long = _clear(api_client, client_record, note="x" * 2001)
    assert too_long.status_code == 400 and "note" in too_long.json()["fields"]
    assert _state(client_record) == "referred"


def test_a_therapist_may_refer_a_client_again_by_hand(now, api_as, client_record):
    response = api_as("therapist").post(
        f"/api/v1/clients/{client_record.pk}/clearance/",
        {"status": "referred", "note": "Night pain worse; sent to GP."},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["state"] == "referred"
    assert selectors.list_booking_blockers(client_record)


def test_front_desk_sees_the_state_but_never_the_clearance_note(
    now, api_as, client_record, therapist
):
    submit_intake(client_record, red_flags=["fever"])
    _clear(api_as("therapist"), client_record)
    front_desk = api_as("front_desk")
    response = front_desk.get(f"/api/v1/clients/{client_record.pk}/clearance/")
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "cleared"
    assert "history" not in body and "current" not in body
    assert "MRI" not in response.content.decode() and "Ruiz" not in response.content.decode()
    refused = _clear(front_desk, client_record)
    assert refused.status_code == 403


def test_clients_and_strangers_cannot_read_or_record_a_clearance(
    now, api_as, client_record, other_client_record
):
    url = f"/api/v1/clients/{client_record.pk}/clearance/"
    assert api_as("client").get(url).status_code == 403
    assert api_as("other_therapist").get(url).status_code == 404
    assert _clear(api_as("other_therapist"), client_record).status_code == 404
    stranger = ClientFactory(clinic=ClinicFactory(name="Elsewhere"))
    for persona in ("owner", "therapist", "front_desk"):
        url = f"/api/v1/clients/{stranger.pk}/clearance/"
        assert api_as(persona).get(url).status_code == 404


def test_another_clinics_owner_gets_404(now, api, client_record):
    elsewhere = UserFactory(clinic=ClinicFactory(name="Elsewhere"), role="owner")
    api.force_authenticate(elsewhere)
    assert api.get(f"/api/v1/clients/{client_record.pk}/clearance/").status_code == 404
    assert _clear(api, client_record).status_code == 404


def test_every_read_and_record_of_a_clearance_is_audited(
    now, api_as, client_record, therapist, front_desk
):
    submit_intake(client_record, red_flags=["fever"])
    _clear(api_as("therapist"), client_record)
    created = AuditEvent.objects.get(actor=therapist, action="create")
    assert created.object_type == "intake.clearance" and created.client == client_record
    for persona, user in (("therapist", therapist), ("front_desk", front_desk)):
        api_as(persona).get(f"/api/v1/clients/{client_record.pk}/clearance/")
        read = AuditEvent.objects.filter(actor=user, action="read").latest("pk")
        assert read.client == client_record and read.detail == {"via": "clearance"}


def test_a_clearance_may_reference_a_document_of_the_same_client_only(
    now, api_as, client_record, other_client_record, therapist, clinic
):
    submit_intake(client_record, red_flags=["fever"])

    def document(client):
        return ClientDocument.objects.create(
            clinic=clinic,
            client=client,
            kind="clearance_letter",
            title="GP letter",
            file="documents/x.pdf",
            content_type="application/pdf",
            size=10,
            sha256="0" * 64,
            uploaded_by=therapist,
        )

    theirs = document(other_client_record)
    refused = _clear(api_as("therapist"), client_record, document=theirs.pk)
    assert refused.status_code == 400 and "document" in refused.json()["fields"]
    own = document(client_record)
    response = _clear(api_as("therapist"), client_record, document=own.pk)
    assert response.status_code == 201
    assert response.json()["current"]["document"] == own.pk


def test_booking_keeps_its_reason_gate_until_the_client_is_cleared(
    frozen_now,  # noqa: F811
    client_record,
    massage,  # noqa: F811
    therapist_profile,
    therapist,
    location,
    front_desk,
):
    submit_intake(client_record, red_flags=["major_trauma"])

    def book(hour: int):
        return scheduling.book_appointment(
            client=client_record,
            service=massage,
            therapist=therapist_profile,
            location=location,
            starts_at=ny(2026, 6, 3, hour),
            booked_by=front_desk,
        )

    with pytest.raises(BookingNeedsOverride):
        book(9)
    services.record_clearance(
        client=client_record,
        recorded_by=therapist,
        status="cleared",
        clinician_name="Dr Lee",
        cleared_on=date(2026, 5, 30),
    )
    assert book(9).override_reason == ""


def test_the_day_view_shows_the_clearance_state(
    frozen_now,  # noqa: F811
    api_as,
    clinic,
    location,
    massage,  # noqa: F811
    therapist_profile,
    therapist,
    front_desk,
):
    flagged, cleared, fresh = (ClientFactory(clinic=clinic) for _ in range(3))
    submit_intake(flagged, red_flags=["fever"])
    submit_intake(cleared, red_flags=["fever"])
    cleared.care_team.add(therapist_profile)
    services.record_clearance(
        client=cleared,
        recorded_by=therapist,
        status="cleared",
        clinician_name="Dr Lee",
        cleared_on=date(2026, 5, 30),
    )
    for hour, who in ((9, flagged), (11, cleared), (14, fresh)):
        scheduling.book_appointment(
            client=who,
            service=massage,
            therapist=therapist_profile,
            location=location,
            starts_at=ny(2026, 6, 3, hour),
            booked_by=front_desk,
            override_reason="GP appointment booked" if who is flagged else "",
        )
    rows = api_as("front_desk").get(f"/api/v1/day/?location={location.pk}&date=2026-06-03").json()
    assert {r["client"]: r["clearance"] for r in rows} == {
        flagged.pk: "referred",
        cleared.pk: "cleared",
        fresh.pk: "none",
    }


def test_the_intake_badge_of_the_submissions_api_carries_the_referral_flag(
    now, api_as, client_record
):
    submit_intake(client_record, red_flags=["fever"])
    rows = api_as("front_desk").get("/api/v1/intake-submissions/").json()["results"]
    assert rows[0]["referral_flag"] is True
    assert Submission.objects.filter(questionnaire__kind=QuestionnaireKind.INTAKE).count() == 1
