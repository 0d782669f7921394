from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clinic.core.errors import Conflict, InvalidInput, NotAllowed
from clinic.core.models import AuditEvent
from intake import services as intake_services
from intake.models import PainRating
from notes import services
from notes.models import NoteLocked, SessionNote
from notes.selectors import list_culprit_history
from notes.services import NoteIsSigned
from tests.intake.helpers import submit_intake
from tests.notes.conftest import muscle

SVG = "{http://www.w3.org/2000/svg}"


def _culprit_and_victim(note, therapist):
    culprit = services.add_finding(
        note=note,
        added_by=therapist,
        muscle=muscle("rectus-femoris"),
        side="left",
        role="culprit",
        tension=3,
        tenderness=1,
    )
    victim = services.add_finding(
        note=note,
        added_by=therapist,
        muscle=muscle("erector-spinae"),
        side="left",
        role="victim",
        tension=1,
        tenderness=3,
        trigger_points=True,
    )
    services.link_tug_of_war(note=note, linked_by=therapist, culprit=culprit, victim=victim)
    return culprit, victim


def test_a_visit_note_is_prefilled_from_the_intake(visit, client_record, therapist):
    submit_intake(
        client_record, pain_map=["lower_back_left"], triggers=["sitting_long"], nrs_now="7"
    )
    note = services.start_note(client=client_record, written_by=therapist, appointment=visit)
    assert note.subjective_data["intake"]["pain_regions"] == ["Lower back, left side"]
    assert "Pain now 7/10" in note.subjective
    assert note.seen_at == visit.starts_at and note.status == "draft"
    with pytest.raises(Conflict):
        services.start_note(client=client_record, written_by=therapist, appointment=visit)


def test_notes_need_the_right_therapist_and_kind(
    visit, client_record, other_therapist, therapist, front_desk
):
    with pytest.raises(NotAllowed):
        services.start_note(client=client_record, written_by=other_therapist, appointment=visit)
    with pytest.raises(NotAllowed):
        services.start_note(client=client_record, written_by=front_desk, appointment=visit)
    with pytest.raises(InvalidInput):
        services.start_note(client=client_record, written_by=therapist)  # visit, no appointment
    phone = services.start_note(client=client_record, written_by=therapist, kind="phone")
    assert phone.appointment is None and phone.kind == "phone"


def test_a_side_is_refused_for_a_midline_muscle_and_required_otherwise(note, therapist):
    with pytest.raises(InvalidInput) as midline:
        services.add_finding(
            note=note, added_by=therapist, muscle=muscle("diaphragm"), side="left", role="culprit"
        )
    assert "side" in midline.value.fields
    with pytest.raises(InvalidInput):
        services.add_finding(
            note=note, added_by=therapist, muscle=muscle("psoas-major"), side="", role="culprit"
        )
    with pytest.raises(InvalidInput):
        services.add_finding(
            note=note,
            added_by=therapist,
            muscle=muscle("psoas-major"),
            side="left",
            role="culprit",
            tension=4,
        )
    ok = services.add_finding(
        note=note, added_by=therapist, muscle=muscle("diaphragm"), side="", role="neither"
    )
    assert ok.side == ""


def test_tug_of_war_links_a_culprit_to_its_victims_only(note, therapist, visit, client_record):
    culprit, victim = _culprit_and_victim(note, therapist)
    assert list(culprit.pulls.values_list("victim_id", flat=True)) == [victim.pk]
    with pytest.raises(InvalidInput) as backwards:
        services.link_tug_of_war(note=note, linked_by=therapist, culprit=victim, victim=culprit)
    assert set(backwards.value.fields) == {"culprit", "victim"}
    services.update_finding(finding=culprit, changed_by=therapist, role="neither")
    assert not culprit.pulls.exists()


def test_accepting_a_suggestion_makes_culprit_findings_linked_to_the_rule(
    visit, client_record, therapist, clinic
):
    intake_services.ensure_default_rules(clinic)
    submission = submit_intake(
        client_record, pain_map=["lower_back_centre"], triggers=["bending_to_pick_up"]
    )
    suggestion = submission.suggestions.get(muscle__slug="adductor-longus")
    note = services.start_note(client=client_record, written_by=therapist, appointment=visit)
    findings = services.accept_suggestion(note=note, accepted_by=therapist, suggestion=suggestion)
    assert {(f.side, f.role) for f in findings} == {("left", "culprit"), ("right", "culprit")}
    assert all(
        f.suggestion == suggestion and f.suggested_by_rule == suggestion.rule_name for f in findings
    )
    assert services.accept_suggestion(note=note, accepted_by=therapist, suggestion=suggestion) == []


def test_only_the_author_edits_a_draft(note, other_therapist):
    with pytest.raises(NotAllowed):
        services.update_note(note=note, changed_by=other_therapist, assessment="Mine now")


def test_a_signed_note_cannot_be_changed_through_the_services(note, therapist):
    culprit, _victim = _culprit_and_victim(note, therapist)
    test = services.add_test(
        note=note,
        added_by=therapist,
        test="modified_thomas",
        side="left",
        result="positive",
        degrees=15,
    )
    services.update_note(
        note=note,
        changed_by=therapist,
        assessment="Left rectus femoris short",
        nrs_before=6,
        nrs_after=3,
    )
    signed = services.sign_note(note=note, signed_by=therapist)
    assert signed.status == "signed" and len(signed.content_hash) == 64 and signed.signed_at
    attempts = [
        lambda: services.update_note(note=signed, changed_by=therapist, plan="x"),
        lambda: services.add_finding(
            note=signed, added_by=therapist, muscle=muscle("soleus"), side="left", role="culprit"
        ),
        lambda: services.update_finding(finding=culprit, changed_by=therapist, tension=0),
        lambda: services.remove_finding(finding=culprit, removed_by=therapist),
        lambda: services.remove_test(test=test, removed_by=therapist),
        lambda: services.unlink_tug_of_war(link=culprit.pulls.get(), unlinked_by=therapist),
        lambda: services.sign_note(note=signed, signed_by=therapist),
    ]
    for attempt in attempts:
        with pytest.raises(NoteIsSigned):
            attempt()
    signed.plan = "edited behind the service's back"
    with pytest.raises(NoteLocked):
        signed.save()
    with pytest.raises(NoteLocked):
        signed.delete()
    assert services.verify_note_integrity(signed).ok


def test_signing_adds_the_visits_pain_to_the_series(note, therapist, client_record):
    services.update_note(note=note, changed_by=therapist, nrs_before=6, nrs_after=3)
    services.sign_note(note=note, signed_by=therapist)
    ratings = list(PainRating.objects.filter(client=client_record).values_list("source", "score"))
    assert ratings == [("visit_before", 6), ("visit_after", 3)]


def test_a_tampered_signed_note_is_detected(note, therapist):
    culprit, _ = _culprit_and_victim(note, therapist)
    services.sign_note(note=note, signed_by=therapist)
    # Someone edits the database directly, past every guard.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE clinic_musclefinding SET tension = 0 WHERE id = %s", [culprit.pk])
    result = services.verify_note_integrity(note)
    assert not result.ok and result.stored != result.computed
    with connection.cursor() as cursor:
        cursor.execute("UPDATE clinic_musclefinding SET tension = 3 WHERE id = %s", [culprit.pk])
    assert services.verify_note_integrity(note).ok
    SessionNote.objects.filter(pk=note.pk).update(assessment="rewritten")
    assert not services.verify_note_integrity(note).ok


def test_corrections_are_addenda_under_the_signed_note(
    note, therapist, other_therapist, front_desk, owner
):
    with pytest.raises(Conflict):
        services.add_addendum(note=note, written_by=therapist, text="Too early")
    services.sign_note(note=note, signed_by=therapist)
    addendum = services.add_addendum(
        note=note, written_by=therapist, text="Correction: tension was 2, not 3."
    )
    assert addendum.author == therapist
    services.add_addendum(note=note, written_by=owner, text="Reviewed.")
    for outsider in (other_therapist, front_desk):
        with pytest.raises(NotAllowed):
            services.add_addendum(note=note, written_by=outsider, text="Hmm")
    with pytest.raises(NoteLocked):
        addendum.text = "changed"
        addendum.save()


def test_the_body_chart_shows_the_right_muscles_in_the_right_colours(api_as, note, therapist):
    _culprit_and_victim(note, therapist)
    services.add_finding(
        note=note,
        added_by=therapist,
        muscle=muscle("psoas-major"),
        side="both",
        role="culprit",
        tension=2,
    )
    services.add_finding(
        note=note, added_by=therapist, muscle=muscle("diaphragm"), side="", role="victim"
    )
    services.add_finding(
        note=note, added_by=therapist, muscle=muscle("soleus"), side="right", role="neither"
    )
    response = api_as("therapist").get(f"/api/v1/notes/{note.pk}/body-chart/")
    assert response.status_code == 200 and response["Content-Type"].startswith("image/svg+xml")
    root = ET.fromstring(response.content)  # well-formed XML
    drawn = {
        (e.get("data-muscle"), e.get("data-side"), e.get("data-role"), e.get("class"))
        for e in root.iter()
        if e.get("data-muscle")
    }
    assert drawn == {
        ("rectus-femoris", "left", "culprit", "culprit"),
        ("erector-spinae", "left", "victim", "victim"),
        ("psoas-major", "left", "culprit", "culprit"),
        ("psoas-major", "right", "culprit", "culprit"),
        ("diaphragm", "", "victim", "victim"),
    }
    # Coloured by presentation attributes: no <style> for the page's CSP to block.
    assert root.find(f"{SVG}style") is None
    paint = {(e.get("data-role"), e.get("fill")) for e in root.iter() if e.get("data-muscle")}
    assert paint == {("culprit", "#d9480f"), ("victim", "#1c7ed6")}
    # Front view: the client's left thigh is on the viewer's right (x > 100).
    rectus = next(e for e in root.iter() if e.get("data-muscle") == "rectus-femoris")
    assert float(rectus.get("x")) > 100
    legend = [t.text for t in root.iter(f"{SVG}text")]
    assert "Culprit: short, pulling" in legend and "Victim: overstretched, painful" in legend


def test_the_cumulative_chart_keeps_the_latest_role_per_muscle(
    api_as, client_record, therapist, note, visit
):
    first = note
    services.add_finding(
        note=first, added_by=therapist, muscle=muscle("iliacus"), side="right", role="victim"
    )
    services.sign_note(note=first, signed_by=therapist)
    second = services.start_note(
        client=client_record,
        written_by=therapist,
        kind="phone",
        seen_at=first.seen_at + timedelta(days=1),
    )
    services.add_finding(
        note=second, added_by=therapist, muscle=muscle("iliacus"), side="right", role="culprit"
    )
    services.sign_note(note=second, signed_by=therapist)
    body = api_as("therapist").get(f"/api/v1/clients/{client_record.pk}/body-chart/?visits=5")
    root = ET.fromstring(body.content)
    roles = [e.get("data-role") for e in root.iter() if e.get("data-muscle") == "iliacus"]
    assert roles == ["culprit"]
    bad = api_as("therapist").get(f"/api/v1/clients/{client_record.pk}/body-chart/?visits=x")
    assert bad.status_code == 400 and "visits" in bad.json()["fields"]


def test_the_pain_trend_plots_every_rating_with_visit_markers(
    api_as, note, therapist, client_record
):
    submit_intake(client_record, nrs_now="7")
    services.update_note(note=note, changed_by=therapist, nrs_before=6, nrs_after=4)
    services.sign_note(note=note, signed_by=therapist)
    root = ET.fromstring(
        api_as("therapist").get(f"/api/v1/clients/{client_record.pk}/pain-trend/").content
    )
    scores = sorted(
        int(c.get("data-score")) for c in root.iter(f"{SVG}circle") if c.get("data-score")
    )
    assert scores == [4, 6, 7]
    assert len([line for line in root.iter(f"{SVG}line") if line.get("data-visit")]) == 1
    assert root.find(f"{SVG}polyline") is not None


def test_culprit_history_shows_which_hypothesis_improves(client_record, therapist, note):
    services.add_finding(
        note=note,
        added_by=therapist,
        muscle=muscle("rectus-femoris"),
        side="left",
        role="culprit",
        tension=3,
    )
    services.sign_note(note=note, signed_by=therapist)
    later = services.start_note(
        client=client_record,
        written_by=therapist,
        kind="phone",
        seen_at=note.seen_at + timedelta(days=7),
    )
    services.add_finding(
        note=later,
        added_by=therapist,
        muscle=muscle("rectus-femoris"),
        side="left",
        role="culprit",
        tension=1,
    )
    services.sign_note(note=later, signed_by=therapist)
    [history] = list_culprit_history(client_record)
    assert [v["tension"] for v in history["visits"]] == [3, 1]
    assert history["improving"] is True and history["muscle"] == "rectus-femoris"


def test_every_read_and_write_of_a_note_is_audited(api_as, note, therapist):
    before = AuditEvent.objects.filter(
        object_type="notes.sessionnote", object_id=str(note.pk)
    ).count()
    api_as("therapist").get(f"/api/v1/notes/{note.pk}/")
    api_as("therapist").patch(f"/api/v1/notes/{note.pk}/", {"plan": "Stretch daily"}, format="json")
    api_as("owner").get(f"/api/v1/notes/{note.pk}/")
    events = AuditEvent.objects.filter(object_type="notes.sessionnote", object_id=str(note.pk))
    assert events.count() == before + 3
    assert set(events.values_list("action", flat=True)) >= {"create", "read", "update"}


def test_the_timeline_costs_the_same_queries_for_30_notes_of_10_findings(
    api_as, client_record, therapist
):
    slugs = [
        "psoas-major",
        "iliacus",
        "rectus-femoris",
        "adductor-longus",
        "gracilis",
        "biceps-femoris",
        "gluteus-medius",
        "piriformis",
        "quadratus-lumborum",
        "soleus",
    ]

    def add_notes(count: int) -> None:
        for i in range(count):
            note = services.start_note(
                client=client_record,
                written_by=therapist,
                kind="phone",
                seen_at=timezone.now() - timedelta(days=i),
            )
            for slug in slugs:
                services.add_finding(
                    note=note,
                    added_by=therapist,
                    muscle=muscle(slug),
                    side="left",
                    role="culprit",
                    tension=2,
                )
            services.sign_note(note=note, signed_by=therapist)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            body = api_as("therapist").get(f"/api/v1/clients/{client_record.pk}/timeline/")
        assert body.status_code == 200
        return len(ctx.captured_queries)

    add_notes(2)
    few = queries()
    add_notes(28)
    response = api_as("therapist").get(f"/api/v1/clients/{client_record.pk}/timeline/").json()
    notes = [i for i in response["items"] if i["type"] == "note"]
    assert len(notes) == 30 and all(len(n["note"]["findings"]) == 10 for n in notes)
    assert queries() == few
