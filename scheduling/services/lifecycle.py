"""An appointment's life after booking: confirm, check in, complete, cancel,
no-show. Every change bumps the iCalendar SEQUENCE and is audited."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from clinic.core.audit import record_audit
from clinic.core.errors import InvalidInput, NotAllowed
from clinic.core.models import AuditAction, Role, User
from clinic.notifications import services as notifications
from scheduling import selectors
from scheduling.errors import InsideCancellationWindow, InvalidTransition
from scheduling.models import Appointment, AppointmentStatus
from scheduling.services.messages import enqueue_cancellation_messages
from scheduling.services.waitlist import offer_freed_slot

S = AppointmentStatus
_ALLOWED: dict[str, set[str]] = {
    "confirm": {S.BOOKED},
    "check_in": {S.BOOKED, S.CONFIRMED},
    "complete": {S.BOOKED, S.CONFIRMED, S.CHECKED_IN},
    "cancel": {S.BOOKED, S.CONFIRMED},
    "no_show": {S.BOOKED, S.CONFIRMED},
}


def _check_staff(user: User) -> None:
    if user.role not in (Role.OWNER, Role.FRONT_DESK):
        raise NotAllowed()


_DONE = {
    "confirm": "confirmed",
    "check_in": "checked in",
    "complete": "completed",
    "cancel": "cancelled",
    "no_show": "marked as a no-show",
}


def _transition(appointment: Appointment, action: str) -> Appointment:
    locked = selectors.lock_appointment(appointment)
    if locked.status not in _ALLOWED[action]:
        raise InvalidTransition(
            f"This appointment is {locked.get_status_display().lower()}; "
            f"it cannot be {_DONE[action]}."
        )
    return locked


def _save(appointment: Appointment, by: User, fields: list[str], **detail: object) -> Appointment:
    appointment.sequence += 1
    appointment.save(update_fields=[*fields, "sequence", "updated_at"])
    record_audit(
        actor=by,
        action=AuditAction.UPDATE,
        obj=appointment,
        client=appointment.client,
        detail={"status": appointment.status, **detail},
    )
    return appointment


@transaction.atomic
def confirm_appointment(*, appointment: Appointment, confirmed_by: User) -> Appointment:
    """The client said they are coming (staff records it)."""
    _check_staff(confirmed_by)
    appointment = _transition(appointment, "confirm")
    appointment.status, appointment.confirmed_at = S.CONFIRMED, timezone.now()
    return _save(appointment, confirmed_by, ["status", "confirmed_at"])


@transaction.atomic
def check_in_appointment(*, appointment: Appointment, checked_in_by: User) -> Appointment:
    """The client has arrived."""
    _check_staff(checked_in_by)
    appointment = _transition(appointment, "check_in")
    appointment.status, appointment.checked_in_at = S.CHECKED_IN, timezone.now()
    return _save(appointment, checked_in_by, ["status", "checked_in_at"])


@transaction.atomic
def complete_appointment(*, appointment: Appointment, completed_by: User) -> Appointment:
    """The visit took place (the front desk, or the treating therapist)."""
    if completed_by.role == Role.THERAPIST:
        if appointment.therapist.user_id != completed_by.pk:
            raise NotAllowed()
    else:
        _check_staff(completed_by)
    appointment = _transition(appointment, "complete")
    if appointment.starts_at > timezone.now():
        raise InvalidTransition("A visit cannot be completed before it starts.")
    appointment.status, appointment.completed_at = S.COMPLETED, timezone.now()
    return _save(appointment, completed_by, ["status", "completed_at"])


@transaction.atomic
def mark_no_show(*, appointment: Appointment, marked_by: User) -> Appointment:
    """The client did not come (only once the visit has started)."""
    _check_staff(marked_by)
    appointment = _transition(appointment, "no_show")
    if appointment.starts_at > timezone.now():
        raise InvalidTransition("A client can only be a no-show once the visit has started.")
    appointment.status = S.NO_SHOW
    return _save(appointment, marked_by, ["status"])


@transaction.atomic
def update_front_desk_notes(
    *, appointment: Appointment, changed_by: User, notes: str
) -> Appointment:
    """The front desk's own notes on a visit (not clinical notes)."""
    _check_staff(changed_by)
    appointment = selectors.lock_appointment(appointment)
    appointment.front_desk_notes = notes
    return _save(appointment, changed_by, ["front_desk_notes"], notes_changed=True)


def is_late_cancellation(appointment: Appointment, *, at: datetime | None = None) -> bool:
    window = timedelta(hours=appointment.clinic.cancellation_window_hours)
    return appointment.starts_at - (at or timezone.now()) < window


@transaction.atomic
def cancel_appointment(
    *,
    appointment: Appointment,
    cancelled_by: User,
    reason: str,
    notify: bool = True,
    offer_to_waitlist: bool = True,
) -> Appointment:
    """Cancel with a reason. A client may cancel only their own, and not inside
    the clinic's cancellation window; staff may, and a late one is flagged.
    Pending reminders are cancelled, the client is told (with an .ics that
    removes the visit) and the freed time is offered to the waitlist."""
    if not reason.strip():
        raise InvalidInput(fields={"reason": ["Say why the appointment is cancelled."]})
    appointment = _transition(appointment, "cancel")
    late = is_late_cancellation(appointment)
    if cancelled_by.role == Role.CLIENT:
        if appointment.client.user_id != cancelled_by.pk:
            raise NotAllowed()
        if late:
            raise InsideCancellationWindow()
    else:
        _check_staff(cancelled_by)
    appointment.status = S.CANCELLED
    appointment.cancelled_at = timezone.now()
    appointment.cancelled_by = cancelled_by
    appointment.cancellation_reason = reason.strip()[:300]
    appointment.late_cancellation = late
    _save(
        appointment,
        cancelled_by,
        ["status", "cancelled_at", "cancelled_by", "cancellation_reason", "late_cancellation"],
        reason=appointment.cancellation_reason,
        late=late,
    )
    if notify:
        enqueue_cancellation_messages(appointment, reason=appointment.cancellation_reason)
    else:
        notifications.cancel_pending_for(about=appointment, reason="The appointment was moved.")
    if offer_to_waitlist:
        offer_freed_slot(appointment)
    return appointment
