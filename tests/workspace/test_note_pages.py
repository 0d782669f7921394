"""The therapist's pages: My day and the session note, for every persona, on
the same services and scoping as the API, every clinical read audited."""

# ruff: noqa: F811  (fixtures imported from tests/scheduling/conftest.py)

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest
import time_machine
from django.test import Client as BrowserClient

from clinic.core.models import AuditAction, AuditEvent, Muscle, Role, User
from homework import services as homework
from intake import services as intake_services
from notes import services
from notes.models import FindingRole, MuscleFinding, NoteStatus, NoteTemplate, TugOfWar
from scheduling import services as scheduling
from tests.clinic.factories import ClientFactory, ClinicFactory, UserFactory
from tests.intake.helpers import submit_intake
from tests.notes.conftest import muscle
from tests.scheduling.conftest import frozen_now, massage, ny, room  # noqa: F401 (fixtures)
from tests.scheduling.factories import ServiceFactory


def _as(user: User | None) -> BrowserClient:
    browser = BrowserClient()
    if user is not None:
        browser.force_login(user)
    return browser


def _book(client_record, therapist_profile, location, front_desk, massage, hour: int, day=1):
    return scheduling.book_appointment(
        client=client_record,
        service=massage,
        therapist=therapist_profile,
        location=location,
        starts_at=ny(2026, 6, day, hour),
        booked_by=front_desk,
    )


@pytest.fixture
def today_visit(frozen_now, massage, client_record, therapist_profile, location, front_desk):
    """The client's visit with their therapist at 10:00 New York time today."""
    return _book(client_record, therapist_profile, location, front_desk, massage, 10)


@pytest.fixture
def draft(today_visit, client_record, therapist, clinic):
    services.ensure_default_templates(clinic)
    return services.start_note(client=client_record, written_by=therapist, appointment=today_visit)


@pytest.fixture
def stranger_owner(db) -> User:
    other = ClinicFactory(name="Elsewhere Clinic", timezone="America/Chicago")
    return UserFactory(username="elsewhere_owner", clinic=other, role=Role.OWNER)


def _reads(user: User, **detail) -> int:
    events = AuditEvent.objects.filter(actor=user, action=AuditAction.READ)
    return sum(1 for e in events if all(e.detail.get(k) == v for k, v in detail.items()))


# --- My day ---------------------------------------------------------------------------------------


def test_my_day_lists_the_therapists_visits_with_what_to_know(
    today_visit, client_record, therapist, clinic, frozen_now
):
    html = _as(therapist).get("/work/my-day/").content.decode()
    assert "Daniel Brooks" in html
    assert "10:00" in html and "(New York time)" in html
    assert "Intake sent, not done" in html and "First visit" in html and "No plan running" in html
    assert "Write the note" in html


def test_my_day_shows_the_last_visits_culprits_problems_and_red_flags(
    today_visit,
    client_record,
    therapist,
    clinic,
    massage,
    location,
    front_desk,
    therapist_profile,
):
    intake_services.ensure_default_rules(clinic)
    submit_intake(client_record, pain_map=["lower_back_centre"], triggers=["bending_to_pick_up"])
    earlier = _book(client_record, therapist_profile, location, front_desk, massage, 14, day=1)
    old = services.start_note(client=client_record, written_by=therapist, appointment=earlier)
    services.add_finding(
        note=old, added_by=therapist, muscle=muscle("rectus-femoris"), side="left", role="culprit"
    )
    services.add_finding(
        note=old, added_by=therapist, muscle=muscle("erector-spinae"), side="left", role="victim"
    )
    services.sign_note(note=old, signed_by=therapist)
    html = _as(therapist).get("/work/my-day/").content.decode()
    assert "Intake done" in html
    assert 'culprits <span class="role-culprit">Rectus femoris (left)' in html
    assert "Erector spinae" in html.split("Problem list")[1]
    assert _reads(therapist, via="my day") == 1  # the last note read, audited
    assert _reads(therapist, via="problem list") == 1


def test_write_the_note_starts_the_draft_once_then_opens_it(today_visit, therapist):
    browser = _as(therapist)
    first = browser.post(f"/work/my-day/{today_visit.pk}/note/")
    note = today_visit.session_note
    assert first.status_code == 302 and first["Location"] == f"/work/notes/{note.pk}/"
    again = browser.post(f"/work/my-day/{today_visit.pk}/note/")
    assert again["Location"] == f"/work/notes/{note.pk}/"
    assert "Open the draft" in browser.get("/work/my-day/").content.decode()


def test_the_owner_picks_a_therapist_and_cannot_write_a_note(
    today_visit, owner, therapist_profile, other_therapist_profile
):
    browser = _as(owner)
    html = browser.get(f"/work/my-day/?therapist={therapist_profile.pk}").content.decode()
    assert 'id="pick-therapist"' in html and "Daniel Brooks" in html
    assert "Write the note" not in html
    assert browser.post(f"/work/my-day/{today_visit.pk}/note/").status_code == 403


def test_my_day_for_another_day_and_a_bad_date(today_visit, therapist):
    browser = _as(therapist)
    assert "Daniel Brooks" not in browser.get("/work/my-day/?date=2026-06-02").content.decode()
    bad = browser.get("/work/my-day/?date=tomorrow")
    assert bad.status_code == 200 and "year-month-day" in bad.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("front_desk", 403), ("client", 403), ("anonymous", 302), ("other_therapist", 200)],
)
def test_my_day_door(request, today_visit, persona, status):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    response = _as(user).get("/work/my-day/")
    assert response.status_code == status
    if persona == "other_therapist":
        assert "Daniel Brooks" not in response.content.decode()


def test_other_staff_cannot_start_someone_elses_visit_note(
    today_visit, other_therapist, stranger_owner, front_desk
):
    assert _as(other_therapist).post(f"/work/my-day/{today_visit.pk}/note/").status_code == 404
    assert _as(front_desk).post(f"/work/my-day/{today_visit.pk}/note/").status_code == 403
    assert _as(stranger_owner).post(f"/work/my-day/{today_visit.pk}/note/").status_code == 403


@pytest.mark.parametrize("size", [2, 8])
def test_my_day_loads_in_a_constant_number_of_queries(
    size,
    frozen_now,
    clinic,
    massage,
    therapist_profile,
    therapist,
    location,
    front_desk,
    django_assert_max_num_queries,
):
    intake_services.ensure_default_rules(clinic)
    short = ServiceFactory(
        clinic=clinic,
        name="Check",
        duration_minutes=15,
        buffer_after_minutes=0,
        therapists=[therapist_profile],
    )
    for i in range(size):
        client = ClientFactory(clinic=clinic, care_team=[therapist_profile])
        submit_intake(client, pain_map=["lower_back_centre"], triggers=["bending_to_pick_up"])
        visit = scheduling.book_appointment(
            client=client,
            service=short,
            therapist=therapist_profile,
            location=location,
            starts_at=ny(2026, 6, 1, 9) + timedelta(minutes=15 * i),
            booked_by=front_desk,
        )
        if i % 2:
            note = services.start_note(client=client, written_by=therapist, appointment=visit)
            services.add_finding(
                note=note,
                added_by=therapist,
                muscle=muscle("psoas-major"),
                side="left",
                role="culprit",
            )
            services.sign_note(note=note, signed_by=therapist)
    browser = _as(therapist)
    browser.get("/work/my-day/")  # warm the session
    with django_assert_max_num_queries(19):
        html = browser.get("/work/my-day/").content.decode()
    assert html.count('class="card visit"') == size


# --- the note page: who may open it ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("therapist", 200),
        ("owner", 200),
        ("front_desk", 403),
        ("client", 403),
        ("other_client", 403),
        ("anonymous", 302),
        ("other_therapist", 404),  # not on the care team; the clinic keeps teams apart
        ("stranger_owner", 404),
    ],
)
def test_who_may_open_the_note_page(request, draft, persona, status):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    response = _as(user).get(f"/work/notes/{draft.pk}/")
    assert response.status_code == status
    if status == 200:
        assert _reads(user, via="workspace") == 1


def test_a_care_team_rule_that_opens_all_clients_lets_the_other_therapist_read(
    draft, other_therapist, clinic
):
    clinic.therapists_see_all_clients = True
    clinic.save()
    response = _as(other_therapist).get(f"/work/notes/{draft.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sign the note" not in html and "only its author" in html
    assert (
        _as(other_therapist)
        .post(f"/work/notes/{draft.pk}/autosave/", {"plan": "mine now"})
        .status_code
        == 403
    )


@pytest.mark.parametrize("persona", ["front_desk", "client"])
def test_no_write_reaches_a_note_for_the_desk_or_a_client(request, draft, persona):
    browser = _as(request.getfixturevalue(persona))
    for tail in ("autosave/", "findings/", "links/", "sign/", "addenda/", "suggestions/"):
        assert browser.post(f"/work/notes/{draft.pk}/{tail}", {"plan": "x"}).status_code == 403


# --- the note page: writing -----------------------------------------------------------------------


def test_the_page_shows_soap_time_phrases_and_clearance(draft, therapist):
    html = _as(therapist).get(f"/work/notes/{draft.pk}/").content.decode()
    assert "10:00" in html and "(New York time)" in html
    for label in ("Subjective", "Objective", "Assessment", "Plan", "Pain before (0-10)"):
        assert label in html
    assert 'hx-trigger="keyup changed delay:1s, change"' in html
    assert "+ Better since last visit" in html
    assert "No red flags" in html


def test_autosave_keeps_the_text_and_answers_saved_at(draft, therapist):
    response = _as(therapist).post(
        f"/work/notes/{draft.pk}/autosave/",
        {"subjective": "Sore after gardening", "objective": "", "nrs_before": "6"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Saved at 08:00 (New York time)" in response.content.decode()
    draft.refresh_from_db()
    assert draft.subjective == "Sore after gardening" and draft.nrs_before == 6


def test_autosave_refuses_a_bad_pain_score_next_to_the_field(draft, therapist):
    browser = _as(therapist)
    partial = browser.post(
        f"/work/notes/{draft.pk}/autosave/",
        {"subjective": "Kept text", "nrs_before": "eleven"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Not saved" in partial and 'id="err-nrs_before" hx-swap-oob="true"' in partial
    page = browser.post(
        f"/work/notes/{draft.pk}/autosave/", {"subjective": "Kept text", "nrs_before": "11"}
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert "Give a whole number from 0 to 10." in html
    assert ">Kept text</textarea>" in html and 'value="11"' in html
    draft.refresh_from_db()
    assert draft.subjective != "Kept text"


def test_a_quick_phrase_is_appended_to_what_was_typed(draft, therapist, clinic):
    phrase = NoteTemplate.objects.get(clinic=clinic, title="Anterior pelvic tilt")
    response = _as(therapist).post(
        f"/work/notes/{draft.pk}/phrase/",
        {"objective": "Typed first.", "phrase": phrase.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.objective == "Typed first.\n" + phrase.text
    assert phrase.text in response.content.decode()


def test_accepting_a_suggestion_adds_culprits_from_the_intake(
    today_visit, client_record, therapist, clinic
):
    intake_services.ensure_default_rules(clinic)
    submission = submit_intake(
        client_record, pain_map=["lower_back_centre"], triggers=["bending_to_pick_up"]
    )
    suggestion = submission.suggestions.get(muscle__slug="adductor-longus")
    note = services.start_note(client=client_record, written_by=therapist, appointment=today_visit)
    browser = _as(therapist)
    assert "Accept as culprit" in browser.get(f"/work/notes/{note.pk}/").content.decode()
    panel = browser.post(
        f"/work/notes/{note.pk}/suggestions/", {"suggestion": suggestion.pk}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert set(note.findings.values_list("side", "role")) == {
        ("left", "culprit"),
        ("right", "culprit"),
    }
    assert "In the note" in panel


def test_the_region_lists_its_muscles_then_culprit_and_victim_are_added_and_linked(
    draft, therapist
):
    browser = _as(therapist)
    picker = browser.get(f"/work/notes/{draft.pk}/muscles/?region=thigh", HTTP_HX_REQUEST="true")
    assert "Rectus femoris" in picker.content.decode()
    assert 'aria-current="true">Thigh</a>' in picker.content.decode()
    assert "Erector spinae" not in picker.content.decode()
    for slug, role in (("rectus-femoris", "culprit"), ("erector-spinae", "victim")):
        response = browser.post(
            f"/work/notes/{draft.pk}/findings/",
            {
                "muscle": muscle(slug).pk,
                "side": "left",
                "role": role,
                "tension": "2",
                "tenderness": "1",
                "region": "thigh",
            },
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
    culprit = MuscleFinding.objects.get(note=draft, role=FindingRole.CULPRIT)
    victim = MuscleFinding.objects.get(note=draft, role=FindingRole.VICTIM)
    assert (culprit.tension, culprit.tenderness) == (2, 1)
    panel = browser.post(
        f"/work/notes/{draft.pk}/links/",
        {"culprit": culprit.pk, "victim": victim.pk},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert TugOfWar.objects.filter(culprit=culprit, victim=victim).exists()
    assert "pulls on" in panel
    browser.post(f"/work/notes/{draft.pk}/findings/remove/", {"finding": victim.pk})
    assert not MuscleFinding.objects.filter(pk=victim.pk).exists()


def test_a_bad_finding_shows_the_errors_and_keeps_the_choices(draft, therapist):
    browser = _as(therapist)
    response = browser.post(
        f"/work/notes/{draft.pk}/findings/",
        {
            "muscle": muscle("rectus-femoris").pk,
            "side": "",
            "role": "culprit",
            "tension": "2",
            "region": "thigh",
        },
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "is sided: say left, right or both." in html
    assert re.search(rf'value="{muscle("rectus-femoris").pk}"\s+checked', html)
    assert re.search(r'<option value="2"\s+selected>', html)
    missing = browser.post(f"/work/notes/{draft.pk}/findings/", {"region": "thigh"})
    assert missing.status_code == 400 and "Choose a muscle." in missing.content.decode()
    assert not MuscleFinding.objects.filter(note=draft).exists()


def test_signing_shows_the_hash_and_then_addenda_are_added(draft, therapist, owner):
    browser = _as(therapist)
    assert browser.post(f"/work/notes/{draft.pk}/sign/").status_code == 302
    draft.refresh_from_db()
    assert draft.status == NoteStatus.SIGNED
    html = browser.get(f"/work/notes/{draft.pk}/").content.decode()
    assert draft.content_hash in html and "Add an addendum" in html
    assert "<textarea" in html and 'name="subjective"' not in html  # read-only now
    empty = browser.post(f"/work/notes/{draft.pk}/addenda/", {"text": "   "})
    assert empty.status_code == 400 and "Write the addendum." in empty.content.decode()
    assert (
        _as(owner)
        .post(f"/work/notes/{draft.pk}/addenda/", {"text": "Client called: better."})
        .status_code
        == 302
    )
    assert "Client called: better." in browser.get(f"/work/notes/{draft.pk}/").content.decode()
    late = browser.post(f"/work/notes/{draft.pk}/autosave/", {"plan": "too late"})
    assert late.status_code == 409 or "cannot be changed" in late.content.decode()


@pytest.mark.parametrize("size", [2, 8])
def test_the_note_page_loads_in_a_constant_number_of_queries(
    size, draft, therapist, clinic, django_assert_max_num_queries
):
    muscles = list(Muscle.objects.filter(sided=True).order_by("id")[:size])
    findings = [
        services.add_finding(
            note=draft,
            added_by=therapist,
            muscle=m,
            side="left",
            role=FindingRole.CULPRIT if i % 2 else FindingRole.VICTIM,
        )
        for i, m in enumerate(muscles)
    ]
    services.link_tug_of_war(
        note=draft, linked_by=therapist, culprit=findings[1], victim=findings[0]
    )
    browser = _as(therapist)
    browser.get(f"/work/notes/{draft.pk}/")
    with django_assert_max_num_queries(20):
        html = browser.get(f"/work/notes/{draft.pk}/?region=thigh").content.decode()
    assert html.count("Remove<span") == size


def test_a_muscle_length_test_is_recorded_and_bad_input_is_kept(draft, therapist):
    browser = _as(therapist)
    bad = browser.post(
        f"/work/notes/{draft.pk}/tests/",
        {
            "test": "other",
            "name": "",
            "side": "left",
            "result": "positive",
            "degrees": "200",
            "comment": "Tight at end range",
        },
    )
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "Give whole degrees from 0 to 180." in html and 'value="Tight at end range"' in html
    unnamed = browser.post(
        f"/work/notes/{draft.pk}/tests/",
        {"test": "other", "side": "left", "result": "positive"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Name the test." in unnamed
    panel = browser.post(
        f"/work/notes/{draft.pk}/tests/",
        {"test": "thomas", "side": "right", "result": "positive", "degrees": "15"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    row = draft.tests.get()
    assert (row.test, row.side, row.result, row.degrees) == ("thomas", "right", "positive", 15)
    assert "Thomas test (hip flexors), right" in panel
    browser.post(f"/work/notes/{draft.pk}/tests/remove/", {"test": row.pk})
    assert not draft.tests.exists()


@pytest.fixture
def signed_visit_note(
    frozen_now, massage, client_record, therapist, therapist_profile, location, front_desk, clinic
):
    """A note signed for the visit on Tuesday 2 June: psoas culprit, QL victim."""
    homework.ensure_homework_setup(clinic)
    visit = _book(client_record, therapist_profile, location, front_desk, massage, 10, day=2)
    note = services.start_note(client=client_record, written_by=therapist, appointment=visit)
    services.add_finding(
        note=note,
        added_by=therapist,
        muscle=muscle("psoas-major"),
        side="both",
        role="culprit",
        tension=3,
    )
    services.add_finding(
        note=note,
        added_by=therapist,
        muscle=muscle("quadratus-lumborum"),
        side="left",
        role="victim",
    )
    return services.sign_note(note=note, signed_by=therapist)


def test_my_day_shows_homework_done_since_the_last_visit(
    signed_visit_note, therapist, client_record, therapist_profile, location, front_desk, massage
):
    plan = homework.propose_plan(note=signed_visit_note, proposed_by=therapist)
    homework.update_plan(
        plan=plan,
        changed_by=therapist,
        days_of_week=[0, 2, 4],
        time_of_day=time(18),
        start_date=date(2026, 6, 1),
        end_date=date(2026, 6, 30),
    )
    homework.publish_plan(plan=plan, published_by=therapist)
    with time_machine.travel(ny(2026, 6, 5, 20), tick=False):
        homework.record_reply(plan=plan, session_date=date(2026, 6, 3), kind="done")
    with time_machine.travel(ny(2026, 6, 8, 8), tick=False):
        _book(client_record, therapist_profile, location, front_desk, massage, 10, day=8)
        html = _as(therapist).get("/work/my-day/").content.decode()
    # Wednesday, Friday and today (Monday) were prescribed since the visit; one was done.
    assert "1 of 3 sessions done since 2 Jun" in html
    assert "Psoas major (both)" in html and "Quadratus lumborum (left)" in html
    assert _reads(therapist, via="my day") == 2  # the last note and the plan


def test_a_link_is_taken_back_on_the_draft_and_not_on_a_signed_note(draft, therapist):
    browser = _as(therapist)
    findings = {}
    for slug, role in (("rectus-femoris", "culprit"), ("erector-spinae", "victim")):
        browser.post(
            f"/work/notes/{draft.pk}/findings/",
            {"muscle": muscle(slug).pk, "side": "left", "role": role, "region": "thigh"},
            HTTP_HX_REQUEST="true",
        )
        findings[role] = MuscleFinding.objects.get(note=draft, role=role)
    browser.post(
        f"/work/notes/{draft.pk}/links/",
        {"culprit": findings["culprit"].pk, "victim": findings["victim"].pk},
        HTTP_HX_REQUEST="true",
    )
    link = TugOfWar.objects.get(culprit=findings["culprit"])
    panel = browser.get(f"/work/notes/{draft.pk}/").content.decode()
    assert "Unlink" in panel
    answer = browser.post(
        f"/work/notes/{draft.pk}/links/remove/", {"link": link.pk}, HTTP_HX_REQUEST="true"
    )
    assert answer.status_code == 200
    assert not TugOfWar.objects.filter(pk=link.pk).exists()
    assert "No culprit linked to a victim yet." in answer.content.decode()
    assert browser.post(f"/work/notes/{draft.pk}/links/remove/", {"link": "x"}).status_code == 404


def _earlier_victim(client_record, therapist, draft):
    """A phone note signed before today's visit records the left quadratus
    lumborum as a victim: it is on the problem list when today's note opens."""
    earlier = services.start_note(
        client=client_record,
        written_by=therapist,
        kind="phone",
        seen_at=draft.seen_at - timedelta(days=7),
    )
    services.add_finding(
        note=earlier,
        added_by=therapist,
        muscle=muscle("quadratus-lumborum"),
        side="left",
        role=FindingRole.VICTIM,
    )
    services.sign_note(note=earlier, signed_by=therapist)
    return client_record.problems.get()


def test_the_therapist_confirms_and_resolves_a_problem_from_the_note_page(
    draft, client_record, therapist
):
    entry = _earlier_victim(client_record, therapist, draft)
    browser = _as(therapist)
    page = browser.get(f"/work/notes/{draft.pk}/").content.decode()
    assert "Quadratus lumborum" in page and "Confirm" in page and "Resolve" in page
    base = f"/work/notes/{draft.pk}/problems/{entry.pk}"
    assert browser.post(f"{base}/confirm/", HTTP_HX_REQUEST="true").status_code == 200
    entry.refresh_from_db()
    assert entry.status == "confirmed"
    answer = browser.post(
        f"{base}/resolve/", {"reason": "No pain for a month"}, HTTP_HX_REQUEST="true"
    )
    entry.refresh_from_db()
    assert (entry.status, entry.resolved_reason) == ("resolved", "No pain for a month")
    assert "Nothing open on the problem list." in answer.content.decode()
    assert browser.post(f"{base}/forget/").status_code == 404


def test_only_the_clients_therapist_or_the_owner_change_the_problem_list_from_a_page(
    draft, client_record, therapist, front_desk, stranger_owner
):
    entry = _earlier_victim(client_record, therapist, draft)
    url = f"/work/notes/{draft.pk}/problems/{entry.pk}/resolve/"
    assert _as(front_desk).post(url).status_code == 403
    assert _as(stranger_owner).post(url).status_code == 404
    entry.refresh_from_db()
    assert entry.status != "resolved"
