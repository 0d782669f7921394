"""The client's problem list: culprit and victim muscles are remembered from
the note that first records them until a therapist resolves them."""

from __future__ import annotations

import importlib
from datetime import date, datetime

import pytest
import time_machine
from django.apps import apps
from django.db import IntegrityError, transaction

from clinic.core.errors import Conflict, NotAllowed
from clinic.core.models import AuditEvent, Role
from notes import services
from notes.models import ProblemEntry, SessionNote
from tests.clinic.factories import ClientFactory, ClinicFactory, TherapistFactory, UserFactory
from tests.conftest import PERSONAS
from tests.notes.conftest import muscle
from tests.scheduling.conftest import ny
from tests.support.matrix import fill

pytestmark = pytest.mark.clock  # entries carry the clinic's dates of the visits

# (muscle slug, side, role)
Finding = tuple[str, str, str]


def signed_visit(client, therapist, seen_at: datetime, findings: list[Finding]) -> SessionNote:
    """A phone-consult note with these findings, signed by its author."""
    note = services.start_note(client=client, written_by=therapist, kind="phone", seen_at=seen_at)
    for slug, side, role in findings:
        services.add_finding(
            note=note, added_by=therapist, muscle=muscle(slug), side=side, role=role
        )
    return services.sign_note(note=note, signed_by=therapist)


def listed(client, **filters) -> dict[tuple[str, str, str], ProblemEntry]:
    return {
        (e.muscle.slug, e.side, e.role): e
        for e in ProblemEntry.objects.filter(client=client, **filters).select_related("muscle")
    }


VISIT_1 = ny(2026, 6, 2, 10)
VISIT_2 = ny(2026, 6, 9, 10)
VISIT_3 = ny(2026, 6, 16, 10)
QL_LEFT_VICTIM = ("quadratus-lumborum", "left", "victim")
PSOAS_CULPRIT = ("psoas-major", "both", "culprit")


@pytest.fixture
def first_visit(frozen_now, client_record, therapist):
    """Visit 1: both psoas culprits pulling on a left quadratus lumborum victim,
    and a calf recorded as neither."""
    return signed_visit(
        client_record,
        therapist,
        VISIT_1,
        [PSOAS_CULPRIT, QL_LEFT_VICTIM, ("soleus", "left", "neither")],
    )


# --- signing -------------------------------------------------------------------------------------


def test_signing_a_note_puts_its_culprits_and_victims_on_the_list_as_suspected(
    first_visit, client_record
):
    entries = listed(client_record)
    assert set(entries) == {PSOAS_CULPRIT, QL_LEFT_VICTIM}  # "neither" is not a problem
    victim = entries[QL_LEFT_VICTIM]
    assert victim.status == "suspected" and victim.times_seen == 1
    assert victim.first_seen_note == victim.last_seen_note == first_visit
    assert victim.first_seen_on == victim.last_seen_on == date(2026, 6, 2)
    sign_event = AuditEvent.objects.filter(
        object_type="notes.sessionnote", object_id=str(first_visit.pk), detail__signed=True
    ).get()
    assert sorted(sign_event.detail["problems_created"]) == sorted(e.pk for e in entries.values())


def test_a_draft_changes_nothing_on_the_list(frozen_now, client_record, therapist):
    note = services.start_note(
        client=client_record, written_by=therapist, kind="phone", seen_at=VISIT_1
    )
    services.add_finding(
        note=note, added_by=therapist, muscle=muscle("iliacus"), side="left", role="culprit"
    )
    assert not ProblemEntry.objects.filter(client=client_record).exists()


def test_a_muscle_recorded_again_at_a_later_visit_is_confirmed_and_its_last_seen_moves(
    first_visit, client_record, therapist
):
    second = signed_visit(client_record, therapist, VISIT_2, [QL_LEFT_VICTIM])
    victim = listed(client_record)[QL_LEFT_VICTIM]
    assert victim.status == "confirmed" and victim.times_seen == 2
    assert victim.first_seen_note == first_visit and victim.first_seen_on == date(2026, 6, 2)
    assert victim.last_seen_note == second and victim.last_seen_on == date(2026, 6, 9)


def test_an_entry_a_later_note_does_not_mention_stays_active(first_visit, client_record, therapist):
    signed_visit(client_record, therapist, VISIT_2, [PSOAS_CULPRIT])
    victim = listed(client_record)[QL_LEFT_VICTIM]
    assert victim.status == "suspected" and victim.last_seen_note == first_visit


def test_another_side_or_role_is_an_entry_of_its_own(first_visit, client_record, therapist):
    signed_visit(
        client_record,
        therapist,
        VISIT_2,
        [("quadratus-lumborum", "right", "victim"), ("soleus", "left", "culprit")],
    )
    entries = listed(client_record)
    assert entries[QL_LEFT_VICTIM].status == "suspected"
    assert entries["quadratus-lumborum", "right", "victim"].status == "suspected"
    assert entries["soleus", "left", "culprit"].status == "suspected"


def test_an_earlier_visit_signed_late_moves_first_seen_and_not_last_seen(
    first_visit, client_record, therapist
):
    earlier = signed_visit(client_record, therapist, ny(2026, 5, 26, 10), [QL_LEFT_VICTIM])
    victim = listed(client_record)[QL_LEFT_VICTIM]
    assert victim.first_seen_note == earlier and victim.first_seen_on == date(2026, 5, 26)
    assert victim.last_seen_note == first_visit and victim.times_seen == 2


def test_the_database_keeps_one_active_entry_per_muscle_side_and_role(first_visit, client_record):
    victim = listed(client_record)[QL_LEFT_VICTIM]
    copy = ProblemEntry(
        clinic=victim.clinic,
        client=victim.client,
        muscle=victim.muscle,
        side=victim.side,
        role=victim.role,
        first_seen_on=victim.first_seen_on,
        first_seen_note=victim.first_seen_note,
        last_seen_on=victim.last_seen_on,
        last_seen_note=victim.last_seen_note,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


# --- confirming and resolving --------------------------------------------------------------------


def test_the_therapist_confirms_a_suspected_entry_by_hand_and_it_is_audited(
    first_visit, client_record, therapist
):
    victim = listed(client_record)[QL_LEFT_VICTIM]
    confirmed = services.confirm_problem(entry=victim, confirmed_by=therapist)
    assert confirmed.status == "confirmed" and confirmed.confirmed_by == therapist
    assert AuditEvent.objects.filter(
        object_type="notes.problementry",
        object_id=str(victim.pk),
        client=client_record,
        detail__problem_confirmed=True,
    ).exists()
    again = services.confirm_problem(entry=victim, confirmed_by=therapist)
    assert again.status == "confirmed"  # no change, no error


def test_resolving_takes_an_entry_off_the_active_list_with_its_reason_and_is_audited(
    first_visit, client_record, therapist
):
    victim = listed(client_record)[QL_LEFT_VICTIM]
    with time_machine.travel(ny(2026, 6, 5, 9), tick=False):
        resolved = services.resolve_problem(
            entry=victim, resolved_by=therapist, reason="  No longer tender at rest.  "
        )
    assert resolved.status == "resolved" and resolved.resolved_by == therapist
    assert resolved.resolved_reason == "No longer tender at rest."
    assert QL_LEFT_VICTIM not in listed(client_record, status__in=["suspected", "confirmed"])
    event = AuditEvent.objects.get(object_type="notes.problementry", object_id=str(victim.pk))
    assert event.actor == therapist and event.client == client_record
    assert event.detail == {"problem_resolved": True, "reason": "No longer tender at rest."}
    with pytest.raises(Conflict):
        services.resolve_problem(entry=victim, resolved_by=therapist)
    with pytest.raises(Conflict):
        services.confirm_problem(entry=victim, confirmed_by=therapist)


def test_a_resolved_entry_reopens_when_a_later_signed_note_records_it_again(
    first_visit, client_record, therapist
):
    victim = listed(client_record)[QL_LEFT_VICTIM]
    with time_machine.travel(ny(2026, 6, 5, 9), tick=False):
        services.resolve_problem(entry=victim, resolved_by=therapist, reason="Settled.")
    signed_visit(client_record, therapist, VISIT_2, [PSOAS_CULPRIT])  # not mentioned: stays off
    assert listed(client_record)[QL_LEFT_VICTIM].status == "resolved"
    third = signed_visit(client_record, therapist, VISIT_3, [QL_LEFT_VICTIM])
    reopened = listed(client_record)[QL_LEFT_VICTIM]
    assert reopened.pk == victim.pk and reopened.status == "suspected"
    assert reopened.reopened_at is not None and reopened.last_seen_note == third
    # The last resolution stays on the row.
    assert reopened.resolved_reason == "Settled." and reopened.resolved_by == therapist


def test_only_the_clients_therapist_or_the_owner_changes_the_list(
    first_visit, client_record, other_therapist, front_desk, client, owner
):
    victim = listed(client_record)[QL_LEFT_VICTIM]
    for outsider in (other_therapist, front_desk, client):
        with pytest.raises(NotAllowed):
            services.resolve_problem(entry=victim, resolved_by=outsider)
        with pytest.raises(NotAllowed):
            services.confirm_problem(entry=victim, confirmed_by=outsider)
    stranger = UserFactory(clinic=ClinicFactory(name="Elsewhere"), role=Role.OWNER)
    with pytest.raises(NotAllowed):
        services.resolve_problem(entry=victim, resolved_by=stranger)
    assert services.resolve_problem(entry=victim, resolved_by=owner).status == "resolved"


# --- what the next note shows ------------------------------------------------------------------


def test_a_new_draft_lists_the_active_entries_to_recheck(first_visit, client_record, therapist):
    psoas = listed(client_record)[PSOAS_CULPRIT]
    services.resolve_problem(entry=psoas, resolved_by=therapist)
    draft = services.start_note(
        client=client_record, written_by=therapist, kind="phone", seen_at=VISIT_2
    )
    [item] = draft.subjective_data["to_recheck"]
    assert item["muscle"] == "quadratus-lumborum" and item["side"] == "left"
    assert (item["role"], item["status"], item["last_seen_on"]) == (
        "victim",
        "suspected",
        "2026-06-02",
    )
    assert "Quadratus lumborum, left: victim, suspected, last recorded 2026-06-02." in (
        draft.subjective
    )
    assert "Psoas" not in draft.subjective  # resolved: not asked about again


def test_a_client_with_nothing_open_gets_no_recheck_prompt(frozen_now, client_record, therapist):
    draft = services.start_note(
        client=client_record, written_by=therapist, kind="phone", seen_at=VISIT_1
    )
    assert "to_recheck" not in draft.subjective_data and "problem list" not in draft.subjective


def test_the_note_shows_the_clients_active_problems(api_as, first_visit, client_record):
    body = api_as("therapist").get(f"/api/v1/notes/{first_visit.pk}/").json()
    problems = {(p["muscle"], p["side"], p["role"]): p for p in body["active_problems"]}
    assert set(problems) == {PSOAS_CULPRIT, QL_LEFT_VICTIM}
    victim = problems[QL_LEFT_VICTIM]
    assert victim["status"] == "suspected" and victim["muscle_name"] == "Quadratus lumborum"
    assert victim["first_seen_on"] == victim["last_seen_on"] == "2026-06-02"
    assert victim["first_seen_note"] == first_visit.pk


def test_the_notes_list_reads_active_problems_in_the_same_queries_however_many_clients(
    api_as, clinic, therapist_profile, therapist, frozen_now, django_assert_max_num_queries
):
    def add_clients(count: int) -> None:
        for _ in range(count):
            client = ClientFactory(clinic=clinic, care_team=[therapist_profile])
            signed_visit(client, therapist, VISIT_1, [PSOAS_CULPRIT, QL_LEFT_VICTIM])

    api_client = api_as("therapist")
    add_clients(1)
    with django_assert_max_num_queries(100) as few:
        assert api_client.get("/api/v1/notes/?page_size=100").status_code == 200
    add_clients(12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        rows = api_client.get("/api/v1/notes/?page_size=100").json()["results"]
    assert len(rows) == 13 and all(len(row["active_problems"]) == 2 for row in rows)


# --- the API -------------------------------------------------------------------------------------

A, C, OC, T, OT, FD, OW = PERSONAS
READ = {A: 401, C: 403, OC: 403, T: 200, OT: 404, FD: 403, OW: 200}
CHANGE = {A: 401, C: 403, OC: 403, T: 200, OT: 404, FD: 403, OW: 200}


@pytest.fixture
def ids(first_visit, client_record, owner, front_desk, other_therapist, client, other_client):
    entries = listed(client_record)
    return {
        "client": client_record.pk,
        "victim": entries[QL_LEFT_VICTIM].pk,
        "culprit": entries[PSOAS_CULPRIT].pk,
    }


MATRIX = [
    ("problem list", "get", "/api/v1/clients/{client}/problems/", None, READ),
    ("all problems", "get", "/api/v1/clients/{client}/problems/?status=all", None, READ),
    ("confirm", "post", "/api/v1/problems/{victim}/confirm/", None, CHANGE),
    ("resolve", "post", "/api/v1/problems/{culprit}/resolve/", {"reason": "Eased."}, CHANGE),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("name", "method", "url", "body", "expected"), MATRIX, ids=[row[0] for row in MATRIX]
)
def test_problem_list_permission_matrix(api_as, ids, persona, name, method, url, body, expected):
    response = getattr(api_as(persona), method)(fill(url, ids), fill(body, ids), format="json")
    assert response.status_code == expected[persona], response.content[:500]


def test_another_clinics_staff_cannot_reach_the_problem_list(api_as, ids, api):
    elsewhere = ClinicFactory(name="Elsewhere")
    for role in (Role.OWNER, Role.THERAPIST):
        user = UserFactory(clinic=elsewhere, role=role)
        if role == Role.THERAPIST:
            TherapistFactory(user=user)
        api.force_authenticate(user)
        assert api.get(f"/api/v1/clients/{ids['client']}/problems/").status_code == 404
        assert api.post(f"/api/v1/problems/{ids['victim']}/resolve/").status_code == 404
        assert api.post(f"/api/v1/problems/{ids['victim']}/confirm/").status_code == 404
    assert ProblemEntry.objects.get(pk=ids["victim"]).status == "suspected"


def test_the_list_shows_active_entries_and_the_rest_on_request(api_as, ids, client_record):
    therapist_api = api_as("therapist")
    resolved = therapist_api.post(
        f"/api/v1/problems/{ids['culprit']}/resolve/", {"reason": "Eased."}, format="json"
    )
    assert resolved.status_code == 200
    assert (
        resolved.json()["status"] == "resolved" and resolved.json()["resolved_reason"] == "Eased."
    )
    url = f"/api/v1/clients/{ids['client']}/problems/"

    def shown(query: str = "") -> list[tuple[int, str]]:
        response = therapist_api.get(url + query)
        assert response.status_code == 200, response.content
        return [(row["id"], row["status"]) for row in response.json()]

    assert shown() == [(ids["victim"], "suspected")]
    assert shown("?status=resolved") == [(ids["culprit"], "resolved")]
    assert shown("?status=all") == [(ids["victim"], "suspected"), (ids["culprit"], "resolved")]
    confirmed = therapist_api.post(f"/api/v1/problems/{ids['victim']}/confirm/")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    assert shown("?status=confirmed") == [(ids["victim"], "confirmed")]


def test_bad_problem_list_input_names_the_field(api_as, ids):
    therapist_api = api_as("therapist")
    bad_filter = therapist_api.get(f"/api/v1/clients/{ids['client']}/problems/?status=gone")
    assert bad_filter.status_code == 400 and "status" in bad_filter.json()["fields"]
    too_long = therapist_api.post(
        f"/api/v1/problems/{ids['victim']}/resolve/", {"reason": "x" * 501}, format="json"
    )
    assert too_long.status_code == 400 and "reason" in too_long.json()["fields"]
    assert ProblemEntry.objects.get(pk=ids["victim"]).status == "suspected"  # nothing written
    twice = [therapist_api.post(f"/api/v1/problems/{ids['victim']}/resolve/") for _ in range(2)]
    assert [r.status_code for r in twice] == [200, 409]


def test_reading_the_problem_list_is_audited(api_as, ids, therapist, owner, client_record):
    for user, persona in ((therapist, "therapist"), (owner, "owner")):
        before = AuditEvent.objects.filter(actor=user, action="read").count()
        api_as(persona).get(f"/api/v1/clients/{ids['client']}/problems/")
        event = AuditEvent.objects.filter(actor=user, action="read").order_by("-pk").first()
        assert AuditEvent.objects.filter(actor=user, action="read").count() == before + 1
        assert event.client == client_record and event.detail == {"via": "problem list"}


def test_the_problem_list_costs_the_same_queries_however_long(
    api_as, first_visit, client_record, therapist, django_assert_max_num_queries
):
    url = f"/api/v1/clients/{client_record.pk}/problems/?status=all"
    with django_assert_max_num_queries(100) as short:
        assert len(api_as("therapist").get(url).json()) == 2
    slugs = ["iliacus", "rectus-femoris", "adductor-longus", "gracilis", "piriformis", "soleus"]
    signed_visit(
        client_record,
        therapist,
        VISIT_2,
        [(slug, side, "culprit") for slug in slugs for side in ("left", "right")],
    )
    with django_assert_max_num_queries(len(short.captured_queries)):
        assert len(api_as("therapist").get(url).json()) == 14


# --- the migration -------------------------------------------------------------------------------


def test_the_migration_builds_the_list_from_the_signed_notes_already_in_the_database(
    frozen_now, client_record, therapist, other_client_record, other_therapist
):
    first = signed_visit(client_record, therapist, VISIT_1, [PSOAS_CULPRIT, QL_LEFT_VICTIM])
    second = signed_visit(client_record, therapist, VISIT_2, [QL_LEFT_VICTIM])
    signed_visit(other_client_record, other_therapist, VISIT_1, [("soleus", "right", "victim")])
    draft = services.start_note(
        client=client_record, written_by=therapist, kind="phone", seen_at=VISIT_3
    )
    services.add_finding(
        note=draft, added_by=therapist, muscle=muscle("iliacus"), side="left", role="victim"
    )
    # As before the problem list existed: the notes, and no entries.
    ProblemEntry.objects.all().delete()
    migration = importlib.import_module("notes.migrations.0004_problem_list")
    migration.build_problem_list(apps, None)

    entries = listed(client_record)
    assert set(entries) == {PSOAS_CULPRIT, QL_LEFT_VICTIM}  # the draft's finding is not in
    victim = entries[QL_LEFT_VICTIM]
    assert (victim.status, victim.times_seen) == ("confirmed", 2)
    assert (victim.first_seen_note, victim.first_seen_on) == (first, date(2026, 6, 2))
    assert (victim.last_seen_note, victim.last_seen_on) == (second, date(2026, 6, 9))
    assert entries[PSOAS_CULPRIT].status == "suspected"
    assert victim.clinic_id == client_record.clinic_id
    assert set(listed(other_client_record)) == {("soleus", "right", "victim")}
    # Run again, it adds nothing.
    migration.build_problem_list(apps, None)
    assert ProblemEntry.objects.count() == 3


def test_dates_on_the_list_are_the_clinics_dates(frozen_now, client_record, therapist):
    # 23:30 in New York is already the next day in UTC.
    signed_visit(client_record, therapist, ny(2026, 6, 2, 23, 30), [QL_LEFT_VICTIM])
    assert listed(client_record)[QL_LEFT_VICTIM].first_seen_on == date(2026, 6, 2)
