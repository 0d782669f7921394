"""Moves that cancel one thing and book another: rescheduling a visit and
accepting a waitlist offer. They sit above booking, lifecycle and the waitlist
(and are the only place that calls more than one of them)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from clinic.core.errors import Conflict, NotAllowed
from clinic.core.models import Role, Therapist, User
from scheduling import selectors
from scheduling.errors import InvalidTransition
from scheduling.models import (
    Appointment,
    AppointmentStatus,
    BookingChannel,
    Room,
    WaitlistOffer,
    WaitlistStatus,
)
from scheduling.services.booking import book_appointment
from scheduling.services.lifecycle import cancel_appointment


@transaction.atomic
def reschedule_appointment(
    *,
    appointment: Appointment,
    starts_at: datetime,
    rescheduled_by: User,
    therapist: Therapist | None = None,
    room: Room | None = None,
) -> Appointment:
    """Move a visit: the old one is cancelled as 'rescheduled' and a new one,
    pointing back to it, is booked; reminders move with it."""
    # Locks in the stated order: therapists (old and new, by id), then the
    # appointment; book_appointment then takes the room.
    for held in sorted({appointment.therapist_id, (therapist or appointment.therapist).pk}):
        selectors.lock_therapist_by_id(held)
    old = selectors.lock_appointment(appointment)
    if old.status not in (AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED):
        raise InvalidTransition("Only a booked or confirmed appointment can be moved.")
    cancel_appointment(
        appointment=old,
        cancelled_by=rescheduled_by,
        reason="Rescheduled",
        notify=False,
        offer_to_waitlist=True,
    )
    new = book_appointment(
        client=old.client,
        service=old.service,
        therapist=therapist or old.therapist,
        location=old.location,
        starts_at=starts_at,
        booked_by=rescheduled_by,
        channel=old.channel,
        room=room,
        override_reason=old.override_reason,
        front_desk_notes=old.front_desk_notes,
        rescheduled_from=old,
    )
    return new


@transaction.atomic
def accept_offer(*, offer: WaitlistOffer, accepted_by: User | None) -> Appointment:
    """Book the offered slot for the waiting client. ``accepted_by`` is None
    when the client follows the signed link in their message. The first to
    accept gets it; later ones get SlotTaken."""
    # The therapist first (the stated lock order), then the waitlist entry;
    # book_appointment then takes the room.
    selectors.lock_therapist_by_id(offer.therapist_id)
    entry = selectors.lock_waitlist_entry(offer.entry_id)
    if (
        accepted_by is not None
        and accepted_by.role == Role.CLIENT
        and entry.client.user_id != accepted_by.pk
    ):
        raise NotAllowed()
    if entry.status != WaitlistStatus.WAITING:
        raise Conflict("This waitlist place has already been used or withdrawn.")
    appointment = book_appointment(
        client=entry.client,
        service=entry.service,
        therapist=offer.therapist,
        location=entry.location,
        starts_at=offer.starts_at,
        booked_by=accepted_by,
        channel=BookingChannel.WAITLIST,
    )
    entry.status = WaitlistStatus.BOOKED
    entry.booked_appointment = appointment
    entry.save(update_fields=["status", "booked_appointment"])
    offer.accepted_at = timezone.now()
    offer.save(update_fields=["accepted_at"])
    return appointment
