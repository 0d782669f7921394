"""Booking.

The guarantee against double booking is the database's: on PostgreSQL the
exclusion constraints on the therapist's, the room's and the client's time
ranges; on SQLite the booking transaction is IMMEDIATE, so bookings run one at
a time and the overlap check below sees every committed booking. The checks
here give the friendly answer; the constraint is what makes it true.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic.core.audit import record_audit
from clinic.core.db import violated_constraint
from clinic.core.errors import InvalidInput, NotAllowed
from clinic.core.models import AuditAction, Client, Location, Role, Therapist, User
from intake import selectors as intake_selectors
from scheduling import selectors
from scheduling.errors import BookingNeedsOverride, SlotNotOffered, SlotTaken
from scheduling.models import (
    ACTIVE_STATUSES,
    CLIENT_OVERLAP,
    OVERLAP_CONSTRAINTS,
    Appointment,
    BookingChannel,
    Room,
    Service,
)
from scheduling.services.messages import enqueue_booking_messages
from scheduling.slots import BusyTimes, free_starts

CLIENT_BUSY = "The client already has an appointment at that time."


def booking_blockers(client: Client) -> list[str]:
    """Why a booking for this client needs a member of staff's explicit go-ahead."""
    return intake_selectors.list_booking_blockers(client)


def _as_client(booked_by: User | None) -> bool:
    """None is the client acting through a signed link (a waitlist offer)."""
    return booked_by is None or booked_by.role == Role.CLIENT


def _check_parties(
    *,
    client: Client,
    service: Service,
    therapist: Therapist,
    location: Location,
    booked_by: User | None,
) -> None:
    clinic_id = location.clinic_id
    problems: dict[str, list[str]] = {}
    if client.clinic_id != clinic_id or (booked_by and booked_by.clinic_id != clinic_id):
        problems["client"] = ["This client is not a client of this clinic."]
    if client.archived_at is not None:
        problems["client"] = ["This client is archived; restore them first."]
    if service.clinic_id != clinic_id or not service.active:
        problems["service"] = ["This service is not offered."]
    if therapist.user.clinic_id != clinic_id or not therapist.active:
        problems["therapist"] = ["This therapist is not available."]
    elif not service.therapists.filter(pk=therapist.pk).exists():
        problems["therapist"] = ["This therapist does not offer this service."]
    if not location.active:
        problems["location"] = ["This location is closed."]
    if problems:
        raise InvalidInput(fields=problems)
    if _as_client(booked_by):
        if booked_by is not None and client.user_id != booked_by.pk:
            raise NotAllowed("You can only book for yourself.")
        if not service.online_bookable:
            raise InvalidInput(
                fields={"service": ["This service is booked through the front desk."]}
            )
    elif booked_by is not None and booked_by.role not in (Role.OWNER, Role.FRONT_DESK):
        raise NotAllowed()


def _check_slot(
    *,
    service: Service,
    therapist: Therapist,
    location: Location,
    starts_at: datetime,
    as_client: bool,
    client: Client | None = None,
    exclude_appointment_id: int | None = None,
) -> selectors.Slot:
    """The requested start must be one the slot search offers (working hours,
    closures, buffers, notice and horizon for clients) for this therapist.
    A start that is held by someone (the therapist's, a room's or the client's
    own booking) is a lost race, 409; one that was never bookable is a 400."""
    if timezone.is_naive(starts_at):
        raise InvalidInput(fields={"starts_at": ["Give a time with its UTC offset."]})
    clinic = location.clinic
    window = selectors.get_booking_window(clinic=clinic, as_client=as_client, now=timezone.now())
    if window.not_after is not None and starts_at > window.not_after:
        why = f"Book at most {clinic.booking_horizon_days} days ahead."
        raise SlotNotOffered(why, fields={"starts_at": [why]})
    not_before = window.not_before
    if starts_at < not_before:
        why = "This time is too soon to book."
        raise SlotNotOffered(why, fields={"starts_at": [why]})
    duration = timedelta(minutes=service.duration_minutes)
    slots = selectors.list_free_slots(
        service=service,
        location=location,
        therapist=therapist,
        start=starts_at - timedelta(seconds=1),
        end=starts_at + duration,
        not_before=not_before,
        exclude_appointment_id=exclude_appointment_id,
    )
    for slot in slots:
        if slot.starts_at == starts_at:
            return slot
    # Not offered: because someone holds the time (a lost race: 409), or because
    # it was never bookable (outside hours, off the grid, closed, no room: 400).
    # The difference is whether the start would be offered if nobody held any
    # time: the therapist's, the rooms' and the client's bookings set aside.
    if _offered_when_nobody_holds_time(
        service=service, therapist=therapist, location=location, starts_at=starts_at
    ):
        if client is not None and _client_holds(
            client, starts_at, duration, exclude_appointment_id
        ):
            raise SlotTaken(CLIENT_BUSY)
        raise SlotTaken()
    why = "This time is not free for this therapist and service."
    raise SlotNotOffered(why, fields={"starts_at": [why]})


def _client_holds(
    client: Client, starts_at: datetime, duration: timedelta, exclude_appointment_id: int | None
) -> bool:
    """The client has an active visit overlapping this one (the client constraint's rule)."""
    visits = Appointment.objects.filter(
        client=client,
        status__in=ACTIVE_STATUSES,
        starts_at__lt=starts_at + duration,
        ends_at__gt=starts_at,
    )
    if exclude_appointment_id is not None:
        visits = visits.exclude(pk=exclude_appointment_id)
    return visits.exists()


def _offered_when_nobody_holds_time(
    *, service: Service, therapist: Therapist, location: Location, starts_at: datetime
) -> bool:
    """Whether the slot search would offer this start on an empty calendar: it is
    inside the therapist's hours here, on the clinic's grid, and a room of the
    kind the service needs exists (notice and horizon are checked before)."""
    if (
        service.room_kind
        and not Room.objects.filter(location=location, kind=service.room_kind, active=True).exists()
    ):
        return False
    zone = ZoneInfo(location.timezone)
    day = starts_at.astimezone(zone).date()
    working = selectors.list_working_intervals(
        therapist_ids=[therapist.pk],
        location=location,
        first_day=day - timedelta(days=1),
        last_day=day + timedelta(days=1),
    )[therapist.pk]
    duration = timedelta(minutes=service.duration_minutes)
    starts = free_starts(
        working=working,
        busy=BusyTimes([]),
        duration=duration,
        buffer_before=timedelta(minutes=service.buffer_before_minutes),
        buffer_after=timedelta(minutes=service.buffer_after_minutes),
        step=timedelta(minutes=location.clinic.slot_granularity_minutes),
        not_before=starts_at - timedelta(seconds=1),
        not_after=starts_at + duration,
    )
    return starts_at in starts


def _overlap_exists(appointment: Appointment) -> str | None:
    """Which active appointment holds this time already (the SQLite path)."""
    active = Appointment.objects.filter(status__in=ACTIVE_STATUSES).exclude(pk=appointment.pk)
    block = {"block_start__lt": appointment.block_end, "block_end__gt": appointment.block_start}
    if active.filter(therapist_id=appointment.therapist_id, **block).exists():
        return "therapist"
    if appointment.room_id and active.filter(room_id=appointment.room_id, **block).exists():
        return "room"
    if active.filter(
        client_id=appointment.client_id,
        starts_at__lt=appointment.ends_at,
        ends_at__gt=appointment.starts_at,
    ).exists():
        return "client"
    return None


def _insert(appointment: Appointment) -> Appointment:
    which = _overlap_exists(appointment)
    if which == "client":
        raise SlotTaken(CLIENT_BUSY)
    if which:
        raise SlotTaken()
    try:
        with transaction.atomic():  # a savepoint: the constraint's refusal is ours to answer
            appointment.save(force_insert=True)
    except IntegrityError as exc:
        constraint = violated_constraint(exc)
        if constraint == CLIENT_OVERLAP:
            raise SlotTaken(CLIENT_BUSY) from exc
        if constraint in OVERLAP_CONSTRAINTS:
            raise SlotTaken() from exc
        raise
    return appointment


@transaction.atomic
def book_appointment(
    *,
    client: Client,
    service: Service,
    therapist: Therapist,
    location: Location,
    starts_at: datetime,
    booked_by: User | None,
    channel: str | None = None,
    room: Room | None = None,
    override_reason: str = "",
    front_desk_notes: str = "",
    rescheduled_from: Appointment | None = None,
    send_messages: bool = True,
) -> Appointment:
    """Book one visit. Clients book only free, online-bookable slots with the
    clinic's notice and horizon; staff may book any free slot, and must give
    an ``override_reason`` when the client has a booking warning. A racing
    second booking of the same time gets ``SlotTaken`` (409)."""
    _check_parties(
        client=client,
        service=service,
        therapist=therapist,
        location=location,
        booked_by=booked_by,
    )
    blockers = booking_blockers(client)
    as_client = _as_client(booked_by)
    if blockers and as_client and not rescheduled_from:
        raise BookingNeedsOverride(
            "Please call the clinic to book: we need to talk with you first.",
            fields={"client": blockers},
        )
    if blockers and not override_reason.strip() and not rescheduled_from:
        raise BookingNeedsOverride(
            "This client has red flags; give an override reason to book anyway.",
            fields={"override_reason": blockers},
        )
    therapist = selectors.lock_therapist(therapist)
    slot = _check_slot(
        service=service,
        therapist=therapist,
        location=location,
        starts_at=starts_at,
        as_client=as_client,
        client=client,
    )
    if room is None and slot.room_id is not None:
        room = Room.objects.get(pk=slot.room_id)
    if room is not None:
        if room.location_id != location.pk or room.kind != service.room_kind or not room.active:
            raise InvalidInput(fields={"room": ["This room does not suit this service here."]})
        room = selectors.lock_room(room)
    appointment = Appointment(
        clinic_id=location.clinic_id,
        location=location,
        client=client,
        therapist=therapist,
        service=service,
        room=room,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=service.duration_minutes),
        block_start=starts_at - timedelta(minutes=service.buffer_before_minutes),
        block_end=starts_at
        + timedelta(minutes=service.duration_minutes + service.buffer_after_minutes),
        channel=channel or (BookingChannel.ONLINE if as_client else BookingChannel.FRONT_DESK),
        created_by=booked_by,
        override_reason=override_reason.strip(),
        front_desk_notes=front_desk_notes,
        rescheduled_from=rescheduled_from,
    )
    _insert(appointment)
    client.care_team.add(therapist)  # the therapist now treats this client
    detail: dict[str, Any] = {"starts_at": starts_at.isoformat()}
    if appointment.override_reason:
        detail["override_reason"] = appointment.override_reason
    record_audit(
        actor=booked_by, action=AuditAction.CREATE, obj=appointment, client=client, detail=detail
    )
    if send_messages:
        enqueue_booking_messages(appointment)
    return appointment
