"""Models of the core domain, re-exported so ``from clinic.models import X`` works."""

from clinic.models.atlas import FunctionalGroup, Muscle, MuscleRegion
from clinic.models.audit import AuditAction, AuditEvent, AuditTrailIsAppendOnly
from clinic.models.practice import Channel, Client, Clinic, Location, Side, Therapist
from clinic.models.users import STAFF_ROLES, Role, User
from clinic.notes.models import (
    Addendum,
    MuscleFinding,
    NoteTemplate,
    ObjectiveTest,
    SessionNote,
    TugOfWar,
)
from clinic.notifications.models import Notification, NotificationStatus

__all__ = [
    "STAFF_ROLES",
    "Addendum",
    "AuditAction",
    "AuditEvent",
    "AuditTrailIsAppendOnly",
    "Channel",
    "Client",
    "Clinic",
    "FunctionalGroup",
    "Location",
    "Muscle",
    "MuscleFinding",
    "MuscleRegion",
    "NoteTemplate",
    "Notification",
    "NotificationStatus",
    "ObjectiveTest",
    "Role",
    "SessionNote",
    "Side",
    "Therapist",
    "TugOfWar",
    "User",
]
