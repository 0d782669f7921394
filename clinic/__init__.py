"""The clinic package: ``core`` (the ground floor every app builds on),
``notifications`` (the outbox) and ``project`` (settings, URLs, the Celery app:
the wiring on top of every app). See ARCHITECTURE.md for the layers."""
