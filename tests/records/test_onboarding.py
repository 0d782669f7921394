"""Setting up a clinic: a clinic added in the admin, or set up from the command
line, gets every app's defaults, and its first intake already suggests culprits."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client as BrowserClient

from clinic.core.models import Clinic, Role
from homework.models import AreaPriority, DosingProfile
from homework.services.setup import DEFAULT_AREA_ORDER, DEFAULT_PROFILES
from intake import defaults as intake_defaults
from intake.models import CulpritRule, CulpritSuggestion, Questionnaire
from notes.models import NoteTemplate
from notes.services import DEFAULT_TEMPLATES
from records.onboarding import ClinicSetUp, set_up_clinic
from tests.clinic.factories import ClientFactory, ClinicFactory, UserFactory
from tests.intake.helpers import submit_intake

# What the clinic add form needs: every field without a blank option.
ADD_FORM = {
    "name": "Riverside Bodywork",
    "phone": "",
    "email": "",
    "website": "",
    "timezone": "Europe/London",
    "cancellation_window_hours": "24",
    "reminder_lead_hours": "24",
    "quiet_hours_start": "21:00",
    "quiet_hours_end": "08:00",
    "email_in_quiet_hours": "on",
    "min_booking_notice_minutes": "120",
    "booking_horizon_days": "90",
    "slot_granularity_minutes": "15",
    "intake_link_valid_days": "14",
    "default_hold_seconds": "60",
    "default_repetitions": "1",
    "default_sets": "1",
    "default_sessions_per_week": "3",
    "default_side": "both",
    "adherence_alert_percent": "50",
}


def _counts(clinic: Clinic) -> dict[str, int]:
    return {
        "questionnaires": Questionnaire.objects.filter(clinic=clinic).count(),
        "culprit_rules": CulpritRule.objects.filter(clinic=clinic).count(),
        "note_templates": NoteTemplate.objects.filter(clinic=clinic).count(),
        "dosing_profiles": DosingProfile.objects.filter(clinic=clinic).count(),
        "area_priorities": AreaPriority.objects.filter(clinic=clinic).count(),
    }


@pytest.fixture
def admin_browser(db) -> BrowserClient:
    superuser = UserFactory(username="root", clinic=None, role=Role.OWNER)
    superuser.is_staff = superuser.is_superuser = True
    superuser.save(update_fields=["is_staff", "is_superuser"])
    browser = BrowserClient()
    browser.force_login(superuser)
    return browser


def test_a_clinic_added_in_the_admin_suggests_culprits_on_its_first_intake(admin_browser):
    assert admin_browser.get("/admin/clinic/clinic/add/").status_code == 200
    response = admin_browser.post("/admin/clinic/clinic/add/", ADD_FORM)
    assert response.status_code == 302, response.content.decode()[:3000]
    clinic = Clinic.objects.get(name="Riverside Bodywork")

    client = ClientFactory(clinic=clinic, first_name="Daniel", last_name="Brooks")
    submission = submit_intake(
        client, pain_map=["lower_back_left"], triggers=["standing_up_after_sitting"]
    )

    suggested = {
        (s.muscle.slug, s.side)
        for s in CulpritSuggestion.objects.filter(submission=submission).select_related("muscle")
    }
    assert ("rectus-femoris", "left") in suggested
    assert CulpritRule.objects.filter(clinic=clinic).count() == len(intake_defaults.DEFAULT_RULES)


def test_changing_a_clinic_in_the_admin_adds_nothing(admin_browser, clinic):
    response = admin_browser.post(
        f"/admin/clinic/clinic/{clinic.pk}/change/", {**ADD_FORM, "name": "Renamed"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    clinic.refresh_from_db()
    assert clinic.name == "Renamed"
    assert not any(_counts(clinic).values())


def test_set_up_gives_a_clinic_every_apps_defaults(clinic):
    report = set_up_clinic(clinic=clinic)

    kinds = set(Questionnaire.objects.filter(clinic=clinic).values_list("kind", flat=True))
    assert kinds == {"intake", "odi"}
    rules = list(CulpritRule.objects.filter(clinic=clinic).order_by("priority"))
    assert [r.name for r in rules] == [r["name"] for r in intake_defaults.DEFAULT_RULES]
    assert all(r.muscles.exists() or r.functional_groups for r in rules)
    phrases = NoteTemplate.objects.filter(clinic=clinic).order_by("order")
    assert [(t.section, t.title, t.text) for t in phrases] == [tuple(p) for p in DEFAULT_TEMPLATES]
    profiles = DosingProfile.objects.filter(clinic=clinic)
    assert {p.name for p in profiles} >= {p.name for p in DEFAULT_PROFILES}
    assert profiles.filter(is_default=True).count() == 1
    areas = AreaPriority.objects.filter(clinic=clinic).order_by("rank")
    assert [a.area for a in areas] == DEFAULT_AREA_ORDER

    assert report == ClinicSetUp(clinic_id=clinic.pk, **_counts(clinic))
    assert report.created_anything


def test_setting_up_a_clinic_twice_creates_nothing_the_second_time(clinic):
    set_up_clinic(clinic=clinic)
    before = _counts(clinic)

    again = set_up_clinic(clinic=clinic)

    assert not again.created_anything
    assert again.summary() == "nothing new"
    assert _counts(clinic) == before


def test_set_up_keeps_what_a_clinic_already_has_and_fills_in_the_rest(clinic):
    CulpritRule.objects.create(clinic=clinic, name="Our own rule", regions=["neck"], reason="Ours.")

    report = set_up_clinic(clinic=clinic)

    assert report.culprit_rules == 0
    assert list(CulpritRule.objects.filter(clinic=clinic).values_list("name", flat=True)) == [
        "Our own rule"
    ]
    assert report.questionnaires == 2 and report.note_templates == len(DEFAULT_TEMPLATES)


def test_the_command_sets_up_the_clinics_it_is_given_and_says_what_it_created(clinic):
    other = ClinicFactory(name="Untouched Clinic")
    out = io.StringIO()

    call_command("set_up_clinic", str(clinic.pk), stdout=out)

    assert f"{clinic.name} (id {clinic.pk}): 2 questionnaires, " in out.getvalue()
    assert f"{len(intake_defaults.DEFAULT_RULES)} culprit rules" in out.getvalue()
    assert CulpritRule.objects.filter(clinic=clinic).exists()
    assert not any(_counts(other).values())


def test_the_command_with_all_sets_up_every_clinic_and_a_second_run_creates_nothing(clinic):
    other = ClinicFactory(name="Second Clinic")
    call_command("set_up_clinic", "--all", stdout=io.StringIO())
    assert all(_counts(clinic).values()) and all(_counts(other).values())

    out = io.StringIO()
    call_command("set_up_clinic", "--all", stdout=out)
    assert out.getvalue().count("nothing new") == 2


@pytest.mark.parametrize("args", [[], ["--all", "1"], ["999999"]])
def test_the_command_refuses_no_clinic_both_choices_or_an_unknown_id(db, args):
    with pytest.raises(CommandError):
        call_command("set_up_clinic", *args, stdout=io.StringIO())
