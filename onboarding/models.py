"""Becoming a client: the practice's documents, their acceptance, the intake form and consent choices.

Documents are versioned: publishing a new text makes a new row and leaves the old
ones (and every acceptance of them) as they were. Consent choices are an
append-only history: each row is one decision with the exact wording the client
saw; the newest row per kind is the current choice.
"""

from django.db import models
from django.utils import timezone

from core.crypto import EncryptedDateField, EncryptedTextField
from core.mixins import UUIDModel
from practice.models import Client, Practice, StaffMember


class DocumentQuerySet(models.QuerySet):
    def current(self, practice, kind):
        return self.filter(practice=practice, kind=kind).order_by("-version").first()


class PracticeDocument(UUIDModel):
    class Kind(models.TextChoices):
        AGREEMENT = "agreement", "Therapy agreement"
        PRIVACY = "privacy", "Privacy notice"

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=10, choices=Kind)
    version = models.PositiveIntegerField()
    body = models.TextField(max_length=20000)
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(StaffMember, null=True, blank=True, on_delete=models.SET_NULL)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "kind", "version"], name="one_document_per_version"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} v{self.version}"


class Acceptance(models.Model):
    """A client read and accepted one version of a practice document, on this date."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="acceptances")
    document = models.ForeignKey(PracticeDocument, on_delete=models.PROTECT, related_name="acceptances")
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "document"], name="accept_each_version_once")]

    def __str__(self):
        return f"{self.document} accepted {self.accepted_at:%Y-%m-%d}"


class Intake(UUIDModel):
    """What a new client tells the practice before the first session. The free-text answers are sealed."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="intake")
    pronouns = EncryptedTextField(context="onboarding.intake.pronouns", max_length=40, blank=True, default="")
    date_of_birth = EncryptedDateField(context="onboarding.intake.date_of_birth", null=True, blank=True)
    gp_details = EncryptedTextField(context="onboarding.intake.gp_details", blank=True, default="")
    emergency_contact = EncryptedTextField(context="onboarding.intake.emergency_contact", blank=True, default="")
    # The client's own number, for their therapist to call when a risk alert comes (shown on the alert).
    # May be set from "My choices" before the intake is done: ``completed_at`` says whether it is.
    phone = EncryptedTextField(context="onboarding.intake.phone", null=True, blank=True)
    hopes = EncryptedTextField(context="onboarding.intake.hopes", blank=True, default="")
    previous_support = EncryptedTextField(context="onboarding.intake.previous_support", blank=True, default="")
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Intake {self.client_id}"


class ConsentKind(models.TextChoices):
    EMAIL_REMINDERS = "email_reminders", "Email reminders"
    JOURNAL_RISK_ALERTS = "journal_risk_alerts", "Journal alerts to my therapist"
    CHECKIN_RISK_ALERTS = "checkin_risk_alerts", "Check-in alerts to my therapist"
    MESSAGE_RISK_ALERTS = "message_risk_alerts", "Message alerts to my therapist"
    BOOKING_NUDGE = "booking_nudge", "A gentle check-in suggestion"


class ConsentChoice(UUIDModel):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="consent_choices")
    kind = models.CharField(max_length=24, choices=ConsentKind)
    granted = models.BooleanField()
    # The words the client saw when they chose.
    wording = models.TextField(max_length=2000)
    # For the booking nudge: after how many days without a booking.
    gap_days = models.PositiveSmallIntegerField(null=True, blank=True)
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["client", "kind", "decided_at"])]

    def __str__(self):
        return f"{self.kind}={'yes' if self.granted else 'no'} at {self.decided_at:%Y-%m-%d}"
