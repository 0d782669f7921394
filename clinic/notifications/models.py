"""The outbox: one row per message to one person."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from clinic.core.models.practice import Channel


class NotificationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class Notification(models.Model):
    """A message waiting to be sent, being sent, or done with.

    ``send_after`` is the only schedule: nothing about a future message lives
    in the broker. The sweep claims due rows (``next_attempt_at`` reached) and
    hands them to send tasks under a lease; a row whose lease ran out is taken
    again. ``claim_token`` changes at every claim, so a late or duplicated task
    for an earlier claim does nothing. A try is counted in ``attempts`` when
    it starts, and ``attempt_started_at`` stays set until its outcome is
    written: a row taken again with it set was cut short mid-send
    (``services.outcomes``).
    """

    clinic = models.ForeignKey(
        "clinic.Clinic", on_delete=models.PROTECT, related_name="notifications"
    )
    channel = models.CharField(max_length=5, choices=Channel.choices)
    client = models.ForeignKey(
        "clinic.Client",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notifications",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notifications",
        help_text="A member of staff, when not a client.",
    )
    template_key = models.CharField(max_length=80)
    context = models.JSONField(default=dict, blank=True)
    attachments = models.JSONField(
        default=list,
        blank=True,
        help_text='E-mail attachments: [{"filename", "mimetype", "content"}] (text).',
    )
    idempotency_key = models.CharField(max_length=200, unique=True)

    # What the message is about (an appointment, a homework plan...), so that
    # cancelling the thing can cancel its pending messages in one call.
    about_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    about_id = models.CharField(max_length=64, blank=True)
    about = GenericForeignKey("about_type", "about_id")

    status = models.CharField(
        max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    send_after = models.DateTimeField()
    next_attempt_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0, help_text="Tries made (not claims).")
    first_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="The first try: transient failures are retried from here."
    )
    attempt_started_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set while a try is under way; cleared when its outcome is recorded.",
    )
    maybe_delivered_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=(
            "The start of a try that ended without an answer after the message was handed "
            "over (the worker stopped, or the connection broke): it may have reached the person."
        ),
    )
    claim_token = models.CharField(max_length=32, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(max_length=2000, blank=True)
    provider_message_id = models.CharField(max_length=255, blank=True)
    sent_to = models.CharField(max_length=254, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "clinic_notification"  # the name it had in the core app
        ordering = ["next_attempt_at", "id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notif_due_idx"),
            models.Index(fields=["status", "lease_expires_at"], name="notif_lease_idx"),
            models.Index(fields=["about_type", "about_id", "status"], name="notif_about_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(client__isnull=False) & Q(user__isnull=True))
                | (Q(client__isnull=True) & Q(user__isnull=False)),
                name="notification_one_recipient",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="notification_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template_key} by {self.channel} to {self.recipient_label} ({self.status})"

    @property
    def maybe_delivered(self) -> bool:
        return self.maybe_delivered_at is not None

    @property
    def recipient_label(self) -> str:
        if self.client_id:
            return str(self.client)
        return str(self.user)
