"""The project package and the core domain shared by every app."""

from clinic.celery import app as celery_app

__all__ = ["celery_app"]
