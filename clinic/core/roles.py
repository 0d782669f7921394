"""Django groups that carry each role's admin permissions.

The API decides by ``User.role`` plus relationships (see ``clinic.core.selectors``);
the admin decides by Django permissions, which come from these groups. A
user's group always follows their role (``clinic.core.services.set_user_role``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission

from clinic.core.models import Role

GROUP_NAMES: dict[str, str] = {
    Role.OWNER: "Owners",
    Role.THERAPIST: "Therapists",
    Role.FRONT_DESK: "Front desk",
    Role.CLIENT: "Clients",
}

# app_label -> model -> actions. "*" means every action Django defines.
_OWNER_DENIED = {"clinic.change_auditevent", "clinic.delete_auditevent", "clinic.add_auditevent"}
_FRONT_DESK = {
    "clinic": {
        "client": ["view", "add", "change"],
        "therapist": ["view"],
        "location": ["view"],
        "clinic": ["view"],
        "muscle": ["view"],
    },
    "notifications": {"notification": ["view", "change"]},
    "scheduling": {
        "appointment": ["view", "add", "change"],
        "service": ["view"],
        "room": ["view"],
        "weeklyhours": ["view", "add", "change", "delete"],
        "availabilityoverride": ["view", "add", "change", "delete"],
        "closure": ["view"],
        "waitlistentry": ["view", "add", "change"],
    },
    # Front desk: who has been sent a form and when; never the clinical answers.
    "intake": {"intakeinvitation": ["view"]},
    "homework": {"exercise": ["view"]},
}
_THERAPIST = {
    "clinic": {
        "client": ["view"],
        "therapist": ["view"],
        "location": ["view"],
        "clinic": ["view"],
        "muscle": ["view"],
    },
}
_PROJECT_APPS = ("clinic", "notifications", "intake", "scheduling", "notes", "homework", "records")


def _codenames(spec: dict[str, dict[str, list[str]]]) -> set[str]:
    return {
        f"{app}.{action}_{model}"
        for app, models in spec.items()
        for model, actions in models.items()
        for action in actions
    }


def role_permissions() -> dict[str, set[str]]:
    """The permission names (``app.codename``) each role's group should hold."""
    owner = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.filter(
            content_type__app_label__in=_PROJECT_APPS
        ).select_related("content_type")
    } - _OWNER_DENIED
    # Clients are archived, never deleted, whoever asks.
    owner.discard("clinic.delete_client")
    return {
        Role.OWNER: owner | {"auth.view_user", "auth.change_user"},
        Role.FRONT_DESK: _codenames(_FRONT_DESK),
        Role.THERAPIST: _codenames(_THERAPIST),
        Role.CLIENT: set(),
    }


def sync_role_groups() -> None:
    """Create the role groups and set their permissions to exactly the spec."""
    wanted = role_permissions()
    all_perms = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type")
    }
    for role, group_name in GROUP_NAMES.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        perms = [all_perms[name] for name in sorted(wanted[role]) if name in all_perms]
        group.permissions.set(perms)


def sync_role_groups_after_migrate(sender: Any = None, **kwargs: Any) -> None:
    if getattr(sender, "label", None) in _PROJECT_APPS:
        sync_role_groups()
