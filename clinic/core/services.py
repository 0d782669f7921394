"""Writes of the core domain: one function per use case, each transactional."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

# API tokens and password changes live in clinic.core.accounts; signing in
# through the API issues a token with ``issue_api_token`` (re-exported here).
from clinic.core.accounts import change_password as change_password
from clinic.core.accounts import issue_api_token as issue_api_token
from clinic.core.audit import record_audit
from clinic.core.errors import InvalidInput, NotAllowed
from clinic.core.models import (
    AuditAction,
    Channel,
    Client,
    Clinic,
    Location,
    Role,
    Therapist,
    User,
)
from clinic.core.roles import GROUP_NAMES

# What a client may change in their own record; the rest is the front desk's.
CLIENT_SELF_EDITABLE = frozenset(
    {
        "preferred_name",
        "email",
        "phone",
        "preferred_channel",
        "timezone",
        "emergency_contact_name",
        "emergency_contact_phone",
        "emergency_contact_relationship",
        "message_opt_in",
    }
)
CLIENT_FIELDS = CLIENT_SELF_EDITABLE | {"first_name", "last_name", "date_of_birth"}
CLINIC_FIELDS = frozenset(
    {
        "name",
        "phone",
        "email",
        "website",
        "timezone",
        "cancellation_window_hours",
        "reminder_lead_hours",
        "quiet_hours_start",
        "quiet_hours_end",
        "email_in_quiet_hours",
        "therapists_see_all_clients",
        "require_two_factor_for_staff",
        "min_booking_notice_minutes",
        "booking_horizon_days",
        "slot_granularity_minutes",
        "intake_link_valid_days",
        "default_hold_seconds",
        "default_repetitions",
        "default_sets",
        "default_sessions_per_week",
        "default_side",
        "adherence_alert_percent",
    }
)
LOCATION_FIELDS = frozenset(
    {
        "name",
        "address_line1",
        "address_line2",
        "city",
        "region",
        "postcode",
        "country",
        "phone",
        "timezone",
        "active",
    }
)


def full_clean_or_400(instance: models.Model, *, exclude: list[str] | None = None) -> None:
    """Run the model's validators and constraints; a failure becomes a 400 naming fields."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        fields = {
            ("non_field_errors" if key == "__all__" else key): list(messages)
            for key, messages in exc.message_dict.items()
        }
        raise InvalidInput(fields=fields) from exc


def _require_role(user: User, *roles: str) -> None:
    if user.role not in roles:
        raise NotAllowed()


# --- people and roles ---------------------------------------------------------


@transaction.atomic
def set_user_role(*, user: User, role: Role | str) -> User:
    """Give a user a role: the API follows ``role``; admin access follows the group."""
    if role not in Role.values:
        raise InvalidInput(fields={"role": [f"Unknown role {role!r}."]})
    user.role = role
    user.is_staff = role in (Role.OWNER, Role.FRONT_DESK)
    user.save(update_fields=["role", "is_staff"])
    groups = Group.objects.filter(name__in=GROUP_NAMES.values())
    user.groups.remove(*groups)
    group, _ = Group.objects.get_or_create(name=GROUP_NAMES[role])
    user.groups.add(group)
    return user


@transaction.atomic
def create_user(
    *,
    username: str,
    role: Role | str,
    clinic: Clinic | None,
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    """Create a sign-in with a role (no password: the user cannot sign in yet)."""
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInput(fields={"username": ["This username is taken."]})
    user = User(
        username=username,
        clinic=clinic,
        first_name=first_name,
        last_name=last_name,
        email=email,
        role=role,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    full_clean_or_400(user, exclude=["password"])
    user.save()
    set_user_role(user=user, role=role)
    return user


@transaction.atomic
def create_therapist(
    *,
    user: User,
    credentials: str = "",
    licence_number: str = "",
    calendar_colour: str = "#3366CC",
    locations: list[Location] | None = None,
    bio: str = "",
) -> Therapist:
    """Attach a therapist profile to a user and give them the therapist role."""
    if user.clinic_id is None:
        raise InvalidInput(fields={"user": ["A therapist must belong to a clinic."]})
    if any(loc.clinic_id != user.clinic_id for loc in locations or []):
        raise InvalidInput(fields={"locations": ["A location of another clinic was given."]})
    therapist = Therapist(
        user=user,
        credentials=credentials,
        licence_number=licence_number,
        calendar_colour=calendar_colour,
        bio=bio,
    )
    full_clean_or_400(therapist)
    therapist.save()
    therapist.locations.set(locations or [])
    set_user_role(user=user, role=Role.THERAPIST)
    return therapist


# --- clients --------------------------------------------------------------------


def _default_channel(email: str, phone: str) -> str:
    if email:
        return Channel.EMAIL
    if phone:
        return Channel.SMS
    raise InvalidInput(
        fields={
            "email": ["Give an e-mail address or a phone number."],
            "phone": ["Give an e-mail address or a phone number."],
        }
    )


def _check_care_team(clinic_id: int, care_team: list[Therapist]) -> None:
    if any(t.user.clinic_id != clinic_id for t in care_team):
        raise InvalidInput(fields={"care_team": ["A therapist of another clinic was given."]})


@transaction.atomic
def create_client(
    *,
    clinic: Clinic,
    created_by: User,
    first_name: str,
    last_name: str,
    care_team: list[Therapist] | None = None,
    user: User | None = None,
    **fields: Any,
) -> Client:
    """Register a client of the clinic (front desk or owner)."""
    _require_role(created_by, Role.OWNER, Role.FRONT_DESK)
    unknown = set(fields) - CLIENT_FIELDS
    if unknown:
        raise InvalidInput(fields={name: ["Unknown field."] for name in sorted(unknown)})
    if not fields.get("preferred_channel"):
        fields["preferred_channel"] = _default_channel(
            fields.get("email", ""), fields.get("phone", "")
        )
    client = Client(clinic=clinic, first_name=first_name, last_name=last_name, user=user, **fields)
    full_clean_or_400(client)
    client.save()
    if care_team:
        _check_care_team(clinic.pk, care_team)
        client.care_team.set(care_team)
    record_audit(actor=created_by, action=AuditAction.CREATE, obj=client, client=client)
    return client


@transaction.atomic
def update_client(
    *,
    client: Client,
    changed_by: User,
    care_team: list[Therapist] | None = None,
    **changes: Any,
) -> Client:
    """Change a client's record. A client may change only their own contact
    details and preferences; front desk and owner may change everything."""
    if changed_by.role == Role.CLIENT:
        if client.user_id != changed_by.pk:
            raise NotAllowed()
        refused = set(changes) - CLIENT_SELF_EDITABLE
        if care_team is not None:
            refused.add("care_team")
        if refused:
            raise InvalidInput(
                fields={
                    name: ["Please ask the clinic to change this for you."]
                    for name in sorted(refused)
                }
            )
    else:
        _require_role(changed_by, Role.OWNER, Role.FRONT_DESK)
    unknown = set(changes) - CLIENT_FIELDS
    if unknown:
        raise InvalidInput(fields={name: ["Unknown field."] for name in sorted(unknown)})
    client = Client.objects.select_for_update().get(pk=client.pk)
    for name, value in changes.items():
        setattr(client, name, value)
    full_clean_or_400(client)
    client.save()
    changed = sorted(changes)
    if care_team is not None:
        _check_care_team(client.clinic_id, care_team)
        client.care_team.set(care_team)
        changed.append("care_team")
    record_audit(
        actor=changed_by,
        action=AuditAction.UPDATE,
        obj=client,
        client=client,
        detail={"fields": changed},
    )
    return client


@transaction.atomic
def update_client_from_own_form(*, client: Client, source: str, **changes: str) -> Client:
    """The client changed their own contact details on a form reached by a
    signed link (no sign-in): only contact fields, empty answers ignored."""
    allowed = {"phone", "emergency_contact_name", "emergency_contact_phone"}
    changes = {k: v for k, v in changes.items() if k in allowed and v}
    if not changes:
        return client
    client = Client.objects.select_for_update().get(pk=client.pk)
    for name, value in changes.items():
        setattr(client, name, value)
    full_clean_or_400(client)
    client.save()
    record_audit(
        actor=None,
        action=AuditAction.UPDATE,
        obj=client,
        client=client,
        detail={"fields": sorted(changes), "via": source},
    )
    return client


@transaction.atomic
def archive_client(*, client: Client, archived_by: User) -> Client:
    """Archive instead of delete: the record and its history stay."""
    _require_role(archived_by, Role.OWNER, Role.FRONT_DESK)
    if client.archived_at is None:
        client.archived_at = timezone.now()
        client.save(update_fields=["archived_at", "updated_at"])
        record_audit(
            actor=archived_by,
            action=AuditAction.UPDATE,
            obj=client,
            client=client,
            detail={"archived": True},
        )
    return client


@transaction.atomic
def restore_client(*, client: Client, restored_by: User) -> Client:
    """Bring an archived client back."""
    _require_role(restored_by, Role.OWNER, Role.FRONT_DESK)
    if client.archived_at is not None:
        client.archived_at = None
        client.save(update_fields=["archived_at", "updated_at"])
        record_audit(
            actor=restored_by,
            action=AuditAction.UPDATE,
            obj=client,
            client=client,
            detail={"archived": False},
        )
    return client


def record_client_read(*, client: Client, read_by: User) -> None:
    """A member of staff opened a client's record."""
    if read_by.role != Role.CLIENT:
        record_audit(actor=read_by, action=AuditAction.READ, obj=client, client=client)


# --- clinic and locations ---------------------------------------------------------


@transaction.atomic
def update_clinic(*, clinic: Clinic, changed_by: User, **changes: Any) -> Clinic:
    """Change the clinic's details and policies (owner only)."""
    _require_role(changed_by, Role.OWNER)
    if changed_by.clinic_id != clinic.pk:
        raise NotAllowed()
    unknown = set(changes) - CLINIC_FIELDS
    if unknown:
        raise InvalidInput(fields={name: ["Unknown field."] for name in sorted(unknown)})
    clinic = Clinic.objects.select_for_update().get(pk=clinic.pk)
    for name, value in changes.items():
        setattr(clinic, name, value)
    full_clean_or_400(clinic)
    clinic.save()
    record_audit(
        actor=changed_by, action=AuditAction.UPDATE, obj=clinic, detail={"fields": sorted(changes)}
    )
    return clinic


@transaction.atomic
def create_location(*, clinic: Clinic, created_by: User, **fields: Any) -> Location:
    """Add a location to the clinic (owner only)."""
    _require_role(created_by, Role.OWNER)
    unknown = set(fields) - LOCATION_FIELDS
    if unknown:
        raise InvalidInput(fields={name: ["Unknown field."] for name in sorted(unknown)})
    location = Location(clinic=clinic, **fields)
    full_clean_or_400(location)
    location.save()
    record_audit(actor=created_by, action=AuditAction.CREATE, obj=location)
    return location


@transaction.atomic
def update_location(*, location: Location, changed_by: User, **changes: Any) -> Location:
    """Change a location (owner only); deactivate rather than delete."""
    _require_role(changed_by, Role.OWNER)
    unknown = set(changes) - LOCATION_FIELDS
    if unknown:
        raise InvalidInput(fields={name: ["Unknown field."] for name in sorted(unknown)})
    location = Location.objects.select_for_update().get(pk=location.pk)
    for name, value in changes.items():
        setattr(location, name, value)
    full_clean_or_400(location)
    location.save()
    record_audit(
        actor=changed_by,
        action=AuditAction.UPDATE,
        obj=location,
        detail={"fields": sorted(changes)},
    )
    return location
