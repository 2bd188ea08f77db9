"""Every email Tending sends, kept until the mail server has taken it (outbox/README.md).

A row is written in the same transaction as the change that caused it, so an
email exists exactly when its cause does. The worker sends it; a temporary
failure waits and tries again, a permanent one is marked failed for the owner
to see. Addresses, subjects, bodies and attachments are sealed (core.crypto):
the outbox holds the same words the emails do.
"""

from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.crypto import EncryptedTextField
from core.mixins import UUIDModel

# An email still waiting this long after it was written is shown to the owner.
LONG_QUEUED = timedelta(minutes=15)


class EmailQuerySet(models.QuerySet):
    def due(self, now=None):
        """Waiting and due to be tried, or claimed by a worker that never finished (killed, restarted)."""
        now = now or timezone.now()
        return self.filter(
            Q(status=Email.Status.QUEUED, next_attempt_at__lte=now)
            | Q(status=Email.Status.SENDING, claimed_until__lte=now)
        )

    def about(self, object_type: str, object_id) -> "EmailQuerySet":
        return self.filter(about_type=object_type, about_id=str(object_id))

    def needing_attention(self, practice, now=None, *, queued_before=None):
        """What the owner should know about: emails that could not be sent, and any waiting too long (queued before
        ``queued_before``, ``now - LONG_QUEUED`` unless given: a kept read passes it as a value)."""
        if queued_before is None:
            queued_before = (now or timezone.now()) - LONG_QUEUED
        waiting = Q(status__in=[Email.Status.QUEUED, Email.Status.SENDING], created_at__lte=queued_before)
        return self.filter(Q(status=Email.Status.FAILED) | waiting, practice=practice, dismissed_at__isnull=True)


class Email(UUIDModel):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Could not be sent"

    practice = models.ForeignKey(
        "practice.Practice", null=True, blank=True, on_delete=models.CASCADE, related_name="emails"
    )
    # What it is, in words fit for the owner's list: never a client's name or anything clinical.
    kind = models.CharField(max_length=40)
    # The record it is about (for example "risk.riskalert" and the alert's uuid), to show its delivery.
    about_type = models.CharField(max_length=60, blank=True)
    about_id = models.CharField(max_length=64, blank=True)
    # Kept for every try, so a rare second delivery is recognisably the same email.
    message_id = models.CharField(max_length=255, unique=True)
    # The To addresses, one per line (copies and blind copies are kept with the rest, in ``extra``).
    to = EncryptedTextField(context="outbox.email.to")
    subject = EncryptedTextField(context="outbox.email.subject")
    body = EncryptedTextField(context="outbox.email.body")
    # JSON: sender, copies, headers, alternative parts and attachments (base64).
    extra = EncryptedTextField(context="outbox.email.extra", blank=True, default="")
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    # The mail server's reply or the connection error: no content of the email.
    last_error = models.CharField(max_length=300, blank=True)
    # The owner has seen a failed email and put it away.
    dismissed_at = models.DateTimeField(null=True, blank=True)

    objects = EmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["status", "claimed_until"]),
            models.Index(fields=["practice", "status", "created_at"]),
            models.Index(fields=["about_type", "about_id"]),
        ]

    def __str__(self):
        return f"{self.kind} {self.message_id} ({self.status})"

    @property
    def to_addresses(self) -> list[str]:
        return [address for address in self.to.splitlines() if address]

    @property
    def to_display(self) -> str:
        return ", ".join(self.to_addresses)
