"""What the outbox gets when an appointment is booked, moved or cancelled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import date_format

from clinic.notifications import services as notifications
from intake import selectors as intake_selectors
from intake import services as intake_services
from scheduling.calendars import client_invitation
from scheduling.models import Appointment


def appointment_context(appointment: Appointment) -> dict[str, Any]:
    """Plain JSON about a visit, with its time written in the location's zone."""
    zone = ZoneInfo(appointment.location.timezone)
    local = appointment.starts_at.astimezone(zone)
    return {
        "appointment_id": appointment.pk,
        "service": appointment.service.name,
        "duration_minutes": appointment.service.duration_minutes,
        "therapist": appointment.therapist.display_name,
        "location": appointment.location.name,
        "address": ", ".join(
            p for p in (appointment.location.address_line1, appointment.location.city) if p
        ),
        "when": f"{date_format(local, 'l j F Y')}, {local:%H:%M} ({local.tzname()})",
        "starts_at": appointment.starts_at.isoformat(),
    }


def reminder_time(*, starts_at: datetime, lead_hours: int, zone: ZoneInfo) -> datetime:
    """When a visit's reminder goes, ``lead_hours`` before ``starts_at``.

    A lead of whole days keeps the wall time in the location's zone: a 24-hour
    reminder for a 10:00 visit goes at 10:00 the day before, so across a DST
    change it is 23 or 25 real hours ahead (a wall time the change skips comes
    out an hour later, as clocks show it). Any other lead is an exact duration."""
    if lead_hours % 24:
        return starts_at - timedelta(hours=lead_hours)
    local = starts_at.astimezone(zone)
    day = local.date() - timedelta(days=lead_hours // 24)
    return datetime.combine(day, local.timetz().replace(tzinfo=zone, fold=0)).astimezone(UTC)


def _ics(appointment: Appointment) -> list[dict[str, str]]:
    return [
        {
            "filename": "appointment.ics",
            "mimetype": "text/calendar",
            "content": client_invitation(appointment),
        }
    ]


def enqueue_booking_messages(appointment: Appointment) -> None:
    """Confirmation now (with an .ics), a reminder at the clinic's lead time, and
    the intake form link when the client has not filled it in yet."""
    client = appointment.client
    if intake_selectors.has_intake_due(client):
        intake_services.send_intake_link(client=client, sent_by=None)
    context = appointment_context(appointment)
    now = timezone.now()
    notifications.enqueue(
        recipient=client,
        template_key="appointment_confirmation",
        context=context,
        send_after=now,
        idempotency_key=f"appointment-{appointment.pk}-confirmation",
        about=appointment,
        attachments=_ics(appointment),
    )
    remind_at = reminder_time(
        starts_at=appointment.starts_at,
        lead_hours=appointment.clinic.reminder_lead_hours,
        zone=ZoneInfo(appointment.location.timezone),
    )
    if remind_at > now:
        notifications.enqueue(
            recipient=client,
            template_key="appointment_reminder",
            context=context,
            send_after=remind_at,
            idempotency_key=f"appointment-{appointment.pk}-reminder",
            about=appointment,
        )


def enqueue_cancellation_messages(appointment: Appointment, *, reason: str) -> None:
    """Pending messages about the visit are cancelled; the client is told, with
    an .ics that removes it from their calendar."""
    notifications.cancel_pending_for(about=appointment, reason="The appointment was cancelled.")
    notifications.enqueue(
        recipient=appointment.client,
        template_key="appointment_cancelled",
        context={**appointment_context(appointment), "reason": reason},
        send_after=timezone.now(),
        idempotency_key=f"appointment-{appointment.pk}-cancelled",
        about=appointment,
        attachments=_ics(appointment),
    )
