import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.crypto import EncryptedTextField
from practice.models import Client, StaffMember


class RiskAlertQuerySet(models.QuerySet):
    def open(self):
        return self.filter(acknowledged_at__isnull=True)

    def for_staff(self, staff: StaffMember):
        """Alerts a staff member must see: those of the clients in their care (history included, so a
        therapist who takes over a client sees what came before), those sent to them while covering for
        an away colleague, and (owners) any escalated in their practice."""
        mine = Q(client__therapist=staff) if staff.is_therapist else Q(pk__in=[])
        mine |= Q(routed_to=staff)
        if staff.is_owner:
            mine |= Q(client__practice=staff.practice, escalated_at__isnull=False)
        return self.filter(mine)

    def due_for_escalation(self, now=None):
        return self.open().filter(escalated_at__isnull=True, escalate_after__lte=now or timezone.now())

    def with_people(self):
        return self.select_related("client__user", "therapist__user", "acknowledged_by")


class RiskAlert(models.Model):
    """Someone may be at risk. It stays open until a clinician acknowledges it and records what they did."""

    class Source(models.TextChoices):
        PHQ9_ITEM9 = "phq9_item9", "PHQ-9 question 9 was answered above “Not at all”"
        JOURNAL_WORDS = "journal_words", "Words in a journal entry suggested the client may be at risk"

    class Action(models.TextChoices):
        CONTACTED = "contacted", "I contacted the client"
        ASSESSED = "assessed", "I completed a risk assessment with the client"
        SAFETY_PLAN = "safety_plan", "We reviewed their safety plan together"
        REFERRED = "referred", "I referred them to urgent or crisis care"
        ARRANGED = "arranged", "I arranged for another clinician to follow it up"
        NEXT_SESSION = "next_session", "I will follow it up in a session booked soon"
        OTHER = "other", "Something else (described in the note)"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="risk_alerts")
    # The responsible clinician: the client's therapist when it was raised, or the one who took
    # the client over while it was still open (care/services.py).
    therapist = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="risk_alerts")
    source = models.CharField(max_length=20, choices=Source)
    source_id = models.CharField(max_length=64, blank=True)
    raised_at = models.DateTimeField(default=timezone.now)
    escalate_after = models.DateTimeField()
    # The colleague covering while the therapist was away, who was sent the alert instead.
    routed_to = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="covered_risk_alerts"
    )
    routed_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action_taken = models.CharField(max_length=20, choices=Action, blank=True)
    # Clinical text: encrypted at rest.
    note = EncryptedTextField(null=True, blank=True)

    objects = RiskAlertQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at"]
        indexes = [
            models.Index(fields=["therapist", "acknowledged_at"]),
            models.Index(fields=["acknowledged_at", "escalated_at", "escalate_after"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True) | ~Q(action_taken=""),
                name="acknowledged_alert_records_action",
            )
        ]

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None
