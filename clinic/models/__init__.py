"""Models of the core domain, re-exported so ``from clinic.models import X`` works."""

from clinic.models.atlas import FunctionalGroup, Muscle, MuscleRegion
from clinic.models.audit import AuditAction, AuditEvent, AuditTrailIsAppendOnly
from clinic.models.practice import Channel, Client, Clinic, Location, Side, Therapist
from clinic.models.users import STAFF_ROLES, Role, User
from clinic.notifications.models import Notification, NotificationStatus

__all__ = [
    "STAFF_ROLES",
    "AuditAction",
    "AuditEvent",
    "AuditTrailIsAppendOnly",
    "Channel",
    "Client",
    "Clinic",
    "FunctionalGroup",
    "Location",
    "Muscle",
    "MuscleRegion",
    "Notification",
    "NotificationStatus",
    "Role",
    "Side",
    "Therapist",
    "User",
]
