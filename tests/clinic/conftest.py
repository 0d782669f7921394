"""Fixtures of the core's tests: the two clinics of the admin's tests."""

from tests.clinic.admin_world import built_worlds, worlds

__all__ = ["built_worlds", "worlds"]
