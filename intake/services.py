"""Writes of intake: questionnaires and rules for a clinic, links sent through
the outbox, submissions (with their structured answers, pain ratings, rule
suggestions and Oswestry score), and the pain time series."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic.core import services as clinic_services
from clinic.core.audit import record_audit
from clinic.core.errors import Conflict, InvalidInput, NotAllowed
from clinic.core.models import AuditAction, Client, Clinic, Muscle, Role, User
from clinic.core.signing import Purpose, make_token, read_token
from clinic.notifications import rendering
from clinic.notifications import services as notifications
from intake import defaults
from intake.models import (
    CulpritRule,
    CulpritSuggestion,
    IntakeInvitation,
    MapsTo,
    PainRating,
    PainSource,
    Question,
    Questionnaire,
    QuestionnaireKind,
    QuestionType,
    RegionMatch,
    Submission,
)
from intake.vocabulary import REGION_BY_CODE

# --- questionnaires and rules ---------------------------------------------------------


def _create_version(
    clinic: Clinic, kind: str, version: int, title: str, intro: str, questions: list[dict[str, Any]]
) -> Questionnaire:
    questionnaire = Questionnaire.objects.create(
        clinic=clinic, kind=kind, version=version, title=title, intro=intro
    )
    Question.objects.bulk_create(
        Question(
            questionnaire=questionnaire,
            order=(i + 1) * 10,
            key=q["key"],
            section=q["section"],
            label=q["label"],
            help_text=q.get("help_text", ""),
            type=q["type"],
            choices=q.get("choices", []),
            required=q.get("required", False),
            maps_to=q.get("maps_to", ""),
        )
        for i, q in enumerate(questions)
    )
    return questionnaire


@transaction.atomic
def ensure_questionnaires(clinic: Clinic) -> None:
    """Give a clinic the starting intake form and Oswestry questionnaire."""
    if not Questionnaire.objects.filter(clinic=clinic, kind=QuestionnaireKind.INTAKE).exists():
        _create_version(
            clinic,
            QuestionnaireKind.INTAKE,
            1,
            defaults.INTAKE_TITLE,
            defaults.INTAKE_INTRO,
            defaults.INTAKE_QUESTIONS,
        )
    if not Questionnaire.objects.filter(clinic=clinic, kind=QuestionnaireKind.ODI).exists():
        _create_version(
            clinic,
            QuestionnaireKind.ODI,
            1,
            defaults.ODI_TITLE,
            defaults.ODI_INTRO,
            defaults.ODI_QUESTIONS,
        )


@transaction.atomic
def ensure_default_rules(clinic: Clinic) -> None:
    """Seed the clinic's culprit rules with the working hypotheses, once."""
    if CulpritRule.objects.filter(clinic=clinic).exists():
        return
    muscles = {m.slug: m for m in Muscle.objects.all()}
    for spec in defaults.DEFAULT_RULES:
        rule = CulpritRule.objects.create(
            clinic=clinic,
            name=spec["name"],
            priority=spec["priority"],
            regions=spec["regions"],
            region_match=spec["region_match"],
            triggers=spec["triggers"],
            functional_groups=spec["functional_groups"],
            reason=spec["reason"],
        )
        rule.muscles.set([muscles[slug] for slug in spec["muscles"] if slug in muscles])


def current_questionnaire(clinic: Clinic, kind: str) -> Questionnaire:
    """The newest published version of a clinic's questionnaire."""
    ensure_questionnaires(clinic)
    return Questionnaire.objects.filter(clinic=clinic, kind=kind, published=True).latest("version")


@transaction.atomic
def create_new_version(*, questionnaire: Questionnaire, created_by: User) -> Questionnaire:
    """Copy a version into the next one (unpublished) for the clinic to edit:
    submissions keep pointing at the version they answered."""
    if created_by.role != Role.OWNER:
        raise NotAllowed()
    latest = Questionnaire.objects.filter(
        clinic=questionnaire.clinic, kind=questionnaire.kind
    ).latest("version")
    copy = _create_version(
        questionnaire.clinic,
        questionnaire.kind,
        latest.version + 1,
        questionnaire.title,
        questionnaire.intro,
        [
            {
                "key": q.key,
                "section": q.section,
                "label": q.label,
                "help_text": q.help_text,
                "type": q.type,
                "choices": q.choices,
                "required": q.required,
                "maps_to": q.maps_to,
            }
            for q in questionnaire.questions.all()
        ],
    )
    copy.published = False
    copy.save(update_fields=["published"])
    return copy


# --- links -------------------------------------------------------------------------------


def invitation_token(invitation: IntakeInvitation) -> str:
    return make_token(Purpose.INTAKE_FORM, {"i": invitation.pk})


@dataclass(frozen=True)
class TokenCheck:
    state: str  # "ok", "invalid", "expired" or "used"
    invitation: IntakeInvitation | None = None


def check_token(token: str) -> TokenCheck:
    """What a link is good for; never raises."""
    data = read_token(Purpose.INTAKE_FORM, token)
    pk = data.get("i") if data is not None else None
    if not isinstance(pk, int):
        return TokenCheck("invalid")
    invitation = (
        IntakeInvitation.objects.select_related("client__clinic", "questionnaire")
        .filter(pk=pk)
        .first()
    )
    if invitation is None:
        return TokenCheck("invalid")
    if invitation.used_at is not None:
        return TokenCheck("used", invitation)
    if invitation.is_expired:
        return TokenCheck("expired", invitation)
    return TokenCheck("ok", invitation)


@transaction.atomic
def send_intake_link(
    *,
    client: Client,
    sent_by: User | None,
    kind: str = QuestionnaireKind.INTAKE,
    corrects: Submission | None = None,
) -> IntakeInvitation:
    """Send (or send again) a questionnaire link through the outbox. ``sent_by``
    is None when booking sends it automatically."""
    if sent_by is not None and sent_by.role not in (Role.OWNER, Role.FRONT_DESK, Role.THERAPIST):
        raise NotAllowed()
    if corrects is not None and corrects.client_id != client.pk:
        raise Conflict("That submission belongs to another client.")
    clinic = client.clinic
    questionnaire = current_questionnaire(clinic, kind)
    now = timezone.now()
    invitation = IntakeInvitation.objects.create(
        client=client,
        questionnaire=questionnaire,
        sent_by=sent_by,
        corrects=corrects,
        expires_at=now + timedelta(days=clinic.intake_link_valid_days),
    )
    url = rendering.absolute_url(f"/intake/{invitation_token(invitation)}/")
    notifications.enqueue(
        recipient=client,
        template_key="odi_link" if kind == QuestionnaireKind.ODI else "intake_link",
        context={
            "url": url,
            "valid_days": clinic.intake_link_valid_days,
            "title": questionnaire.title,
            "correction": corrects is not None,
        },
        send_after=now,
        idempotency_key=f"intake-invitation-{invitation.pk}",
        about=invitation,
    )
    record_audit(
        actor=sent_by,
        action=AuditAction.CREATE,
        obj=invitation,
        client=client,
        detail={"kind": kind},
    )
    return invitation


# --- submitting -----------------------------------------------------------------------------

ODI_BANDS = [
    (20, "Minimal disability"),
    (40, "Moderate disability"),
    (60, "Severe disability"),
    (80, "Crippling back pain"),
    (100, "Bed-bound, or symptoms may be exaggerated"),
]


def odi_score(section_scores: list[int | None]) -> tuple[Decimal, str, int] | None:
    """Oswestry: total / (5 x sections answered) x 100, and its band."""
    answered = [s for s in section_scores if s is not None]
    if not answered:
        return None
    score = (Decimal(sum(answered)) / Decimal(5 * len(answered)) * 100).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    band = next(label for limit, label in ODI_BANDS if score <= limit)
    return score, band, len(answered)


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


# --- rules ------------------------------------------------------------------------------------


def _sides(codes: list[str]) -> list[str]:
    sides = {REGION_BY_CODE[c].side for c in codes if c in REGION_BY_CODE}
    if "centre" in sides or {"left", "right"} <= sides:
        return ["both"]
    return sorted(sides) or ["both"]


def evaluate_rules(submission: Submission) -> list[CulpritSuggestion]:
    """Run the clinic's active rules on a submission and store what they suggest,
    each muscle on the side(s) where the pain is, with the rule that suggested it."""
    rules = CulpritRule.objects.filter(
        clinic_id=submission.client.clinic_id, active=True
    ).prefetch_related("muscles")
    regions, triggers = set(submission.pain_regions), set(submission.triggers)
    group_members: dict[str, list[Muscle]] = {}
    for muscle in Muscle.objects.all():
        group_members.setdefault(muscle.functional_group, []).append(muscle)
    suggestions: list[CulpritSuggestion] = []
    seen: set[tuple[int, str]] = set()
    for rule in rules:
        matched = sorted(regions & set(rule.regions))
        if rule.region_match == RegionMatch.ALL:
            if not set(rule.regions) <= regions:
                continue
        elif not matched:
            continue
        matched_triggers = sorted(triggers & set(rule.triggers))
        if rule.triggers and not matched_triggers:
            continue
        muscles = list(rule.muscles.all())
        for group in rule.functional_groups:
            muscles += [m for m in group_members.get(group, []) if m not in muscles]
        for muscle in muscles:
            for side in _sides(matched) if muscle.sided else ["both"]:
                if (muscle.pk, side) in seen:
                    continue
                seen.add((muscle.pk, side))
                suggestions.append(
                    CulpritSuggestion(
                        submission=submission,
                        rule=rule,
                        rule_name=rule.name,
                        muscle=muscle,
                        side=side,
                        reason=rule.reason,
                        matched_regions=matched,
                        matched_triggers=matched_triggers,
                    )
                )
    CulpritSuggestion.objects.bulk_create(suggestions)
    return suggestions


# --- outcomes ----------------------------------------------------------------------------------


def record_pain(
    *,
    client: Client,
    score: int,
    source: str,
    recorded_at: datetime | None = None,
    reference: str = "",
) -> PainRating:
    """Add one 0-10 pain rating to the client's series (once per reference)."""
    if not 0 <= score <= 10:
        raise InvalidInput(fields={"score": ["Pain is rated from 0 to 10."]})
    if reference:
        existing = PainRating.objects.filter(source=source, reference=reference).first()
        if existing:
            return existing
    try:
        with transaction.atomic():
            return PainRating.objects.create(
                client=client,
                score=score,
                source=source,
                recorded_at=recorded_at or timezone.now(),
                reference=reference,
            )
    except IntegrityError:
        return PainRating.objects.get(source=source, reference=reference)
