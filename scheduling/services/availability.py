"""Changes to when therapists work, and their calendar feed addresses."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from clinic.core.audit import record_audit
from clinic.core.errors import Conflict, InvalidInput, NotAllowed
from clinic.core.models import AuditAction, Location, Role, Therapist, User
from clinic.core.services import full_clean_or_400
from scheduling.models import (
    ACTIVE_STATUSES,
    Appointment,
    AvailabilityOverride,
    CalendarFeed,
    OverrideKind,
    new_calendar_token,
)


def _zone_for(therapist: Therapist, location: Location | None) -> ZoneInfo:
    if location is not None:
        return ZoneInfo(location.timezone)
    first = therapist.locations.first()
    return ZoneInfo(first.timezone if first else therapist.user.clinic.timezone)  # type: ignore[union-attr]


@transaction.atomic
def add_availability_override(
    *,
    therapist: Therapist,
    day: date,
    kind: str,
    created_by: User,
    start_time: time | None = None,
    end_time: time | None = None,
    location: Location | None = None,
    reason: str = "",
) -> AvailabilityOverride:
    """A day off, time off or extra hours. A therapist may block only their own
    time (not add hours); time that already holds appointments cannot be
    blocked until they are moved or cancelled."""
    if created_by.role == Role.THERAPIST:
        if therapist.user_id != created_by.pk:
            raise NotAllowed("You can only block your own time.")
        if kind == OverrideKind.EXTRA_HOURS:
            raise NotAllowed("Ask the front desk to add hours.")
    elif created_by.role not in (Role.OWNER, Role.FRONT_DESK):
        raise NotAllowed()
    if location is not None and location.clinic_id != therapist.user.clinic_id:
        raise InvalidInput(fields={"location": ["A location of another clinic was given."]})
    override = AvailabilityOverride(
        therapist=therapist,
        date=day,
        kind=kind,
        start_time=start_time,
        end_time=end_time,
        location=location,
        reason=reason,
        created_by=created_by,
    )
    full_clean_or_400(override, exclude=["created_by"])
    if kind != OverrideKind.EXTRA_HOURS:
        zone = _zone_for(therapist, location)
        if kind == OverrideKind.DAY_OFF:
            start = datetime.combine(day, time.min, tzinfo=zone)
            end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
        else:
            assert start_time is not None and end_time is not None
            start = datetime.combine(day, start_time, tzinfo=zone)
            end = datetime.combine(day, end_time, tzinfo=zone)
        clashes = Appointment.objects.filter(
            therapist=therapist, status__in=ACTIVE_STATUSES, starts_at__lt=end, ends_at__gt=start
        ).order_by("starts_at")
        if clashes.exists():
            times = ", ".join(f"{a.starts_at.astimezone(zone):%H:%M}" for a in clashes[:10])
            raise Conflict(
                f"There are appointments in this time ({times}); move or cancel them first.",
                fields={"start_time": [f"Appointments at {times}."]},
            )
    override.save()
    record_audit(
        actor=created_by,
        action=AuditAction.CREATE,
        obj=override,
        detail={"kind": kind, "date": day.isoformat()},
    )
    return override


@transaction.atomic
def remove_availability_override(*, override: AvailabilityOverride, removed_by: User) -> None:
    if removed_by.role == Role.THERAPIST and override.therapist.user_id != removed_by.pk:
        raise NotAllowed()
    if removed_by.role == Role.CLIENT:
        raise NotAllowed()
    record_audit(
        actor=removed_by,
        action=AuditAction.DELETE,
        obj=override,
        detail={"kind": override.kind, "date": override.date.isoformat()},
    )
    override.delete()


@transaction.atomic
def calendar_feed_for(*, therapist: Therapist, rotate: bool = False) -> CalendarFeed:
    """The therapist's secret feed; ``rotate`` gives a new address and stops the old."""
    feed, created = CalendarFeed.objects.get_or_create(therapist=therapist)
    if rotate and not created:
        feed.token = new_calendar_token()
        feed.save(update_fields=["token"])
    return feed
