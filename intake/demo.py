"""Demo intake data: two completed intakes (one with a red flag) so the day
view and the suggestions have something to show. The clinic's forms and rules
come from setting the clinic up (``records.onboarding``) first. Idempotent."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from clinic.core.models import Client, Clinic
from intake import services
from intake.models import Submission

_ANSWERS: dict[str, dict[str, Any]] = {
    "daniel.brooks@example.com": {
        "pain_map": ["lower_back_left", "lower_back_right"],
        "triggers": ["standing_up_after_sitting", "sitting_long"],
        "nrs_now": 6,
        "nrs_worst": 8,
        "nrs_best": 3,
        "onset": "Gradually over the winter; desk job.",
        "duration": "months",
        "sitting_hours": 9,
        "red_flags": [],
        "goals": "Play with my kids without pain.",
    },
    "tom.walsh@example.com": {
        "pain_map": ["lower_back_centre", "back_thigh_right"],
        "triggers": ["bending_to_pick_up"],
        "nrs_now": 7,
        "nrs_worst": 9,
        "nrs_best": 5,
        "onset": "Fell off a ladder in October.",
        "duration": "weeks",
        "sitting_hours": 4,
        "red_flags": ["major_trauma", "night_pain"],
        "goals": "Get back to gardening.",
    },
}


@transaction.atomic
def seed_intake(clinic: Clinic) -> None:
    for email, answers in _ANSWERS.items():
        client = Client.objects.filter(clinic=clinic, email=email).first()
        if client is None or Submission.objects.filter(client=client).exists():
            continue
        invitation = services.send_intake_link(client=client, sent_by=None)
        services.submit_questionnaire(
            invitation=invitation,
            cleaned={
                **answers,
                "emergency_name": "A relative",
                "emergency_phone": "",
                "anticoagulants": False,
                "contraindications": [],
                "consent_treatment": True,
                "consent_privacy": True,
                "signature": client.full_name,
            },
        )
