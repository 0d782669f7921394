"""The admin for two clinics, as the permission matrix covers the API: every
list, change page, search, filter and autocomplete of every ModelAdmin of ours
shows the signed-in user's own clinic only. The admins are taken from the site,
so a new one is covered (and must be added to ``LIST_ACCESS``) at once."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.admin import RelatedFieldListFilter
from django.core import checks
from django.test import Client as BrowserClient
from django.test import RequestFactory

from clinic.core.admin_scoping import ClinicScopedAdmin, ClinicScopedTabularInline
from clinic.core.models import Client, Muscle, User
from scheduling.models import Appointment, AvailabilityOverride
from tests.clinic.admin_world import (
    admin_url,
    is_not_found,
    label,
    our_admins,
    signed_in,
)

# Who opens each admin list: (front desk, owner). Therapists, clients and
# strangers have no admin at all (sent to the sign-in page).
LIST_ACCESS = {
    "clinic.auditevent": (403, 200),
    "clinic.client": (200, 200),
    "clinic.clinic": (200, 200),
    "clinic.location": (200, 200),
    "clinic.muscle": (200, 200),
    "clinic.therapist": (200, 200),
    "clinic.user": (403, 200),
    "homework.areapriority": (403, 200),
    "homework.dosingprofile": (403, 200),
    "homework.exercise": (200, 200),
    "homework.homeworkalert": (403, 200),
    "homework.homeworkplan": (403, 200),
    "homework.homeworksettings": (403, 200),
    "intake.culpritrule": (403, 200),
    "intake.intakeinvitation": (200, 200),
    "intake.painrating": (403, 200),
    "intake.questionnaire": (403, 200),
    "intake.submission": (403, 200),
    "notes.notetemplate": (403, 200),
    "notes.sessionnote": (403, 200),
    "notifications.notification": (200, 200),
    "scheduling.appointment": (200, 200),
    "scheduling.availabilityoverride": (200, 200),
    "scheduling.calendarfeed": (403, 200),
    "scheduling.closure": (200, 200),
    "scheduling.service": (200, 200),
    "scheduling.room": (200, 200),
    "scheduling.waitlistentry": (200, 200),
    "scheduling.weeklyhours": (200, 200),
}
STAFF = ["front_desk", "owner"]
NO_ADMIN = ["therapist", "client", "anonymous"]
# Reference data of no clinic: the atlas is every clinic's.
SHARED_ONLY = {Muscle}


def _user(worlds, persona: str) -> User:
    if persona == "therapist":
        return worlds.a.therapist.user
    if persona == "client":
        return worlds.a.client.user
    return getattr(worlds.a, persona)


def _may_open(persona: str, model) -> bool:
    return LIST_ACCESS[label(model)][STAFF.index(persona)] == 200


def _shown(response) -> set[object]:
    return set(response.context["cl"].queryset.values_list("pk", flat=True))


def test_every_admin_of_ours_is_clinic_scoped_and_declares_its_path():
    for model, model_admin in our_admins():
        assert isinstance(model_admin, ClinicScopedAdmin), label(model)
        for inline in model_admin.inlines:
            assert issubclass(inline, ClinicScopedTabularInline), (label(model), inline)
    errors = [e for e in admin.site.check(None) if e.id.startswith("clinic.")]
    assert errors == []


def test_an_admin_without_a_clinic_path_fails_the_checks():
    class Forgetful(ClinicScopedAdmin[Client]):
        pass

    class Astray(ClinicScopedAdmin[Client]):
        clinic_path = "care_team__user__clinic"  # many therapists: not one clinic
        audit_client_path = "user"

    site = admin.AdminSite(name="scratch")
    assert [e.id for e in Forgetful(Client, site).check()] == ["clinic.E101"]
    found = Astray(Client, site).check()
    assert [e.id for e in found] == ["clinic.E102", "clinic.E103"]
    assert all(isinstance(e, checks.Error) for e in found)


def test_the_matrix_names_every_admin_of_ours():
    assert {label(model) for model, _ in our_admins()} == set(LIST_ACCESS)


def test_both_clinics_have_rows_for_every_admin(worlds):
    for model, _ in our_admins():
        if model in SHARED_ONLY:
            assert worlds.shared[model], label(model)
        else:
            assert worlds.a.pks(model) and worlds.b.pks(model), label(model)


@pytest.mark.parametrize("persona", STAFF)
def test_every_list_shows_only_the_users_clinic(worlds, persona):
    browser = signed_in(_user(worlds, persona))
    leaks, missing = [], []
    for model, _ in our_admins():
        response = browser.get(admin_url(model, "changelist"))
        expected = LIST_ACCESS[label(model)][STAFF.index(persona)]
        assert response.status_code == expected, label(model)
        if expected != 200:
            continue
        shown = _shown(response)
        if shown & worlds.b.pks(model):
            leaks.append(label(model))
        if not shown & (worlds.a.pks(model) | worlds.shared.get(model, set())):
            missing.append(label(model))
    assert leaks == [] and missing == []


@pytest.mark.parametrize("persona", NO_ADMIN)
def test_people_without_admin_access_are_sent_to_sign_in(worlds, persona):
    browser = BrowserClient() if persona == "anonymous" else signed_in(_user(worlds, persona))
    for model, _ in our_admins():
        for url in (
            admin_url(model, "changelist"),
            admin_url(model, "change", min(worlds.a.pks(model) or worlds.shared[model])),
        ):
            response = browser.get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith("/admin/login/"), url


def test_the_platform_operator_sees_every_clinic(worlds):
    browser = signed_in(worlds.operator)
    for model, _ in our_admins():
        if model in SHARED_ONLY:
            continue
        shown = _shown(browser.get(admin_url(model, "changelist")))
        assert shown >= worlds.a.pks(model) | worlds.b.pks(model), label(model)


@pytest.mark.parametrize(
    ("url", "clinic_b_text", "clinic_a_text"),
    [
        ("/admin/clinic/client/", "b-client@example.com", "a-client@example.com"),
        ("/admin/clinic/user/", "b-owner", "a-owner"),
        ("/admin/scheduling/availabilityoverride/", "B holiday", "A holiday"),
    ],
)
def test_the_pages_named_in_the_report_no_longer_leak(worlds, url, clinic_b_text, clinic_a_text):
    page = signed_in(worlds.a.owner).get(url).content.decode()
    assert clinic_a_text in page
    assert clinic_b_text not in page
    assert "B Clinic" not in page


def test_front_desk_sees_their_own_clinics_blocked_time_only(worlds):
    response = signed_in(worlds.a.front_desk).get("/admin/scheduling/availabilityoverride/")
    assert _shown(response) == {worlds.a.override.pk}
    assert AvailabilityOverride.objects.count() == 2


@pytest.mark.parametrize("persona", STAFF)
def test_another_clinics_rows_are_not_found(worlds, persona):
    browser = signed_in(_user(worlds, persona))
    for model, _ in our_admins():
        if model in SHARED_ONLY:
            continue
        theirs = min(worlds.b.pks(model))
        for view in ("change", "history", "delete"):
            response = browser.get(admin_url(model, view, theirs))
            if response.status_code == 403:
                continue  # not this role's page at all, whoever's the row
            assert is_not_found(response), (label(model), view, response.status_code)
        if _may_open(persona, model):
            ours = min(worlds.a.pks(model))
            assert browser.get(admin_url(model, "change", ours)).status_code == 200, label(model)


def test_posting_to_another_clinics_row_changes_nothing(worlds):
    theirs = worlds.b.client
    response = signed_in(worlds.a.front_desk).post(
        admin_url(Client, "change", theirs.pk),
        {"first_name": "Changed", "last_name": "Changed", "email": "x@example.com"},
    )
    assert is_not_found(response)
    theirs.refresh_from_db()
    assert theirs.first_name == "Bfirst"


def test_another_clinics_password_page_is_404(worlds):
    browser = signed_in(worlds.a.owner)
    assert browser.get(f"/admin/clinic/user/{worlds.b.owner.pk}/password/").status_code == 404
    assert browser.get(f"/admin/clinic/user/{worlds.a.front_desk.pk}/password/").status_code == 200


def _search_term(model_admin, row) -> str:
    for path in model_admin.search_fields:
        value = row
        for part in path.lstrip("^=@").split("__"):
            value = getattr(value, part, None)
        if value:
            return str(value)
    raise AssertionError(f"nothing to search for in {row!r}")


@pytest.mark.parametrize("persona", STAFF)
def test_search_finds_nothing_of_another_clinic(worlds, persona):
    browser = signed_in(_user(worlds, persona))
    searched = 0
    for model, model_admin in our_admins():
        if not model_admin.search_fields or model in SHARED_ONLY:
            continue
        if not _may_open(persona, model):
            continue
        url = admin_url(model, "changelist")
        theirs = model._default_manager.get(pk=min(worlds.b.pks(model)))
        ours = model._default_manager.get(pk=min(worlds.a.pks(model)))
        assert not _shown(browser.get(url, {"q": _search_term(model_admin, theirs)})) & (
            worlds.b.pks(model)
        ), label(model)
        assert ours.pk in _shown(browser.get(url, {"q": _search_term(model_admin, ours)}))
        searched += 1
    assert searched >= 5


def test_searching_for_another_clinics_client_by_e_mail_finds_nothing(worlds):
    browser = signed_in(worlds.a.front_desk)
    url = admin_url(Client, "changelist")
    assert _shown(browser.get(url, {"q": "b-client@example.com"})) == set()
    assert _shown(browser.get(url, {"q": "a-client@example.com"})) == {worlds.a.client.pk}


@pytest.mark.parametrize("persona", STAFF)
def test_filters_offer_and_find_nothing_of_another_clinic(worlds, persona):
    browser = signed_in(_user(worlds, persona))
    checked = 0
    for model, _ in our_admins():
        if not _may_open(persona, model):
            continue
        url = admin_url(model, "changelist")
        for spec in browser.get(url).context["cl"].filter_specs:
            if not isinstance(spec, RelatedFieldListFilter):
                continue
            related = spec.field.related_model
            offered = {pk for pk, _ in spec.lookup_choices}
            assert not offered & worlds.b.pks(related), (label(model), spec.field_path)
            assert offered & worlds.a.pks(related), (label(model), spec.field_path)
            theirs = min(worlds.b.pks(related))
            assert _shown(browser.get(url, {spec.lookup_kwarg: theirs})) == set()
            checked += 1
    assert checked >= 3


def _autocomplete_sources():
    """Every foreign key or many-to-many field of ours whose target's admin can
    search (what Django's autocomplete endpoint serves)."""
    registry = dict(our_admins())
    for model, _ in our_admins():
        for field in model._meta.get_fields():
            if not (field.many_to_one or field.one_to_one or field.many_to_many):
                continue
            if not field.concrete:
                continue
            target = registry.get(field.related_model)
            if target is not None and target.search_fields:
                yield model, field, target


@pytest.mark.parametrize("persona", STAFF)
def test_autocomplete_returns_nothing_of_another_clinic(worlds, persona):
    browser = signed_in(_user(worlds, persona))
    answered = 0
    for model, field, target in _autocomplete_sources():
        related = field.related_model
        if related in SHARED_ONLY:
            continue
        theirs = related._default_manager.get(pk=min(worlds.b.pks(related)))
        for term in ("", _search_term(target, theirs)):
            response = browser.get(
                "/admin/autocomplete/",
                {
                    "app_label": model._meta.app_label,
                    "model_name": model._meta.model_name,
                    "field_name": field.name,
                    "term": term,
                },
            )
            if response.status_code == 403:
                assert not _may_open(persona, related), (label(model), field.name)
                continue
            assert response.status_code == 200, (label(model), field.name)
            found = {int(row["id"]) for row in response.json()["results"]}
            assert not found & worlds.b.pks(related), (label(model), field.name, term)
            if term == "":
                assert found & worlds.a.pks(related), (label(model), field.name)
            answered += 1
    assert answered >= 10


def test_autocomplete_of_a_clients_name_finds_only_the_users_clinic(worlds):
    response = signed_in(worlds.a.front_desk).get(
        "/admin/autocomplete/",
        {
            "app_label": "scheduling",
            "model_name": "appointment",
            "field_name": "client",
            "term": "last",
        },
    )
    assert [row["id"] for row in response.json()["results"]] == [str(worlds.a.client.pk)]


def test_a_filter_on_values_across_a_relation_lists_only_the_clinics_values(worlds):
    class ByClientName(ClinicScopedAdmin[Appointment]):
        clinic_path = "clinic"
        list_filter = ["client__last_name"]

    request = RequestFactory().get("/admin/scheduling/appointment/")
    request.user = worlds.a.owner
    changelist = ByClientName(Appointment, admin.AdminSite()).get_changelist_instance(request)
    [spec] = changelist.filter_specs
    assert list(spec.lookup_choices) == ["Alast"]
