"""The notifications engine: an outbox of messages swept by Celery beat and
sent exactly once (see services.py for the life of a row)."""
