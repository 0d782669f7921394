"""iCalendar (RFC 5545) for appointments, built with the icalendar library:
a therapist's feed, and the single-event file a client gets with a booking."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

from scheduling.models import Appointment, AppointmentStatus

PRODID = "-//Clinic practice management//Appointments//EN"
_STATUS = {
    AppointmentStatus.BOOKED: "TENTATIVE",
    AppointmentStatus.CONFIRMED: "CONFIRMED",
    AppointmentStatus.CHECKED_IN: "CONFIRMED",
    AppointmentStatus.COMPLETED: "CONFIRMED",
    AppointmentStatus.CANCELLED: "CANCELLED",
    AppointmentStatus.NO_SHOW: "CANCELLED",
}


def _calendar(name: str, *, method: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    if method:
        cal.add("method", method)
    return cal


def _address(appointment: Appointment) -> str:
    loc = appointment.location
    parts = [loc.name, loc.address_line1, loc.address_line2, loc.postcode, loc.city]
    return ", ".join(p for p in parts if p)


def _event(appointment: Appointment, *, for_therapist: bool) -> Event:
    event = Event()
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "clinic.local"
    event.add("uid", f"{appointment.ical_uid}@{domain}")
    event.add("dtstamp", appointment.updated_at.astimezone(UTC))
    event.add("sequence", appointment.sequence)
    event.add("dtstart", appointment.starts_at.astimezone(UTC))
    event.add("dtend", appointment.ends_at.astimezone(UTC))
    event.add("status", _STATUS[AppointmentStatus(appointment.status)])
    event.add("location", vText(_address(appointment)))
    if for_therapist:
        room = f", {appointment.room.name}" if appointment.room_id and appointment.room else ""
        event.add("summary", f"{appointment.service.name}: {appointment.client.full_name}{room}")
        if appointment.front_desk_notes:
            event.add("description", appointment.front_desk_notes)
    else:
        clinic = appointment.clinic
        event.add(
            "summary",
            f"{appointment.service.name} with {appointment.therapist.display_name} "
            f"at {clinic.name}",
        )
        if clinic.email:
            organizer = vCalAddress(f"mailto:{clinic.email}")
            organizer.params["cn"] = vText(clinic.name)
            event.add("organizer", organizer)
    return event


def therapist_feed(therapist_name: str, appointments: Iterable[Appointment]) -> bytes:
    """The therapist's calendar: every appointment, cancelled ones marked so."""
    cal = _calendar(f"{therapist_name}: appointments")
    for appointment in appointments:
        cal.add_component(_event(appointment, for_therapist=True))
    return cal.to_ical()


def client_invitation(appointment: Appointment) -> str:
    """The one-event file attached to a client's confirmation (or cancellation)."""
    method = "CANCEL" if appointment.status == AppointmentStatus.CANCELLED else "PUBLISH"
    cal = _calendar(appointment.clinic.name, method=method)
    cal.add_component(_event(appointment, for_therapist=False))
    return cal.to_ical().decode()
