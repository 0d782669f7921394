"""Submitting a questionnaire: the answers with their structured fields, the
client's own details, the pain rating, the rule suggestions and the Oswestry
score, all in one transaction."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from clinic.core import services as clinic_services
from clinic.core.audit import record_audit
from clinic.core.errors import Conflict
from clinic.core.models import AuditAction
from intake.models import IntakeInvitation, MapsTo, PainSource, QuestionType, Submission
from intake.services.clearance import open_referral_from_intake
from intake.services.outcomes import odi_score, record_pain
from intake.services.rules import evaluate_rules
from intake.vocabulary import NEW_PAIN_AGE_ABOVE, NEW_PAIN_AGE_BELOW, RED_FLAGS


def age_on(born: date, day: date) -> int:
    """Whole years between a date of birth and a day."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def screen_red_flags(
    *, ticked: list[str], born: date | None, new_pain: bool | None, day: date
) -> list[str]:
    """The red flags of one form: those the client ticked (known codes only,
    in the vocabulary's order), then those worked out from the answers: an age
    over 50 or under 20 with pain that is new. Any one of them sets the
    referral flag; the list says which."""
    flags = [code for code in RED_FLAGS if code in set(ticked)]
    if new_pain and born is not None:
        age = age_on(born, day)
        if age > NEW_PAIN_AGE_ABOVE or age < NEW_PAIN_AGE_BELOW:
            flags.append("age_with_new_pain")
    return flags


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


@transaction.atomic
def submit_questionnaire(
    *, invitation: IntakeInvitation, cleaned: dict[str, Any], ip_address: str | None = None
) -> Submission:
    """Store a completed form. Submitting the same link twice gives back the
    first submission; an expired link is refused."""
    invitation = (
        IntakeInvitation.objects.select_for_update()
        .select_related("client__clinic", "questionnaire")
        .get(pk=invitation.pk)
    )
    if invitation.used_at is not None:
        return Submission.objects.get(invitation=invitation)
    if invitation.revoked_at is not None:
        raise Conflict("A newer link to this form was sent; this one no longer works.")
    if invitation.is_expired:
        raise Conflict("This link has expired.")
    questions = list(invitation.questionnaire.questions.all())
    mapped = {q.maps_to: cleaned.get(q.key) for q in questions if q.maps_to}
    now = timezone.now()
    submission = Submission(
        client=invitation.client,
        questionnaire=invitation.questionnaire,
        invitation=invitation,
        supersedes=invitation.corrects,
        submitted_at=now,
        ip_address=ip_address,
        answers={q.key: _plain(cleaned.get(q.key)) for q in questions},
        pain_regions=list(mapped.get(MapsTo.PAIN_REGIONS) or []),
        triggers=list(mapped.get(MapsTo.TRIGGERS) or []),
        nrs_now=mapped.get(MapsTo.NRS_NOW),
        nrs_worst=mapped.get(MapsTo.NRS_WORST),
        nrs_best=mapped.get(MapsTo.NRS_BEST),
        red_flags=list(mapped.get(MapsTo.RED_FLAGS) or []),
        contraindications=list(mapped.get(MapsTo.CONTRAINDICATIONS) or []),
        anticoagulants=bool(mapped.get(MapsTo.ANTICOAGULANTS)),
        consent_treatment=bool(mapped.get(MapsTo.CONSENT_TREATMENT)),
        consent_privacy=bool(mapped.get(MapsTo.CONSENT_PRIVACY)),
        signature_name=str(mapped.get(MapsTo.SIGNATURE) or ""),
    )
    born = mapped.get(MapsTo.DATE_OF_BIRTH)
    submission.red_flags = screen_red_flags(
        ticked=submission.red_flags,
        born=born if isinstance(born, date) else invitation.client.date_of_birth,
        new_pain=mapped.get(MapsTo.NEW_PAIN),
        day=timezone.localtime(now, ZoneInfo(invitation.client.zone_name)).date(),
    )
    submission.referral_flag = bool(submission.red_flags)
    if submission.signature_name:
        submission.signed_at = now
    odi_questions = [q for q in questions if q.type == QuestionType.ODI_SECTION]
    if odi_questions:
        scores = []
        for q in odi_questions:
            value = cleaned.get(q.key)
            choice = next((c for c in q.choices if c["value"] == value), None)
            scores.append(int(choice["score"]) if choice else None)
        result = odi_score(scores)
        if result:
            submission.odi_score, submission.odi_band, _ = result
    submission.save()
    invitation.used_at = now
    invitation.save(update_fields=["used_at"])
    clinic_services.update_client_from_own_form(
        client=invitation.client,
        source="intake form",
        phone=mapped.get(MapsTo.PHONE) or "",
        emergency_contact_name=mapped.get(MapsTo.EMERGENCY_NAME) or "",
        emergency_contact_phone=mapped.get(MapsTo.EMERGENCY_PHONE) or "",
    )
    if submission.nrs_now is not None:
        record_pain(
            client=invitation.client,
            score=submission.nrs_now,
            source=PainSource.INTAKE,
            recorded_at=now,
            reference=f"submission:{submission.pk}",
        )
    evaluate_rules(submission)
    # Red flags refer the client to a doctor and alert their therapists.
    open_referral_from_intake(submission=submission)
    record_audit(
        actor=None,
        action=AuditAction.CREATE,
        obj=submission,
        client=invitation.client,
        detail={
            "questionnaire": invitation.questionnaire_id,
            "referral_flag": submission.referral_flag,
        },
    )
    return submission
