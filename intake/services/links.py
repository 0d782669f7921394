"""Links to a questionnaire: the signed token in the link, what a token is good
for, and sending a link through the outbox.

Only the newest link of each kind (the intake form, the Oswestry
questionnaire) works: sending a new one revokes the client's unused older ones
of that kind, in the same transaction, and those then say they were replaced."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from clinic.core.audit import record_audit
from clinic.core.errors import Conflict, NotAllowed
from clinic.core.models import AuditAction, Client, Role, User
from clinic.core.signing import Purpose, make_token, read_token
from clinic.notifications import rendering
from clinic.notifications import services as notifications
from intake.models import IntakeInvitation, QuestionnaireKind, Submission
from intake.services.setup import current_questionnaire


def invitation_token(invitation: IntakeInvitation) -> str:
    return make_token(Purpose.INTAKE_FORM, {"i": invitation.pk})


@dataclass(frozen=True)
class TokenCheck:
    state: str  # "ok", "invalid", "expired", "replaced" or "used"
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
    if invitation.revoked_at is not None:
        return TokenCheck("replaced", invitation)
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
    is None when booking sends it automatically. The client's unused older
    links to the same kind of questionnaire stop working (they are revoked)."""
    if sent_by is not None and sent_by.role not in (Role.OWNER, Role.FRONT_DESK, Role.THERAPIST):
        raise NotAllowed()
    if corrects is not None and corrects.client_id != client.pk:
        raise Conflict("That submission belongs to another client.")
    clinic = client.clinic
    questionnaire = current_questionnaire(clinic, kind)
    now = timezone.now()
    revoked = IntakeInvitation.objects.filter(
        client=client,
        questionnaire__kind=kind,
        used_at__isnull=True,
        revoked_at__isnull=True,
    ).update(revoked_at=now)
    invitation = IntakeInvitation.objects.create(
        client=client,
        questionnaire=questionnaire,
        sent_by=sent_by,
        corrects=corrects,
        created_at=now,
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
        detail={"kind": kind, "revoked_older_links": revoked},
    )
    return invitation
