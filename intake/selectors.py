"""Reads of intake, scoped to the caller; badges and warnings other apps ask for."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from clinic.core.models import Client, Role, User
from clinic.core.selectors import list_clients_for
from intake.models import (
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


def get_intake_badges(client_ids: list[int]) -> dict[int, dict[str, Any]]:
    """For the day view and client lists: intake status (done, sent, expired,
    not_sent) and whether the latest intake asks for a doctor first. Two queries."""
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
    out: dict[int, dict[str, Any]] = {}
    for client_id in client_ids:
        if client_id in latest:
            out[client_id] = {"intake_status": "done", "red_flag": latest[client_id].referral_flag}
        elif client_id in invited:
            out[client_id] = {
                "intake_status": "sent" if invited[client_id] else "expired",
                "red_flag": False,
            }
        else:
            out[client_id] = {"intake_status": "not_sent", "red_flag": False}
    return out


def list_booking_blockers(client: Client) -> list[str]:
    """Why booking this client needs a member of staff's explicit go-ahead
    (clients with these cannot book themselves)."""
    if get_intake_badges([client.pk])[client.pk]["red_flag"]:
        return ["The intake form has red flags: the client was advised to see a doctor first."]
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
