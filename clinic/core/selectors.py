"""Reads of the core domain, always scoped to the caller.

Every API queryset starts here, so an object that is not the caller's to see
can never be found (a 404, not a 403, for someone else's record).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from clinic.core.models import AuditEvent, Client, Clinic, Location, Muscle, Role, Therapist, User


def get_clinic_for(user: User) -> Clinic | None:
    """The clinic the user belongs to (None for a user without one)."""
    if not user.is_authenticated or user.clinic_id is None:
        return None
    return Clinic.objects.filter(pk=user.clinic_id).first()


def list_clients_for(user: User, *, include_archived: bool = False) -> QuerySet[Client]:
    """Clients the user may see: owner and front desk all of their clinic's;
    a therapist those on whose care team they are (or all, when the clinic says
    so); a client only themselves."""
    if user.clinic_id is None:
        return Client.objects.none()
    qs = Client.objects.filter(clinic_id=user.clinic_id)
    if not include_archived:
        qs = qs.filter(archived_at__isnull=True)
    if user.role in (Role.OWNER, Role.FRONT_DESK):
        return qs
    if user.role == Role.THERAPIST:
        on_team = Client.care_team.through.objects.filter(
            client_id=OuterRef("pk"), therapist__user_id=user.pk
        )
        return qs.filter(Q(clinic__therapists_see_all_clients=True) | Exists(on_team))
    if user.role == Role.CLIENT:
        return qs.filter(user_id=user.pk)
    return qs.none()


def has_client_relationship(user: User, client: Client) -> bool:
    """Whether the user may see this client (the same rule as the list)."""
    return list_clients_for(user, include_archived=True).filter(pk=client.pk).exists()


def list_therapists_for(user: User) -> QuerySet[Therapist]:
    """Therapists of the caller's clinic; clients see only active ones."""
    if user.clinic_id is None:
        return Therapist.objects.none()
    qs = (
        Therapist.objects.filter(user__clinic_id=user.clinic_id)
        .select_related("user")
        .prefetch_related("locations")
    )
    if user.role == Role.CLIENT:
        qs = qs.filter(active=True)
    return qs


def get_therapist_for_user(user: User) -> Therapist | None:
    return Therapist.objects.filter(user_id=user.pk).first()


def list_locations_for(user: User) -> QuerySet[Location]:
    """The caller's clinic's locations; clients see only active ones."""
    if user.clinic_id is None:
        return Location.objects.none()
    qs = Location.objects.filter(clinic_id=user.clinic_id)
    if user.role == Role.CLIENT:
        qs = qs.filter(active=True)
    return qs


def list_muscles() -> QuerySet[Muscle]:
    """The whole atlas, with antagonists ready to read."""
    return Muscle.objects.prefetch_related("antagonists")


def list_audit_events_for(user: User) -> QuerySet[AuditEvent]:
    """Only an owner reads the trail, and only their clinic's people's events."""
    if user.role != Role.OWNER:
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(
        Q(actor__clinic_id=user.clinic_id) | Q(client__clinic_id=user.clinic_id)
    ).select_related("actor")
