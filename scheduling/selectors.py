"""Reads of scheduling, scoped to the caller, and the locks bookings take.

``list_free_slots`` loads everything it needs in a fixed number of queries (the
service and its therapists, weekly hours, overrides, closures, rooms and the
busy appointments), however many therapists and days, then hands the
interval arithmetic to the pure functions in ``scheduling.slots``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from clinic.core.models import Client, Clinic, Location, Role, Therapist, User
from scheduling.models import (
    ACTIVE_STATUSES,
    Appointment,
    AvailabilityOverride,
    Closure,
    Room,
    Service,
    WaitlistEntry,
    WeeklyHours,
)
from scheduling.slots import BusyTimes, DayOverride, Interval, WeeklyRule, free_starts
from scheduling.slots import working_intervals as compute_working


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    ends_at: datetime
    therapist_id: int
    room_id: int | None


# --- scoped lists ------------------------------------------------------------------


def list_appointments_for(user: User) -> QuerySet[Appointment]:
    """Owner and front desk: the clinic's; a therapist: their own; a client: theirs."""
    if user.clinic_id is None:
        return Appointment.objects.none()
    qs = Appointment.objects.filter(clinic_id=user.clinic_id).select_related(
        "client", "therapist__user", "service", "room", "location"
    )
    if user.role in (Role.OWNER, Role.FRONT_DESK):
        return qs
    if user.role == Role.THERAPIST:
        return qs.filter(therapist__user_id=user.pk)
    if user.role == Role.CLIENT:
        return qs.filter(client__user_id=user.pk)
    return qs.none()


def list_services_for(user: User) -> QuerySet[Service]:
    if user.clinic_id is None:
        return Service.objects.none()
    qs = Service.objects.filter(clinic_id=user.clinic_id).prefetch_related("therapists")
    if user.role == Role.CLIENT:
        qs = qs.filter(active=True, online_bookable=True)
    return qs


def list_rooms_for(user: User) -> QuerySet[Room]:
    if user.clinic_id is None or user.role == Role.CLIENT:
        return Room.objects.none()
    return Room.objects.filter(location__clinic_id=user.clinic_id).select_related("location")


def list_overrides_for(user: User) -> QuerySet[AvailabilityOverride]:
    """Staff see every therapist's changes; a therapist their own."""
    if user.clinic_id is None:
        return AvailabilityOverride.objects.none()
    qs = AvailabilityOverride.objects.filter(therapist__user__clinic_id=user.clinic_id)
    if user.role in (Role.OWNER, Role.FRONT_DESK):
        return qs
    if user.role == Role.THERAPIST:
        return qs.filter(therapist__user_id=user.pk)
    return qs.none()


def list_waitlist_for(user: User) -> QuerySet[WaitlistEntry]:
    if user.clinic_id is None:
        return WaitlistEntry.objects.none()
    qs = WaitlistEntry.objects.filter(client__clinic_id=user.clinic_id).select_related(
        "client", "service", "location", "therapist__user"
    )
    if user.role in (Role.OWNER, Role.FRONT_DESK):
        return qs
    if user.role == Role.CLIENT:
        return qs.filter(client__user_id=user.pk)
    if user.role == Role.THERAPIST:
        return qs.filter(Q(therapist__user_id=user.pk) | Q(therapist__isnull=True))
    return qs.none()


def list_day_for(user: User, *, location: Location, day: date) -> QuerySet[Appointment]:
    """Every appointment at a location on a local date, for the day view."""
    zone = ZoneInfo(location.timezone)
    start = datetime.combine(day, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    return (
        list_appointments_for(user)
        .filter(location=location, starts_at__gte=start, starts_at__lt=end)
        .order_by("starts_at", "therapist_id")
    )


@dataclass(frozen=True)
class BookingWindow:
    """When a new booking may start: from ``not_before``, up to ``not_after``
    (None: no horizon)."""

    not_before: datetime
    not_after: datetime | None


def get_booking_window(*, clinic: Clinic, as_client: bool, now: datetime) -> BookingWindow:
    """The one statement of the booking notice and horizon: clients book at
    least the clinic's notice ahead and at most its horizon; staff from now on."""
    if not as_client:
        return BookingWindow(not_before=now, not_after=None)
    return BookingWindow(
        not_before=now + timedelta(minutes=clinic.min_booking_notice_minutes),
        not_after=now + timedelta(days=clinic.booking_horizon_days),
    )


# --- locks (always in this order: therapist, then room, then appointments) ----------


def lock_therapist(therapist: Therapist) -> Therapist:
    return lock_therapist_by_id(therapist.pk)


def lock_therapist_by_id(therapist_id: int) -> Therapist:
    return Therapist.objects.select_for_update().get(pk=therapist_id)


def lock_room(room: Room) -> Room:
    return Room.objects.select_for_update().get(pk=room.pk)


def lock_waitlist_entry(entry_id: int) -> WaitlistEntry:
    """A waiting client's place (taken after the therapist, like an appointment)."""
    return (
        WaitlistEntry.objects.select_for_update(of=("self",))
        .select_related("client")
        .get(pk=entry_id)
    )


def lock_appointment(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("client", "therapist__user", "service", "room", "location", "clinic")
        .get(pk=appointment.pk)
    )


# --- availability and slots ---------------------------------------------------------


def _overlapping(field_start: str, field_end: str, start: datetime, end: datetime) -> Q:
    return Q(**{f"{field_start}__lt": end, f"{field_end}__gt": start})


def list_busy_blocks(
    *, therapist_ids: list[int], start: datetime, end: datetime, exclude_id: int | None = None
) -> dict[int, list[Interval]]:
    """Each therapist's active appointment blocks (buffers included) in a range."""
    qs = Appointment.objects.filter(
        _overlapping("block_start", "block_end", start, end),
        therapist_id__in=therapist_ids,
        status__in=ACTIVE_STATUSES,
    )
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    out: dict[int, list[Interval]] = defaultdict(list)
    for therapist_id, block_start, block_end in qs.values_list(
        "therapist_id", "block_start", "block_end"
    ):
        out[therapist_id].append(Interval(block_start, block_end))
    return out


def list_room_busy_blocks(
    *, room_ids: list[int], start: datetime, end: datetime, exclude_id: int | None = None
) -> dict[int, list[Interval]]:
    qs = Appointment.objects.filter(
        _overlapping("block_start", "block_end", start, end),
        room_id__in=room_ids,
        status__in=ACTIVE_STATUSES,
    )
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    out: dict[int, list[Interval]] = defaultdict(list)
    for room_id, block_start, block_end in qs.values_list("room_id", "block_start", "block_end"):
        out[room_id].append(Interval(block_start, block_end))
    return out


def list_working_intervals(
    *, therapist_ids: list[int], location: Location, first_day: date, last_day: date
) -> dict[int, list[Interval]]:
    """When each therapist works at the location, day by day (three queries)."""
    zone = ZoneInfo(location.timezone)
    rules: dict[int, list[WeeklyRule]] = defaultdict(list)
    for row in WeeklyHours.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=first_day),
        therapist_id__in=therapist_ids,
        location=location,
        valid_from__lte=last_day,
    ):
        rules[row.therapist_id].append(
            WeeklyRule(row.weekday, row.start_time, row.end_time, row.valid_from, row.valid_to)
        )
    overrides: dict[int, list[DayOverride]] = defaultdict(list)
    for o in AvailabilityOverride.objects.filter(
        Q(location__isnull=True) | Q(location=location),
        therapist_id__in=therapist_ids,
        date__range=(first_day, last_day),
    ).exclude(kind="extra_hours", location__isnull=True):
        if o.kind == "extra_hours" and o.location_id != location.pk:
            continue
        overrides[o.therapist_id].append(DayOverride(o.date, o.kind, o.start_time, o.end_time))
    closed: set[date] = set()
    for closure in Closure.objects.filter(
        Q(location__isnull=True) | Q(location=location),
        clinic_id=location.clinic_id,
        start_date__lte=last_day,
        end_date__gte=first_day,
    ):
        day = max(closure.start_date, first_day)
        while day <= min(closure.end_date, last_day):
            closed.add(day)
            day += timedelta(days=1)
    return {
        tid: compute_working(
            rules=rules.get(tid, []),
            overrides=overrides.get(tid, []),
            closed_days=closed,
            zone=zone,
            first_day=first_day,
            last_day=last_day,
        )
        for tid in therapist_ids
    }


def list_free_slots(
    *,
    service: Service,
    location: Location,
    start: datetime,
    end: datetime,
    not_before: datetime,
    therapist: Therapist | None = None,
    exclude_appointment_id: int | None = None,
) -> list[Slot]:
    """Free start times for a service at a location between two instants, each
    with a therapist and (when the service needs one) a free room."""
    clinic = location.clinic
    zone = ZoneInfo(location.timezone)
    therapists = [
        t
        for t in service.therapists.all()
        if t.active and (therapist is None or t.pk == therapist.pk)
    ]
    therapist_ids = [t.pk for t in therapists]
    if not therapist_ids or end <= start:
        return []
    first_day = start.astimezone(zone).date()
    last_day = end.astimezone(zone).date()
    working = list_working_intervals(
        therapist_ids=therapist_ids, location=location, first_day=first_day, last_day=last_day
    )
    before = timedelta(minutes=service.buffer_before_minutes)
    after = timedelta(minutes=service.buffer_after_minutes)
    duration = timedelta(minutes=service.duration_minutes)
    margin = before + after + duration
    busy = list_busy_blocks(
        therapist_ids=therapist_ids,
        start=start - margin,
        end=end + margin,
        exclude_id=exclude_appointment_id,
    )
    rooms: list[Room] = []
    room_busy: dict[int, BusyTimes] = {}
    if service.room_kind:
        rooms = list(
            Room.objects.filter(location=location, kind=service.room_kind, active=True).order_by(
                "name"
            )
        )
        blocks = list_room_busy_blocks(
            room_ids=[r.pk for r in rooms],
            start=start - margin,
            end=end + margin,
            exclude_id=exclude_appointment_id,
        )
        room_busy = {r.pk: BusyTimes(blocks.get(r.pk, [])) for r in rooms}
        if not rooms:
            return []
    step = timedelta(minutes=clinic.slot_granularity_minutes)
    slots: list[Slot] = []
    for tid in therapist_ids:
        # Steps count from the start of each working interval (09:00, 13:30...).
        todays = [iv for iv in working[tid] if iv.end > start and iv.start < end]
        for s in free_starts(
            working=todays,
            busy=BusyTimes(busy.get(tid, [])),
            duration=duration,
            buffer_before=before,
            buffer_after=after,
            step=step,
            not_before=max(not_before, start),
            not_after=end,
        ):
            if s >= end:
                continue
            room_id = None
            if rooms:
                block = Interval(s - before, s + duration + after)
                room_id = next((r.pk for r in rooms if room_busy[r.pk].is_free(block)), None)
                if room_id is None:
                    continue
            slots.append(Slot(s, s + duration, tid, room_id))
    slots.sort(key=lambda slot: (slot.starts_at, slot.therapist_id))
    return slots


def get_client_for_user(user: User) -> Client | None:
    return Client.objects.filter(user_id=user.pk, archived_at__isnull=True).first()
