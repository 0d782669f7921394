"""Services, rooms, availability, appointments and the waitlist.

Times: appointments are aware datetimes stored in UTC. Availability rules,
overrides and closures are wall times and dates in the location's zone, turned
into instants only when slots are computed (so 09:00 stays 09:00 across DST).
"""

from scheduling.models.setup import (
    AvailabilityOverride,
    Closure,
    OverrideKind,
    Room,
    RoomKind,
    Service,
    Weekday,
    WeeklyHours,
)
from scheduling.models.visits import (
    ACTIVE_STATUSES,
    CLIENT_OVERLAP,
    OVERLAP_CONSTRAINTS,
    ROOM_OVERLAP,
    THERAPIST_OVERLAP,
    Appointment,
    AppointmentStatus,
    BookingChannel,
    CalendarFeed,
    WaitlistEntry,
    WaitlistOffer,
    WaitlistStatus,
    new_calendar_token,
)

__all__ = [
    "ACTIVE_STATUSES",
    "CLIENT_OVERLAP",
    "OVERLAP_CONSTRAINTS",
    "ROOM_OVERLAP",
    "THERAPIST_OVERLAP",
    "Appointment",
    "AppointmentStatus",
    "AvailabilityOverride",
    "BookingChannel",
    "CalendarFeed",
    "Closure",
    "OverrideKind",
    "Room",
    "RoomKind",
    "Service",
    "WaitlistEntry",
    "WaitlistOffer",
    "WaitlistStatus",
    "Weekday",
    "WeeklyHours",
    "new_calendar_token",
]
