"""Scheduling's domain errors (turned into the API's error shape)."""

from __future__ import annotations

from clinic.core.errors import Conflict, DomainError, InvalidInput, NotAllowed


class SlotTaken(Conflict):
    code = "slot_taken"
    default_message = "That time was just taken. Please choose another time."


class SlotNotOffered(InvalidInput):
    code = "slot_not_available"
    default_message = "That time is not available for booking."


class BookingNeedsOverride(DomainError):
    """Staff must give a reason to book despite a warning."""

    status_code = 409
    code = "override_required"
    default_message = "This booking needs a reason to go ahead."


class InvalidTransition(Conflict):
    code = "invalid_transition"
    default_message = "The appointment cannot change like that from its current status."


class InsideCancellationWindow(NotAllowed):
    code = "inside_cancellation_window"
    default_message = (
        "It is too close to the appointment to change it online. Please call the clinic."
    )


__all__ = [
    "BookingNeedsOverride",
    "InsideCancellationWindow",
    "InvalidTransition",
    "SlotNotOffered",
    "SlotTaken",
]
