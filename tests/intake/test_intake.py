from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client as BrowserClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clinic.core.models import AuditEvent, Muscle
from clinic.notifications.models import Notification
from intake import defaults, selectors, services
from intake.models import CulpritRule, CulpritSuggestion, PainRating, Questionnaire, Submission
from intake.vocabulary import REGION_BY_CODE, TRIGGERS
from tests.clinic.factories import ClientFactory
from tests.intake.helpers import link_path, submit_intake, valid_answers


@pytest.fixture(autouse=True)
def _rules(clinic):
    services.ensure_default_rules(clinic)


def _suggested(submission) -> set[tuple[str, str]]:
    return {
        (s.muscle.slug, s.side)
        for s in CulpritSuggestion.objects.filter(submission=submission).select_related("muscle")
    }


def test_the_default_rules_speak_the_vocabulary_and_the_atlas(db):
    slugs = set(Muscle.objects.values_list("slug", flat=True))
    for rule in defaults.DEFAULT_RULES:
        assert set(rule["regions"]) <= set(REGION_BY_CODE), rule["name"]
        assert set(rule["triggers"]) <= set(TRIGGERS), rule["name"]
        assert set(rule["muscles"]) <= slugs, rule["name"]
        assert rule["muscles"] or rule["functional_groups"]


def test_a_link_goes_out_through_the_outbox_and_opens_the_form(client_record, front_desk):
    invitation = services.send_intake_link(client=client_record, sent_by=front_desk)
    message = Notification.objects.get(template_key="intake_link")
    assert message.context["url"].endswith(link_path(invitation))
    page = BrowserClient().get(link_path(invitation))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-region="lower_back_centre"' in html and "<svg" in html
    assert '<label for="id_pain_map_' in html  # every region is also a labelled checkbox
    assert 'name="viewport"' in html


def test_side_of_the_low_back_on_standing_up_suggests_the_front_of_that_thigh(client_record):
    submission = submit_intake(
        client_record, pain_map=["lower_back_left"], triggers=["standing_up_after_sitting"]
    )
    suggested = _suggested(submission)
    assert ("rectus-femoris", "left") in suggested
    assert ("vastus-lateralis", "left") not in suggested  # the vasti do not cross the hip
    assert ("psoas-major", "left") in suggested  # standing up after sitting: hip flexors too
    assert not any(side == "right" for _, side in suggested)
    suggestion = CulpritSuggestion.objects.filter(
        submission=submission, muscle__slug="rectus-femoris"
    ).get()
    assert suggestion.rule is not None and "front of the thigh" in suggestion.reason
    assert suggestion.matched_triggers == ["standing_up_after_sitting"]


def test_middle_of_the_low_back_on_bending_suggests_both_inner_thighs(client_record):
    submission = submit_intake(
        client_record, pain_map=["lower_back_centre"], triggers=["bending_to_pick_up"]
    )
    suggested = _suggested(submission)
    assert {("adductor-longus", "both"), ("adductor-magnus", "both")} <= suggested
    assert not any(slug == "quadratus-lumborum" for slug, _ in suggested)
    assert not any(slug == "rectus-femoris" for slug, _ in suggested)


def test_no_trigger_no_front_of_body_suggestion(client_record):
    submission = submit_intake(client_record, pain_map=["lower_back_right"], triggers=[])
    assert not _suggested(submission)


def test_the_clinic_can_edit_and_switch_off_rules(client_record, clinic):
    CulpritRule.objects.filter(clinic=clinic).update(active=False)
    submission = submit_intake(
        client_record, pain_map=["lower_back_left"], triggers=["standing_up_after_sitting"]
    )
    assert not _suggested(submission)


def test_a_submission_stores_structured_answers_pain_and_contact(client_record):
    submission = submit_intake(
        client_record,
        pain_map=["lower_back_left", "front_thigh_left"],
        nrs_now="6",
        anticoagulants="yes",
        contraindications=["varicose_veins"],
    )
    assert submission.pain_regions == ["lower_back_left", "front_thigh_left"]
    assert (submission.nrs_now, submission.nrs_worst, submission.nrs_best) == (6, 8, 3)
    assert submission.anticoagulants is True
    assert submission.contraindications == ["varicose_veins"]
    assert submission.consent_treatment and submission.consent_privacy
    assert submission.signature_name == "Daniel Brooks" and submission.signed_at
    assert submission.answers["onset"] == "Lifting a suitcase in March."
    assert submission.questionnaire.version == 1
    rating = PainRating.objects.get(client=client_record)
    assert (rating.score, rating.source) == (6, "intake")
    client_record.refresh_from_db()
    assert client_record.phone == "+12125550177"
    assert client_record.emergency_contact_name == "Sam Brooks"


def test_errors_show_next_to_the_field_and_nothing_typed_is_lost(client_record, front_desk):
    invitation = services.send_intake_link(client=client_record, sent_by=front_desk)
    response = BrowserClient().post(
        link_path(invitation),
        valid_answers(
            pain_map=["hip_left", "knee_right"],
            nrs_now="11",
            consent_privacy=None,
            nrs_best="9",
            onset="Since the move",
            emergency_phone="12",
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    form = response.context["form"]
    assert set(form.errors) >= {"nrs_now", "consent_privacy", "nrs_best", "emergency_phone"}
    assert 'id="q-nrs_now"' in html and "errorlist" in html
    assert "Since the move" in html  # typed text kept
    assert 'value="hip_left"' in html and 'value="knee_right"' in html
    checked = next(line for line in html.splitlines() if 'value="hip_left"' in line)
    assert "checked" in checked
    assert not Submission.objects.exists()


def test_submitting_twice_keeps_one_submission(client_record, front_desk):
    invitation = services.send_intake_link(client=client_record, sent_by=front_desk)
    browser = BrowserClient()
    assert browser.post(link_path(invitation), valid_answers()).status_code == 200
    again = browser.post(link_path(invitation), valid_answers(nrs_now="2"))
    assert again.status_code == 200 and b"already have your answers" in again.content
    assert Submission.objects.filter(client=client_record).count() == 1
    assert Submission.objects.get().nrs_now == 6


@pytest.mark.clock
def test_an_expired_or_forged_link_gets_a_kind_page(client_record, front_desk, clinic):
    invitation = services.send_intake_link(client=client_record, sent_by=front_desk)
    later = timezone.now() + timedelta(days=clinic.intake_link_valid_days, minutes=1)
    with time_machine.travel(later, tick=False):
        expired = BrowserClient().get(link_path(invitation))
        posted = BrowserClient().post(link_path(invitation), valid_answers())
    assert expired.status_code == 410 and posted.status_code == 410
    assert clinic.phone.encode() in expired.content and b"expired" in expired.content
    forged = BrowserClient().get(link_path(invitation)[:-5] + "abcd/")
    assert forged.status_code == 404 and b"does not work" in forged.content
    assert not Submission.objects.exists()


def test_red_flags_advise_a_doctor_and_flag_the_client(client_record):
    invitation = services.send_intake_link(client=client_record, sent_by=None)
    response = BrowserClient().post(
        link_path(invitation), valid_answers(red_flags=["saddle_numbness", "fever"])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "speak with your doctor" in html and "not a diagnosis" in html
    submission = Submission.objects.get()
    assert submission.referral_flag
    assert selectors.get_intake_badges([client_record.pk])[client_record.pk] == {
        "intake_status": "done",
        "red_flag": True,
        "clearance": "referred",
    }
    assert selectors.list_booking_blockers(client_record)


def test_a_correction_is_a_new_linked_submission(client_record, front_desk):
    first = submit_intake(client_record, nrs_now="7")
    invitation = services.send_intake_link(client=client_record, sent_by=front_desk, corrects=first)
    BrowserClient().post(link_path(invitation), valid_answers(nrs_now="5"))
    second = Submission.objects.get(invitation=invitation)
    assert second.supersedes == first and first.superseded_by == second
    assert selectors.get_latest_intake(client_record) == second
    assert Submission.objects.filter(pk=first.pk, nrs_now=7).exists()  # kept as it was


def test_old_submissions_stay_readable_after_the_form_changes(client_record, owner, clinic):
    first = submit_intake(client_record)
    v1 = first.questionnaire
    v2 = services.create_new_version(questionnaire=v1, created_by=owner)
    v2.questions.filter(key="onset").update(label="Tell us how it began")
    Questionnaire.objects.filter(pk=v2.pk).update(published=True)
    assert services.current_questionnaire(clinic, "intake") == v2
    assert first.questionnaire.questions.get(key="onset").label == "When and how did it start?"
    second = submit_intake(client_record)
    assert second.questionnaire == v2


@pytest.mark.parametrize(
    ("scores", "expected", "band"),
    [
        ([0] * 10, Decimal("0.0"), "Minimal disability"),
        ([2] * 10, Decimal("40.0"), "Moderate disability"),
        ([3, 3, 3, 3, 3, 3, 3, None, 3, 3], Decimal("60.0"), "Severe disability"),
        (
            [5, 4, 4, 4, 4, 4, 4, None, 4, 4],
            Decimal("82.2"),
            "Bed-bound, or symptoms may be exaggerated",
        ),
        ([1, 2, 0, 1, 3, 2, 1, None, 0, 1], Decimal("24.4"), "Moderate disability"),
    ],
)
def test_oswestry_scoring(scores, expected, band):
    score, label, answered = services.odi_score(scores)
    assert (score, label) == (expected, band)
    assert answered == sum(1 for s in scores if s is not None)


def test_an_oswestry_form_is_scored_and_joins_the_trend(client_record, front_desk, api_as):
    submit_intake(client_record)
    invitation = services.send_intake_link(client=client_record, sent_by=front_desk, kind="odi")
    answers = dict.fromkeys(
        (
            "pain_intensity",
            "personal_care",
            "lifting",
            "walking",
            "sitting",
            "standing",
            "sleeping",
            "social_life",
            "travelling",
        ),
        "2",
    )
    response = BrowserClient().post(link_path(invitation), answers)  # sex life left blank
    assert response.status_code == 200, response.content[:2000]
    submission = Submission.objects.get(invitation=invitation)
    assert (submission.odi_score, submission.odi_band) == (Decimal("40.0"), "Moderate disability")
    trend = api_as("therapist").get(f"/api/v1/clients/{client_record.pk}/outcomes/").json()
    assert [p["score"] for p in trend["pain"]] == [6]
    assert [p["odi_score"] for p in trend["odi"]] == ["40.0"]


def test_staff_reads_of_submissions_are_audited(api_as, client_record, therapist):
    submission = submit_intake(client_record)
    api_as("therapist").get(f"/api/v1/intake-submissions/{submission.pk}/")
    api_as("therapist").get("/api/v1/intake-submissions/")
    reads = AuditEvent.objects.filter(
        action="read",
        object_type="intake.submission",
        object_id=str(submission.pk),
        actor=therapist,
    )
    assert reads.count() == 2
    api_as("client").get(f"/api/v1/intake-submissions/{submission.pk}/")
    assert AuditEvent.objects.filter(action="read", object_type="intake.submission").count() == 2


def test_front_desk_sees_completion_and_the_badge_only(api_as, client_record):
    submission = submit_intake(client_record, red_flags=["night_pain"])
    body = api_as("front_desk").get(f"/api/v1/intake-submissions/{submission.pk}/").json()
    assert body == {
        "id": submission.pk,
        "client": client_record.pk,
        "kind": "intake",
        "submitted_at": body["submitted_at"],
        "completed": True,
        "referral_flag": True,
    }


def test_therapists_see_suggestions_labelled_clients_do_not(api_as, client_record):
    submission = submit_intake(client_record)
    therapist_view = api_as("therapist").get(f"/api/v1/intake-submissions/{submission.pk}/").json()
    assert therapist_view["suggestions"]
    assert {s["shown_as"] for s in therapist_view["suggestions"]} == {"Suggestion for assessment"}
    own = api_as("client").get(f"/api/v1/intake-submissions/{submission.pk}/").json()
    assert "suggestions" not in own and own["answers"]["goals"]


def test_submission_list_queries_do_not_grow(api_as, clinic, therapist_profile, owner):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert (
                api_as("owner").get("/api/v1/intake-submissions/?page_size=100").status_code == 200
            )
        return len(ctx.captured_queries)

    submit_intake(ClientFactory(clinic=clinic))
    first = count()
    for _ in range(4):
        submit_intake(ClientFactory(clinic=clinic))
    assert count() == first
