"""Scheduling's writes, one function per use case (see the modules for rules)."""

from scheduling.services.availability import (
    add_availability_override,
    calendar_feed_for,
    remove_availability_override,
)
from scheduling.services.booking import book_appointment, booking_blockers
from scheduling.services.lifecycle import (
    cancel_appointment,
    check_in_appointment,
    complete_appointment,
    confirm_appointment,
    is_late_cancellation,
    mark_no_show,
    update_front_desk_notes,
)
from scheduling.services.moves import accept_offer, reschedule_appointment
from scheduling.services.waitlist import (
    join_waitlist,
    leave_waitlist,
    offer_freed_slot,
    read_offer_token,
)

__all__ = [
    "accept_offer",
    "add_availability_override",
    "book_appointment",
    "booking_blockers",
    "calendar_feed_for",
    "cancel_appointment",
    "check_in_appointment",
    "complete_appointment",
    "confirm_appointment",
    "is_late_cancellation",
    "join_waitlist",
    "leave_waitlist",
    "mark_no_show",
    "offer_freed_slot",
    "read_offer_token",
    "remove_availability_override",
    "reschedule_appointment",
    "update_front_desk_notes",
]
