"""The plan builder pages: the client's therapist proposes a plan from a signed
note, edits it (reorder, doses, days, add and remove exercises with the safety
warnings), sets the schedule, publishes, then pauses, resumes and stops it;
the owner reads; the front desk and clients never get in; another clinic's
staff find nothing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client as BrowserClient
from django.test.utils import CaptureQueriesContext

from clinic.core.errors import DomainError
from clinic.core.models import AuditEvent, Role
from clinic.notifications.models import Notification
from homework import services
from homework.models import Exercise, HomeworkPlan, PlanItem, PlanStatus
from tests.clinic.factories import ClinicFactory, TherapistFactory, UserFactory
from tests.homework.conftest import plan, signed_note  # noqa: F401 (fixtures)
from tests.intake.helpers import submit_intake
from tests.notes.conftest import note, visit  # noqa: F401 (fixtures)
from tests.scheduling.conftest import frozen_now, massage, room  # noqa: F401 (fixtures)

pytestmark = pytest.mark.clock  # plans start the day after the frozen visit

QL_STRETCH = "doorframe-ql"  # stretches the left quadratus lumborum, a recorded victim


def _as(user) -> BrowserClient:
    browser = BrowserClient()
    browser.force_login(user)
    return browser


def _items(plan):  # noqa: F811
    return list(PlanItem.objects.filter(plan=plan).order_by("order", "id"))


def _stranger():
    elsewhere = ClinicFactory(name="Elsewhere Clinic", timezone="America/New_York")
    return TherapistFactory(
        user=UserFactory(username="elsewhere", clinic=elsewhere, role=Role.THERAPIST)
    ).user


# --- who gets in ---------------------------------------------------------------------------------


def test_the_clients_therapist_and_the_owner_open_the_plan_and_the_read_is_audited(
    plan,  # noqa: F811
    therapist,
    owner,
):
    page = _as(therapist).get(f"/work/plans/{plan.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Homework plan for Daniel Brooks" in html and "Publish and send to the client" in html
    assert "Add an exercise" in html
    assert AuditEvent.objects.filter(actor=therapist, action="read", client=plan.client).exists()
    read_only = _as(owner).get(f"/work/plans/{plan.pk}/").content.decode()
    assert "Homework plan for Daniel Brooks" in read_only
    assert "Add an exercise" not in read_only and "Publish and send" not in read_only
    # The owner reads but does not prescribe (the API's rule): a write is refused.
    assert _as(owner).post(f"/work/plans/{plan.pk}/publish/").status_code == 403
    ask = _as(owner).get(f"/work/notes/{plan.source_note_id}/plan/")
    assert ask.status_code == 200 and "Only the client's therapist" in ask.content.decode()
    assert _as(owner).post(f"/work/notes/{plan.source_note_id}/plan/").status_code == 403


@pytest.mark.parametrize("persona", ["front_desk", "client"])
def test_the_front_desk_and_clients_are_refused(request, persona, plan, signed_note):  # noqa: F811
    browser = _as(request.getfixturevalue(persona))
    assert browser.get(f"/work/plans/{plan.pk}/").status_code == 403
    assert browser.get(f"/work/notes/{signed_note.pk}/plan/").status_code == 403
    assert browser.post(f"/work/plans/{plan.pk}/publish/").status_code == 403
    assert HomeworkPlan.objects.get(pk=plan.pk).status == PlanStatus.DRAFT


def test_a_stranger_is_sent_to_sign_in(plan):  # noqa: F811
    page = BrowserClient().get(f"/work/plans/{plan.pk}/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/login/")


def test_another_therapist_and_another_clinic_find_nothing(plan, signed_note, other_therapist):  # noqa: F811
    for outsider in (other_therapist, _stranger()):
        browser = _as(outsider)
        assert browser.get(f"/work/plans/{plan.pk}/").status_code == 404
        assert browser.get(f"/work/notes/{signed_note.pk}/plan/").status_code == 404
        assert browser.post(f"/work/notes/{signed_note.pk}/plan/").status_code == 404
        assert browser.post(f"/work/plans/{plan.pk}/stop/").status_code == 404


def test_when_therapists_see_all_clients_a_colleague_opens_the_plan_as_the_api_allows(
    plan,  # noqa: F811
    other_therapist,
    clinic,
):
    clinic.therapists_see_all_clients = True
    clinic.save()
    browser = _as(other_therapist)
    page = browser.get(f"/work/plans/{plan.pk}/")
    assert page.status_code == 200 and "Homework plan for Daniel Brooks" in page.content.decode()


# --- proposing -----------------------------------------------------------------------------------


def test_proposing_twice_from_the_note_gives_one_draft(signed_note, therapist):  # noqa: F811
    browser = _as(therapist)
    assert (
        "Build the homework plan"
        in browser.get(f"/work/notes/{signed_note.pk}/plan/").content.decode()
    )
    first = browser.post(f"/work/notes/{signed_note.pk}/plan/")
    second = browser.post(f"/work/notes/{signed_note.pk}/plan/")
    plan = HomeworkPlan.objects.get()  # noqa: F811
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/work/plans/{plan.pk}/"
    assert plan.status == PlanStatus.DRAFT and plan.items.exists()


def test_a_referred_client_needs_the_clearance_reason_kept_when_refused(
    signed_note,  # noqa: F811
    therapist,
    client_record,
):
    submit_intake(client_record, red_flags=["saddle_numbness"])
    browser = _as(therapist)
    ask = browser.get(f"/work/notes/{signed_note.pk}/plan/").content.decode()
    assert "Referred to a doctor, not yet cleared" in ask and "clearance_override_reason" in ask
    refused = browser.post(
        f"/work/notes/{signed_note.pk}/plan/", {"clearance_override_reason": " "}
    )
    assert refused.status_code == 409
    assert "Give the reason homework goes ahead" in refused.content.decode()
    assert not HomeworkPlan.objects.exists()
    done = browser.post(
        f"/work/notes/{signed_note.pk}/plan/",
        {"clearance_override_reason": "GP seen by phone; gentle stretches only"},
    )
    plan = HomeworkPlan.objects.get()  # noqa: F811
    assert done.status_code == 302 and plan.clearance_override_reason.startswith("GP seen")
    page = browser.get(f"/work/plans/{plan.pk}/").content.decode()
    assert "Homework goes ahead because" in page and "GP seen by phone" in page


def test_a_referred_clients_plan_asks_the_reason_before_publishing(
    plan,  # noqa: F811
    therapist,
    client_record,
):
    submit_intake(client_record, red_flags=["saddle_numbness"])
    browser = _as(therapist)
    page = browser.get(f"/work/plans/{plan.pk}/").content.decode()
    assert "Referred to a doctor, not yet cleared" in page and 'id="publish-clearance"' in page
    refused = browser.post(f"/work/plans/{plan.pk}/publish/")
    assert (
        refused.status_code == 409
        and "Give the reason homework goes ahead" in refused.content.decode()
    )
    assert HomeworkPlan.objects.get(pk=plan.pk).status == PlanStatus.DRAFT
    browser.post(
        f"/work/plans/{plan.pk}/publish/", {"clearance_override_reason": "Cleared by phone"}
    )
    assert HomeworkPlan.objects.get(pk=plan.pk).status == PlanStatus.ACTIVE


# --- editing -------------------------------------------------------------------------------------


def test_a_victim_stretch_is_refused_with_the_field_error_then_kept_with_a_reason(
    plan,  # noqa: F811
    therapist,
):
    ql = Exercise.objects.get(slug=QL_STRETCH)
    browser = _as(therapist)
    refused = browser.post(f"/work/plans/{plan.pk}/items/", {"exercise": ql.pk, "side": "left"})
    assert refused.status_code == 409
    html = refused.content.decode()
    assert "Quadratus lumborum" in html and 'id="add-override"' in html
    assert f'<option value="{ql.pk}" selected>' in html  # what was chosen is kept
    assert not PlanItem.objects.filter(plan=plan, exercise=ql).exists()
    kept = browser.post(
        f"/work/plans/{plan.pk}/items/",
        {"exercise": ql.pk, "side": "left", "override_reason": "Gentle only, after release work"},
        HTTP_HX_REQUEST="true",
    )
    assert kept.status_code == 200
    item = PlanItem.objects.get(plan=plan, exercise=ql)
    assert item.override_reason.startswith("Gentle only") and "victim" in item.safety_warnings[0]
    html = kept.content.decode()
    assert html.startswith('<div id="plan"')  # htmx gets the plan part only
    assert "Kept because" in html and "recorded as a victim" in html


def test_an_htmx_refusal_is_shown_in_the_swapped_part(plan, therapist):  # noqa: F811
    ql = Exercise.objects.get(slug=QL_STRETCH)
    answer = _as(therapist).post(
        f"/work/plans/{plan.pk}/items/",
        {"exercise": ql.pk, "side": "left"},
        HTTP_HX_REQUEST="true",
    )
    assert answer.status_code == 200 and 'id="add-override"' in answer.content.decode()


def test_moving_an_item_up_reorders_the_plan(plan, therapist):  # noqa: F811
    before = [i.pk for i in _items(plan)]
    assert len(before) >= 2
    answer = _as(therapist).post(
        f"/work/plans/{plan.pk}/items/{before[1]}/move/",
        {"direction": "up"},
        HTTP_HX_REQUEST="true",
    )
    assert answer.status_code == 200
    assert [i.pk for i in _items(plan)] == [before[1], before[0], *before[2:]]
    _as(therapist).post(f"/work/plans/{plan.pk}/items/{before[1]}/move/", {"direction": "down"})
    assert [i.pk for i in _items(plan)] == before


def test_changing_a_dose_and_days_and_bad_input_kept_next_to_the_field(plan, therapist):  # noqa: F811
    item = _items(plan)[0]
    browser = _as(therapist)
    bad = browser.post(
        f"/work/plans/{plan.pk}/items/{item.pk}/",
        {"hold_seconds": "lots", "repetitions": "4", "days_of_week": ["0", "3"], "side": item.side},
    )
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "Enter a whole number." in html and 'value="lots"' in html and 'value="4"' in html
    too_long = browser.post(
        f"/work/plans/{plan.pk}/items/{item.pk}/",
        {"hold_seconds": "900", "side": item.side},
    )
    assert too_long.status_code == 400 and 'value="900"' in too_long.content.decode()
    ok = browser.post(
        f"/work/plans/{plan.pk}/items/{item.pk}/",
        {"hold_seconds": "60", "repetitions": "3", "days_of_week": ["0", "3"], "side": item.side},
    )
    assert ok.status_code == 302
    item.refresh_from_db()
    assert (item.hold_seconds, item.repetitions, item.days_of_week) == (60, 3, [0, 3])
    assert "hold 60 s, 3 times" in browser.get(f"/work/plans/{plan.pk}/").content.decode().lower()


def test_removing_an_item(plan, therapist):  # noqa: F811
    item = _items(plan)[0]
    _as(therapist).post(f"/work/plans/{plan.pk}/items/{item.pk}/remove/")
    assert not PlanItem.objects.filter(pk=item.pk).exists()


def test_schedule_changes_and_their_errors(plan, therapist):  # noqa: F811
    browser = _as(therapist)
    bad = browser.post(
        f"/work/plans/{plan.pk}/schedule/",
        {
            "days_of_week": ["1", "3"],
            "time_of_day": "07:30",
            "start_date": "2026-06-10",
            "end_date": "2026-06-05",
            "message": "Little and often",
        },
    )
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "The end must not be before the start." in html
    assert "Little and often" in html and 'value="07:30"' in html
    ok = browser.post(
        f"/work/plans/{plan.pk}/schedule/",
        {
            "days_of_week": ["1", "3"],
            "time_of_day": "07:30",
            "start_date": "2026-06-02",
            "end_date": "2026-06-30",
            "message": "Little and often",
        },
    )
    assert ok.status_code == 302
    plan.refresh_from_db()
    assert plan.days_of_week == [1, 3] and plan.message == "Little and often"
    page = browser.get(f"/work/plans/{plan.pk}/").content.decode()
    assert "this plan keeps the days" in page  # the schedule warning of the service
    assert "Reminder time (New York time)" in page


def test_publishing_queues_the_plan_message_and_reminders_then_pause_resume_stop(
    plan,  # noqa: F811
    therapist,
):
    browser = _as(therapist)
    published = browser.post(f"/work/plans/{plan.pk}/publish/", HTTP_HX_REQUEST="true")
    assert published.status_code == 200 and "This plan is active" in published.content.decode()
    assert Notification.objects.filter(template_key="homework_plan").count() == 1

    def pending():
        return Notification.objects.filter(template_key="homework_reminder", status="pending")

    assert pending().exists()
    browser.post(f"/work/plans/{plan.pk}/pause/")
    assert HomeworkPlan.objects.get(pk=plan.pk).status == PlanStatus.PAUSED and not pending()
    browser.post(f"/work/plans/{plan.pk}/resume/")
    assert HomeworkPlan.objects.get(pk=plan.pk).status == PlanStatus.ACTIVE and pending()
    browser.post(f"/work/plans/{plan.pk}/stop/")
    assert HomeworkPlan.objects.get(pk=plan.pk).status == PlanStatus.STOPPED and not pending()
    stopped = browser.get(f"/work/plans/{plan.pk}/").content.decode()
    assert "Stopped" in stopped and "Add an exercise" not in stopped
    again = browser.post(f"/work/plans/{plan.pk}/resume/")
    assert again.status_code == 409


def test_publishing_an_empty_plan_says_what_is_missing(plan, therapist):  # noqa: F811
    for item in _items(plan):
        services.remove_item(item=item, removed_by=therapist)
    refused = _as(therapist).post(f"/work/plans/{plan.pk}/publish/")
    assert refused.status_code == 400 and "Add at least one exercise." in refused.content.decode()


# --- query counts --------------------------------------------------------------------------------


def _grow_to(plan, therapist, size):  # noqa: F811
    library = list(
        Exercise.objects.filter(clinic__isnull=True, active=True, caution_flags=[]).exclude(
            pk__in=[i.exercise_id for i in _items(plan)]
        )
    )
    for exercise in library:
        if plan.items.count() >= size:
            break
        try:
            services.add_item(plan=plan, added_by=therapist, exercise=exercise, side="right")
        except DomainError:  # unsafe for this client: try the next one
            continue
    assert plan.items.count() == size


def test_the_plan_page_loads_in_constant_queries(
    plan,  # noqa: F811
    therapist,
    django_assert_max_num_queries,
):
    browser = _as(therapist)
    for item in _items(plan)[2:]:
        services.remove_item(item=item, removed_by=therapist)
    assert plan.items.count() == 2
    browser.get(f"/work/plans/{plan.pk}/")  # warm the session and caches
    with CaptureQueriesContext(connection) as small:
        browser.get(f"/work/plans/{plan.pk}/")
    _grow_to(plan, therapist, 8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = browser.get(f"/work/plans/{plan.pk}/")
    assert page.content.decode().count('class="card item"') == 8


# --- the client's timeline links here ------------------------------------------------------------


def test_the_timeline_links_each_note_and_each_plan_to_the_workspace(
    plan,  # noqa: F811
    signed_note,  # noqa: F811
    therapist,
    client_record,
):
    html = _as(therapist).get(f"/clients/{client_record.pk}/timeline/").content.decode()
    assert f'href="/work/plans/{plan.pk}/"' in html and "Draft plan of" in html
    assert f'href="/work/notes/{signed_note.pk}/plan/"' in html
    assert f'href="/work/notes/{signed_note.pk}/"' in html  # the note page (helper "note")
    assert AuditEvent.objects.filter(
        actor=therapist, action="read", object_id=str(plan.pk), detail__via="timeline"
    ).exists()
