"""The admin's forms and actions for two clinics: no dropdown offers another
clinic's rows, no posted id of theirs is accepted, no action reaches their
rows; users and clinics are managed within one clinic, and the shared exercise
library is read-only."""

from __future__ import annotations

import pytest
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.forms.models import model_to_dict

from clinic.core.models import AuditEvent, Client, Clinic, Role, User
from homework.models import AreaPriority, Exercise
from scheduling.models import Appointment, AvailabilityOverride
from tests.clinic.admin_world import (
    admin_url,
    label,
    our_admins,
    our_models,
    signed_in,
)
from tests.clinic.factories import UserFactory

STAFF = ["front_desk", "owner"]


def _everything_of(world) -> dict[str, list[dict]]:
    """Every row clinic B's building created, field by field."""
    return {
        label(model): [model_to_dict(row) for row in model._default_manager.filter(pk__in=pks)]
        for model, pks in sorted(world.rows.items(), key=lambda pair: label(pair[0]))
    }


def _row_counts() -> dict[str, int]:
    return {label(m): m._default_manager.count() for m in our_models() if m is not AuditEvent}


# Enough for every action's second step (cancel asks why, reschedule asks when,
# delete asks to confirm).
ACTION_FORM = {
    "post": "yes",
    "apply": "1",
    "reason": "Not theirs to cancel",
    "starts_at": "2026-06-05 14:00:00+00:00",
}


@pytest.mark.parametrize("persona", STAFF)
def test_no_action_reaches_another_clinics_rows(worlds, persona):
    browser = signed_in(getattr(worlds.a, persona))
    before, counts = _everything_of(worlds.b), _row_counts()
    tried = []
    for model, _ in our_admins():
        listing = browser.get(admin_url(model, "changelist"))
        if listing.status_code != 200 or not listing.context.get("action_form"):
            continue
        names = [name for name, _ in listing.context["action_form"].fields["action"].choices]
        for name in filter(None, names):
            response = browser.post(
                admin_url(model, "changelist"),
                {
                    **ACTION_FORM,
                    "action": name,
                    "_selected_action": sorted(worlds.b.pks(model)),
                },
            )
            assert response.status_code in (200, 302), (label(model), name)
            tried.append(f"{label(model)}:{name}")
    assert _everything_of(worlds.b) == before
    assert _row_counts() == counts
    assert "clinic.client:archive_clients" in tried
    assert "scheduling.appointment:cancel" in tried
    if persona == "owner":
        assert "homework.dosingprofile:delete_selected" in tried


def test_an_action_acts_on_the_users_own_rows(worlds):
    browser = signed_in(worlds.a.front_desk)
    both = [worlds.a.client.pk, worlds.b.client.pk]
    browser.post(
        admin_url(Client, "changelist"), {"action": "archive_clients", "_selected_action": both}
    )
    worlds.a.client.refresh_from_db()
    worlds.b.client.refresh_from_db()
    assert worlds.a.client.archived_at is not None
    assert worlds.b.client.archived_at is None


def test_list_editing_cannot_reach_another_clinics_rows(worlds):
    theirs = AreaPriority.objects.filter(clinic=worlds.b.clinic).order_by("rank").first()
    response = signed_in(worlds.a.owner).post(
        admin_url(AreaPriority, "changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": theirs.pk,
            "form-0-area": "calf",
            "_save": "Save",
        },
    )
    assert response.status_code == 400  # Django: a row not on the page is a new row
    area = theirs.area
    theirs.refresh_from_db()
    assert theirs.area == area


def _choice_fields(response):
    """Every dropdown of an admin form page, inlines included (not the hidden
    id of an inline row: Django ignores an id that is not the parent's row's)."""
    forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets", []):
        forms += [*inline.formset.forms, inline.formset.empty_form]
    for form in forms:
        for name, field in form.fields.items():
            if field.widget.is_hidden:
                continue
            if isinstance(field, ModelChoiceField | ModelMultipleChoiceField):
                yield name, field


@pytest.mark.parametrize("persona", STAFF)
def test_no_dropdown_offers_another_clinics_rows(worlds, persona):
    browser = signed_in(getattr(worlds.a, persona))
    seen = []
    for model, _ in our_admins():
        pages = [admin_url(model, "add")]
        if worlds.a.pks(model):
            pages.append(admin_url(model, "change", min(worlds.a.pks(model))))
        for url in pages:
            response = browser.get(url)
            if response.status_code != 200:
                continue
            for name, field in _choice_fields(response):
                related = field.queryset.model
                offered = set(field.queryset.values_list("pk", flat=True))
                assert not offered & worlds.b.pks(related), (url, name)
                if related is Clinic:
                    assert offered == {worlds.a.clinic.pk}, (url, name)
                seen.append(f"{label(model)}.{name}")
    assert {"scheduling.appointment.client", "clinic.client.care_team"} <= set(seen)
    assert "scheduling.availabilityoverride.therapist" in seen


def test_the_booking_form_offers_the_clinics_own_people_and_places(worlds):
    response = signed_in(worlds.a.front_desk).get(admin_url(Appointment, "add"))
    fields = response.context["adminform"].form.fields
    a = worlds.a
    expected = {
        "client": {a.client.pk},
        "therapist": {a.therapist.pk},
        "service": {a.service.pk},
        "location": {a.location.pk},
        "room": {a.room.pk},
    }
    offered = {name: set(fields[name].queryset.values_list("pk", flat=True)) for name in expected}
    assert offered == expected


def test_booking_another_clinics_client_in_the_admin_is_refused(worlds):
    a, b = worlds.a, worlds.b
    response = signed_in(a.front_desk).post(
        admin_url(Appointment, "add"),
        {
            "client": b.client.pk,
            "service": a.service.pk,
            "therapist": a.therapist.pk,
            "location": a.location.pk,
            "room": "",
            "starts_at": "2026-06-03 14:00:00+00:00",
            "override_reason": "",
            "front_desk_notes": "",
        },
    )
    assert response.status_code == 200
    assert "client" in response.context["adminform"].form.errors
    assert not Appointment.objects.filter(client=b.client).exclude(pk=b.appointment.pk).exists()


def test_blocking_another_clinics_therapist_is_refused(worlds):
    response = signed_in(worlds.a.front_desk).post(
        admin_url(AvailabilityOverride, "add"),
        {"therapist": worlds.b.therapist.pk, "date": "2026-06-11", "kind": "day_off"},
    )
    assert response.status_code == 200
    assert "therapist" in response.context["adminform"].form.errors
    assert AvailabilityOverride.objects.count() == 2


def test_a_user_added_by_an_owner_belongs_to_the_owners_clinic(worlds):
    response = signed_in(worlds.a.owner).post(
        admin_url(User, "add"),
        {
            "username": "new-desk",
            "usable_password": "true",
            "password1": "a-long-enough-pass-phrase",
            "password2": "a-long-enough-pass-phrase",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(username="new-desk").clinic == worlds.a.clinic


def test_an_owner_cannot_make_anyone_a_superuser(worlds):
    browser = signed_in(worlds.a.owner)
    desk = worlds.a.front_desk
    page = browser.get(admin_url(User, "change", desk.pk))
    assert "is_superuser" not in page.context["adminform"].form.fields
    assert "groups" not in page.context["adminform"].form.fields
    form = {
        "username": desk.username,
        "email": desk.email,
        "first_name": desk.first_name,
        "last_name": desk.last_name,
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "role": Role.FRONT_DESK,
        "clinic": worlds.a.clinic.pk,
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-06-01",
        "date_joined_1": "12:00:00",
    }
    response = browser.post(admin_url(User, "change", desk.pk), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    desk.refresh_from_db()
    assert not desk.is_superuser


def test_an_owner_never_sees_a_superuser_of_their_clinic(worlds):
    operator = UserFactory(username="in-house-root", clinic=worlds.a.clinic, role=Role.OWNER)
    operator.is_superuser = True
    operator.save(update_fields=["is_superuser"])
    browser = signed_in(worlds.a.owner)
    listing = browser.get(admin_url(User, "changelist"))
    assert operator.pk not in set(listing.context["cl"].queryset.values_list("pk", flat=True))
    assert browser.get(f"/admin/clinic/user/{operator.pk}/password/").status_code == 404


def test_an_owner_sees_and_changes_their_clinic_only(worlds):
    browser = signed_in(worlds.a.owner)
    listing = browser.get(admin_url(Clinic, "changelist"))
    assert set(listing.context["cl"].queryset) == {worlds.a.clinic}
    assert browser.get(admin_url(Clinic, "add")).status_code == 403
    assert browser.get(admin_url(Clinic, "delete", worlds.a.clinic.pk)).status_code == 403
    assert browser.get(admin_url(Clinic, "change", worlds.a.clinic.pk)).status_code == 200


def test_the_platform_operator_adds_clinics(worlds):
    assert signed_in(worlds.operator).get(admin_url(Clinic, "add")).status_code == 200


def test_the_shared_exercise_library_is_read_only_for_a_clinic(worlds):
    browser = signed_in(worlds.a.owner)
    shared = Exercise.objects.filter(clinic__isnull=True).first()
    assert shared is not None
    listing = browser.get(admin_url(Exercise, "changelist"))
    shown = set(listing.context["cl"].queryset.values_list("pk", flat=True))
    assert shared.pk in shown and worlds.a.exercise.pk in shown
    assert worlds.b.exercise.pk not in shown
    page = browser.get(admin_url(Exercise, "change", shared.pk))
    assert page.status_code == 200 and b'name="_save"' not in page.content
    name = shared.name
    posted = browser.post(admin_url(Exercise, "change", shared.pk), {"name": "Renamed"})
    assert posted.status_code == 403
    assert browser.get(admin_url(Exercise, "delete", shared.pk)).status_code == 403
    shared.refresh_from_db()
    assert shared.name == name
    own = browser.get(admin_url(Exercise, "change", worlds.a.exercise.pk))
    assert b'name="_save"' in own.content


def test_the_platform_operator_edits_the_shared_library(worlds):
    shared = Exercise.objects.filter(clinic__isnull=True).first()
    page = signed_in(worlds.operator).get(admin_url(Exercise, "change", shared.pk))
    assert b'name="_save"' in page.content


def test_an_exercise_an_owner_adds_is_their_clinics(worlds):
    response = signed_in(worlds.a.owner).post(
        admin_url(Exercise, "add"),
        {
            "clinic": worlds.a.clinic.pk,
            "slug": "a-doorway-stretch",
            "name": "Doorway stretch",
            "kind": "stretch",
            "area": "upper_back",
            "instructions": "Step through the doorway.",
            "contraindications": "[]",
            "active": "on",
            "sided": "on",
            "targets-TOTAL_FORMS": "0",
            "targets-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Exercise.objects.get(slug="a-doorway-stretch").clinic == worlds.a.clinic
    refused = signed_in(worlds.a.owner).post(
        admin_url(Exercise, "add"),
        {"clinic": worlds.b.clinic.pk, "slug": "b-sneaky", "name": "Sneaky"},
    )
    assert refused.status_code == 200
    assert "clinic" in refused.context["adminform"].form.errors
