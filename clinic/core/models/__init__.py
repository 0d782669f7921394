"""Models of the core domain, re-exported so ``from clinic.core.models import X`` works."""

from clinic.core.models.atlas import FunctionalGroup, Muscle, MuscleRegion
from clinic.core.models.audit import AuditAction, AuditEvent, AuditTrailIsAppendOnly
from clinic.core.models.practice import Channel, Client, Clinic, Location, Side, Therapist
from clinic.core.models.tokens import ApiToken
from clinic.core.models.users import STAFF_ROLES, Role, User

__all__ = [
    "STAFF_ROLES",
    "ApiToken",
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
    "Role",
    "Side",
    "Therapist",
    "User",
]
