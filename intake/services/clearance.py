"""Red-flag clearance: a red-flagged intake form refers the client to a doctor
(and alerts their therapists through the outbox); a therapist or the owner
records that a doctor cleared them. Until then homework needs a stated reason
(``check_homework_clearance``); booking needs one already
(``intake.selectors.list_booking_blockers``)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from clinic.core.audit import record_audit
from clinic.core.errors import InvalidInput, NotAllowed
from clinic.core.models import AuditAction, Client, Role, User
from clinic.core.selectors import has_client_relationship
from clinic.core.services import full_clean_or_400
from clinic.notifications import rendering
from clinic.notifications import services as notifications
from intake import selectors
from intake.errors import ClearanceRequired
from intake.models import (
    Clearance,
    ClearanceStatus,
    ClientDocument,
    QuestionnaireKind,
    Submission,
)
from intake.services.reads import record_client_read

RECORDERS = (Role.OWNER, Role.THERAPIST)
ALERT_TEMPLATE = "red_flag_alert"


def _alert_recipients(client: Client) -> list[User]:
    """The client's care team (the therapists who treat them, booked ones
    included), or the clinic's owners when nobody treats them yet."""
    therapists = [
        t.user
        for t in client.care_team.select_related("user").filter(active=True, user__is_active=True)
    ]
    if therapists:
        return therapists
    return list(User.objects.filter(clinic_id=client.clinic_id, role=Role.OWNER, is_active=True))


def open_referral_from_intake(*, submission: Submission) -> Clearance | None:
    """A red-flagged intake form refers the client to a doctor (a new
    referral even after an earlier clearance) and alerts their therapists,
    once per form. Call inside the submission's transaction."""
    if not submission.referral_flag or submission.questionnaire.kind != QuestionnaireKind.INTAKE:
        return None
    client = submission.client
    referral, created = Clearance.objects.get_or_create(
        submission=submission,
        defaults={
            "client": client,
            "status": ClearanceStatus.REFERRED,
            "recorded_at": submission.submitted_at,
        },
    )
    if not created:
        return referral
    timeline_url = rendering.absolute_url(f"/clients/{client.pk}/timeline/")
    for user in _alert_recipients(client):
        notifications.enqueue(
            recipient=user,
            template_key=ALERT_TEMPLATE,
            context={
                "client": client.full_name,
                "submitted_on": submission.submitted_at.date().isoformat(),
                "timeline_url": timeline_url,
            },
            send_after=timezone.now(),
            idempotency_key=f"red-flag-alert-{submission.pk}-{user.pk}",
            about=referral,
        )
    record_audit(
        actor=None,
        action=AuditAction.CREATE,
        obj=referral,
        client=client,
        detail={"referred_by_intake": submission.pk},
    )
    return referral


def _today_for(client: Client) -> date:
    return timezone.now().astimezone(ZoneInfo(client.zone_name)).date()


@transaction.atomic
def record_clearance(
    *,
    client: Client,
    recorded_by: User,
    status: str,
    clinician_name: str = "",
    cleared_on: date | None = None,
    note: str = "",
    document: ClientDocument | None = None,
) -> Clearance:
    """Record that a doctor cleared the client (who, on what date, a note, a
    letter on the client's record), or refer them again. Owner and the
    client's therapists only."""
    if recorded_by.role not in RECORDERS:
        raise NotAllowed("Only a therapist or the owner records a clearance.")
    if not has_client_relationship(recorded_by, client):
        raise NotAllowed("You do not treat this client.")
    clinician_name, note = clinician_name.strip(), note.strip()
    problems: dict[str, list[str]] = {}
    if status == ClearanceStatus.CLEARED:
        if not clinician_name:
            problems["clinician_name"] = ["Name the doctor who cleared the client."]
        if cleared_on is None:
            problems["cleared_on"] = ["Give the date the client was cleared."]
        elif cleared_on > _today_for(client):
            problems["cleared_on"] = ["The date cleared cannot be in the future."]
    elif status == ClearanceStatus.REFERRED:
        if clinician_name or cleared_on is not None:
            problems["status"] = ["A referral names no clearing doctor or date."]
    else:
        problems["status"] = ["Give referred or cleared."]
    if document is not None and (
        document.client_id != client.pk or document.clinic_id != client.clinic_id
    ):
        problems["document"] = ["This document is not on this client's record."]
    if problems:
        raise InvalidInput(fields=problems)
    record = Clearance(
        client=client,
        status=status,
        recorded_by=recorded_by,
        clinician_name=clinician_name,
        cleared_on=cleared_on,
        note=note,
        document=document,
    )
    full_clean_or_400(record, exclude=["client", "recorded_by", "submission", "document"])
    record.save()
    record_audit(
        actor=recorded_by,
        action=AuditAction.CREATE,
        obj=record,
        client=client,
        detail={"status": status, "document": document.pk if document else None},
    )
    return record


def record_clearance_read(*, client: Client, read_by: User) -> None:
    """A member of staff read the client's clearance (the state, or the history)."""
    record_client_read(client=client, read_by=read_by, via="clearance")


def check_homework_clearance(
    *, client: Client, override_reason: str, overridden_at: datetime | None = None
) -> str:
    """Homework for a client referred to a doctor and not yet cleared goes
    ahead only with a reason: the reason to keep (stripped), or "" when none
    is needed (not referred, or ``overridden_at`` already answered this
    referral). Raises ClearanceRequired (409 naming clearance_override_reason)."""
    state = selectors.get_clearance_state(client)
    if not state.is_referred:
        return ""
    reason = override_reason.strip()
    if reason:
        return reason
    if overridden_at is not None and state.since is not None and overridden_at >= state.since:
        return ""
    raise ClearanceRequired()
