"""Filling the intake form through the real page, as a client would."""

from __future__ import annotations

from typing import Any

from django.test import Client as BrowserClient

from intake import services
from intake.models import IntakeInvitation, Submission


def valid_answers(**overrides: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "phone": "+1 212 555 0177",
        "emergency_name": "Sam Brooks",
        "emergency_phone": "+12125550178",
        "pain_map": ["lower_back_left"],
        "triggers": ["standing_up_after_sitting"],
        "nrs_now": "6",
        "nrs_worst": "8",
        "nrs_best": "3",
        "onset": "Lifting a suitcase in March.",
        "duration": "months",
        "earlier_episodes": "yes",
        "doctor_seen": "no",
        "imaging": "",
        "occupation": "Accountant",
        "sitting_hours": "9",
        "activity": "Cycling at weekends",
        "medications": "",
        "anticoagulants": "no",
        "red_flags": [],
        "contraindications": [],
        "pregnancy_stage": "",
        "goals": "Sit through a film without pain",
        "consent_treatment": "on",
        "consent_privacy": "on",
        "signature": "Daniel Brooks",
    }
    answers.update(overrides)
    return {k: v for k, v in answers.items() if v is not None}


def link_path(invitation: IntakeInvitation) -> str:
    return f"/intake/{services.invitation_token(invitation)}/"


def submit_intake(client, *, sent_by=None, **overrides: Any) -> Submission:
    invitation = services.send_intake_link(client=client, sent_by=sent_by)
    response = BrowserClient().post(link_path(invitation), valid_answers(**overrides))
    assert response.status_code == 200, response.content.decode()[:3000]
    return Submission.objects.get(invitation=invitation)
