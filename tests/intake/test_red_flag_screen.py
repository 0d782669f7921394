"""The intake's red-flag screen covers the standard low-back set, each flag in
calm words for the client; any one sets the referral flag and the stored list
says which. The form asks structured questions about a known diagnosis and
leg symptoms; clinics that still have the default form get them as a new
version, and a form with submissions is never changed."""

from __future__ import annotations

import importlib
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.apps import apps as django_apps
from django.test import Client as BrowserClient

from intake import services
from intake.models import MapsTo, Question, Questionnaire, QuestionnaireKind, Submission
from intake.services.setup import _create_version
from intake.services.submissions import screen_red_flags
from intake.vocabulary import DERIVED_RED_FLAGS, KNOWN_DIAGNOSES, RED_FLAG_LABELS, RED_FLAGS
from tests.clinic.factories import ClinicFactory
from tests.intake.helpers import link_path, submit_intake, valid_answers

review = importlib.import_module("intake.migrations.0005_rules_and_questions")

NOW = datetime(2026, 9, 15, 14, 0, tzinfo=UTC)

# The standard low-back screening set, by the code that carries each flag.
STANDARD_SCREEN = {
    "age over 50 or under 20 with new pain": "age_with_new_pain",
    "history of cancer": "cancer_history",
    "unexplained weight loss": "weight_loss",
    "fever": "fever",
    "intravenous drug use": "iv_drug_use",
    "immunosuppression (e.g. long-term steroids)": "immunosuppression",
    "pain at night or at rest": "night_pain",
    "major trauma": "major_trauma",
    "saddle numbness": "saddle_numbness",
    "new bladder or bowel trouble": "bladder_bowel",
    "progressive weakness": "progressive_leg_weakness",
}
ALARMING = ("emergency", "urgent", "danger", "serious", "!", "immediately", "cancer risk")


def _answers_raising(code: str) -> dict[str, object]:
    if code in RED_FLAGS:
        return {"red_flags": [code]}
    return {"date_of_birth": "1960-03-01", "new_pain": "yes"}


def test_the_screen_covers_the_standard_low_back_set_in_calm_words():
    assert set(STANDARD_SCREEN.values()) == set(RED_FLAG_LABELS)
    for code, label in RED_FLAG_LABELS.items():
        assert 10 <= len(label) <= 200, code
        assert not any(word in label.lower() for word in ALARMING), code


@pytest.mark.clock
@pytest.mark.parametrize("code", sorted(RED_FLAG_LABELS))
def test_each_red_flag_sets_the_referral_flag(client_record, code):
    with time_machine.travel(NOW, tick=False):
        submission = submit_intake(client_record, **_answers_raising(code))
    assert submission.referral_flag is True
    assert submission.red_flags == [code]  # the reason list names which
    clean = submit_intake(client_record)
    assert clean.referral_flag is False and clean.red_flags == []


@pytest.mark.clock
@pytest.mark.parametrize(
    ("born", "new_pain", "flagged"),
    [
        ("1975-09-14", "yes", True),  # 51 on the day
        ("1975-09-16", "yes", False),  # 50 until tomorrow
        ("1976-09-15", "yes", False),  # 50 today
        ("2006-09-16", "yes", True),  # 19
        ("2006-09-15", "yes", False),  # 20 today
        ("1950-01-01", "no", False),  # an old pain at 76
        ("1950-01-01", None, False),  # not answered
        ("1990-05-05", "yes", False),  # 36
    ],
)
def test_age_over_50_or_under_20_with_new_pain_is_a_red_flag(
    client_record, born, new_pain, flagged
):
    with time_machine.travel(NOW, tick=False):
        submission = submit_intake(client_record, date_of_birth=born, new_pain=new_pain)
    assert submission.referral_flag is flagged
    assert submission.red_flags == (["age_with_new_pain"] if flagged else [])


@pytest.mark.clock
def test_the_age_comes_from_the_client_record_when_the_form_leaves_it_blank(client_record):
    client_record.date_of_birth = date(1955, 2, 2)
    client_record.save()
    with time_machine.travel(NOW, tick=False):
        submission = submit_intake(client_record, new_pain="yes")
    assert submission.red_flags == ["age_with_new_pain"]


def test_ticked_and_worked_out_flags_are_listed_together_in_a_stable_order():
    flags = screen_red_flags(
        ticked=["fever", "saddle_numbness", "made_up"],
        born=date(1940, 1, 1),
        new_pain=True,
        day=date(2026, 1, 1),
    )
    assert flags == ["saddle_numbness", "fever", *DERIVED_RED_FLAGS]


def test_known_diagnosis_and_leg_symptoms_are_asked(client_record, clinic, front_desk):
    questionnaire = services.current_questionnaire(clinic, QuestionnaireKind.INTAKE)
    questions = {q.key: q for q in questionnaire.questions.all()}
    diagnosis = questions["known_diagnosis"]
    assert diagnosis.type == "multichoice"
    assert {c["value"] for c in diagnosis.choices} == set(KNOWN_DIAGNOSES)
    assert {"disc", "stenosis", "arthritis", "osteoporosis"} <= set(KNOWN_DIAGNOSES)
    for key in ("pain_below_knee", "leg_numbness", "leg_weakness", "new_pain"):
        assert questions[key].type == "boolean", key
    assert questions["new_pain"].maps_to == MapsTo.NEW_PAIN
    assert questions["date_of_birth"].maps_to == MapsTo.DATE_OF_BIRTH
    invitation = services.send_intake_link(client=client_record, sent_by=front_desk)
    html = BrowserClient().get(link_path(invitation)).content.decode()
    for key in ("known_diagnosis", "pain_below_knee", "leg_numbness", "leg_weakness"):
        assert f'name="{key}"' in html, key
    response = BrowserClient().post(
        link_path(invitation),
        valid_answers(
            known_diagnosis=["disc", "stenosis"],
            pain_below_knee="yes",
            leg_numbness="yes",
            leg_weakness="no",
        ),
    )
    assert response.status_code == 200
    answers = Submission.objects.get(invitation=invitation).answers
    assert answers["known_diagnosis"] == ["disc", "stenosis"]
    assert (answers["pain_below_knee"], answers["leg_numbness"], answers["leg_weakness"]) == (
        True,
        True,
        False,
    )


# --- existing clinics' forms ------------------------------------------------------------------

NEW_KEYS = {
    "date_of_birth",
    "pain_below_knee",
    "leg_numbness",
    "leg_weakness",
    "new_pain",
    "known_diagnosis",
}
OLD_RED_FLAG_HELP = (
    "Tick any that apply. They help us decide whether you should see a doctor first."
)


def _old_default_form(clinic) -> Questionnaire:
    """The intake form as clinics were given it before the review."""
    questions = []
    for q in review.NEW_INTAKE["questions"]:
        if q["key"] in NEW_KEYS:
            continue
        q = dict(q)
        if q["key"] == "red_flags":
            q["help_text"] = OLD_RED_FLAG_HELP
        questions.append(q)
    form = _create_version(
        clinic,
        QuestionnaireKind.INTAKE,
        1,
        review.NEW_INTAKE["title"],
        review.NEW_INTAKE["intro"],
        questions,
    )
    assert review._fingerprint(form) == review.OLD_INTAKE_FINGERPRINT
    return form


def test_clinics_with_the_default_form_get_a_new_version_and_edited_forms_stay(db):
    default_clinic, edited_clinic = ClinicFactory(), ClinicFactory()
    answered = _old_default_form(default_clinic)
    edited = _old_default_form(edited_clinic)
    Question.objects.filter(questionnaire=edited, key="goals").update(label="Your goals")
    before = list(answered.questions.values())

    review.review_intake_form(django_apps, None)
    review.review_intake_form(django_apps, None)  # a second run adds nothing

    versions = Questionnaire.objects.filter(clinic=default_clinic, kind="intake")
    assert sorted(versions.values_list("version", flat=True)) == [1, 2]
    assert list(answered.questions.values()) == before  # the answered version is untouched
    current = services.current_questionnaire(default_clinic, QuestionnaireKind.INTAKE)
    assert current.version == 2
    assert set(current.questions.values_list("key", flat=True)) >= NEW_KEYS
    assert not Questionnaire.objects.filter(clinic=edited_clinic, version=2).exists()


@pytest.mark.clock
def test_a_flag_worked_out_from_the_age_also_shows_the_doctor_note(client_record):
    invitation = services.send_intake_link(client=client_record, sent_by=None)
    with time_machine.travel(NOW, tick=False):
        response = BrowserClient().post(
            link_path(invitation), valid_answers(date_of_birth="1960-03-01", new_pain="yes")
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert "speak with your doctor" in html
    assert RED_FLAG_LABELS["age_with_new_pain"] in html
