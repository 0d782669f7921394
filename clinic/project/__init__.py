"""Project wiring: settings, URLs, the Celery app, WSGI/ASGI, the home page and
the demo seed. The top layer: it may import every app, and no app imports it."""

from clinic.project.celery import app as celery_app

__all__ = ["celery_app"]
