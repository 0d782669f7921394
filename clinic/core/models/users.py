from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractUser
from django.db import models

if TYPE_CHECKING:
    from clinic.core.models.practice import Clinic


class Role(models.TextChoices):
    OWNER = "owner", "Owner / admin"
    THERAPIST = "therapist", "Therapist"
    FRONT_DESK = "front_desk", "Front desk"
    CLIENT = "client", "Client"


STAFF_ROLES = frozenset({Role.OWNER, Role.THERAPIST, Role.FRONT_DESK})


class User(AbstractUser):
    """A person who can sign in. ``role`` decides what the API lets them do;
    the matching Django group carries the admin permissions."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CLIENT)
    clinic: models.ForeignKey[Clinic | None, Clinic | None] = models.ForeignKey(
        "clinic.Clinic",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text="The clinic this person works at or is a client of.",
    )
    message_opt_in = models.BooleanField(
        default=True, help_text="Off: this person gets no messages from the clinic."
    )

    class Meta:
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]), name="user_role_valid"
            ),
        ]

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER

    @property
    def is_therapist(self) -> bool:
        return self.role == Role.THERAPIST

    @property
    def is_front_desk(self) -> bool:
        return self.role == Role.FRONT_DESK

    @property
    def is_client(self) -> bool:
        return self.role == Role.CLIENT

    @property
    def is_clinic_staff(self) -> bool:
        return self.role in STAFF_ROLES
