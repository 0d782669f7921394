"""Reads of intake, scoped to the caller; badges and warnings other apps ask for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from clinic.core.models import Client, Role, User
from clinic.core.selectors import list_clients_for
from intake.models import (
    Clearance,
    ClearanceStatus,
    ClientDocument,
    CulpritSuggestion,
    IntakeInvitation,
    PainRating,
    QuestionnaireKind,
    Submission,
)


def list_submissions_for(user: User) -> QuerySet[Submission]:
    """Submissions of the clients the user may see (front desk included: the
    API shows them completion and the red-flag badge only)."""
    if user.role == Role.CLIENT:
        return Submission.objects.filter(client__user_id=user.pk).select_related(
            "questionnaire", "client"
        )
    return Submission.objects.filter(
        client__in=list_clients_for(user, include_archived=True)
    ).select_related("questionnaire", "client")


NO_CLEARANCE = "none"


@dataclass(frozen=True)
class ClearanceState:
    """Where a client stands with red flags: ``none`` (nothing asks for a
    doctor), ``referred`` (referred, not yet cleared) or ``cleared`` (seen by a
    doctor and cleared); since when, and the record that says so (None for a
    red-flagged form older than the clearance records)."""

    state: str
    since: datetime | None
    record: Clearance | None

    @property
    def is_referred(self) -> bool:
        return self.state == ClearanceStatus.REFERRED


def get_clearance_states(client_ids: list[int]) -> dict[int, ClearanceState]:
    """Each client's clearance state, in two queries. The newest clearance
    record decides; a red-flagged intake form newer than every record (one
    submitted before clearance records existed) means referred."""
    newest: dict[int, Clearance] = {}
    for row in Clearance.objects.filter(client_id__in=client_ids).order_by(
        "client_id", "recorded_at", "id"
    ):
        newest[row.client_id] = row
    flagged: dict[int, datetime] = {}
    for client_id, submitted_at in Submission.objects.filter(
        client_id__in=client_ids,
        questionnaire__kind=QuestionnaireKind.INTAKE,
        referral_flag=True,
    ).values_list("client_id", "submitted_at"):
        flagged[client_id] = max(submitted_at, flagged.get(client_id, submitted_at))
    out: dict[int, ClearanceState] = {}
    for client_id in client_ids:
        record = newest.get(client_id)
        red_flag_at = flagged.get(client_id)
        if red_flag_at is not None and (record is None or red_flag_at > record.recorded_at):
            out[client_id] = ClearanceState(ClearanceStatus.REFERRED, red_flag_at, None)
        elif record is not None:
            out[client_id] = ClearanceState(record.status, record.recorded_at, record)
        else:
            out[client_id] = ClearanceState(NO_CLEARANCE, None, None)
    return out


def get_clearance_state(client: Client) -> ClearanceState:
    return get_clearance_states([client.pk])[client.pk]


def list_clearances_of_client(client: Client) -> QuerySet[Clearance]:
    """The client's clearance history, newest first (unscoped: the caller has
    checked the reader may see this client)."""
    return Clearance.objects.filter(client=client).select_related("recorded_by", "document")


def list_documents_for(user: User) -> QuerySet[ClientDocument]:
    """Documents of the clients whose clinical record the user may read
    (owner and therapists, as for notes); nobody else sees any."""
    if user.role not in (Role.OWNER, Role.THERAPIST):
        return ClientDocument.objects.none()
    return ClientDocument.objects.filter(
        client__in=list_clients_for(user, include_archived=True)
    ).select_related("uploaded_by")


def get_document_of_client(*, document_id: int, client: Client) -> ClientDocument | None:
    """One document on this client's record, or None."""
    return ClientDocument.objects.filter(
        pk=document_id, client=client, clinic_id=client.clinic_id
    ).first()


def get_intake_badges(client_ids: list[int]) -> dict[int, dict[str, Any]]:
    """For the day view and client lists: intake status (done, sent, expired,
    not_sent), whether the latest intake asks for a doctor first, and the
    clearance state (none, referred, cleared). Four queries."""
    latest: dict[int, Submission] = {}
    for submission in Submission.objects.filter(
        client_id__in=client_ids, questionnaire__kind=QuestionnaireKind.INTAKE
    ).order_by("client_id", "submitted_at", "id"):
        latest[submission.client_id] = submission  # the newest wins (corrections included)
    invited: dict[int, bool] = {}
    now = timezone.now()
    for client_id, expires_at in IntakeInvitation.objects.filter(
        client_id__in=client_ids,
        questionnaire__kind=QuestionnaireKind.INTAKE,
        used_at__isnull=True,
    ).values_list("client_id", "expires_at"):
        invited[client_id] = invited.get(client_id, False) or expires_at > now
    clearances = get_clearance_states(client_ids)
    out: dict[int, dict[str, Any]] = {}
    for client_id in client_ids:
        clearance = clearances[client_id].state
        if client_id in latest:
            out[client_id] = {
                "intake_status": "done",
                "red_flag": latest[client_id].referral_flag,
                "clearance": clearance,
            }
        elif client_id in invited:
            out[client_id] = {
                "intake_status": "sent" if invited[client_id] else "expired",
                "red_flag": False,
                "clearance": clearance,
            }
        else:
            out[client_id] = {
                "intake_status": "not_sent",
                "red_flag": False,
                "clearance": clearance,
            }
    return out


def list_booking_blockers(client: Client) -> list[str]:
    """Why booking this client needs a member of staff's explicit go-ahead
    (clients with these cannot book themselves): a referral to a doctor not
    yet cleared, whether a red-flagged intake form or a clinician opened it."""
    if get_clearance_state(client).is_referred:
        return [
            "The client was referred to a doctor (red flags) and has not been cleared yet: "
            "they were advised to see a doctor first."
        ]
    return []


def list_booking_warnings(client: Client) -> list[str]:
    """What staff should know when booking, without stopping the booking: a new
    client has not done the intake yet (booking sends them the link)."""
    if get_intake_badges([client.pk])[client.pk]["intake_status"] != "done":
        return ["The intake form is not done yet; the client will get a link to it."]
    return []


def has_intake_due(client: Client) -> bool:
    """No intake submitted and no unexpired link waiting."""
    return get_intake_badges([client.pk])[client.pk]["intake_status"] in ("not_sent", "expired")


def get_latest_intake(client: Client) -> Submission | None:
    return (
        Submission.objects.filter(client=client, questionnaire__kind=QuestionnaireKind.INTAKE)
        .order_by("-submitted_at", "-id")
        .first()
    )


def list_pain_ratings(client: Client) -> QuerySet[PainRating]:
    return PainRating.objects.filter(client=client).order_by("recorded_at", "id")


def list_odi_submissions(client: Client) -> QuerySet[Submission]:
    return Submission.objects.filter(
        client=client, questionnaire__kind=QuestionnaireKind.ODI, odi_score__isnull=False
    ).order_by("submitted_at", "id")


def get_suggestion_for_client(*, suggestion_id: int, client: Client) -> CulpritSuggestion | None:
    """One rule suggestion made from this client's intake, or None."""
    return (
        CulpritSuggestion.objects.filter(pk=suggestion_id, submission__client=client)
        .select_related("muscle", "submission")
        .first()
    )


def list_submissions_of_client(client: Client) -> QuerySet[Submission]:
    """All the client's forms, oldest first, with questionnaire and suggestions
    (unscoped: the caller has checked the reader may see this client)."""
    return (
        Submission.objects.filter(client=client)
        .select_related("questionnaire")
        .prefetch_related("suggestions__muscle")
        .order_by("submitted_at", "id")
    )
