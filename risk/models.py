from django.conf import settings
from django.db import models
from django.db.models import Exists, Q
from django.utils import timezone

from core.crypto import EncryptedTextField
from core.mixins import UUIDModel
from practice.models import Client, StaffMember


class RiskAlertQuerySet(models.QuerySet):
    def open(self):
        return self.filter(acknowledged_at__isnull=True)

    def for_staff(self, staff: StaffMember):
        """Alerts a staff member must see: those of the clients in their care (history included, so a
        therapist who takes over a client sees what came before), those sent to them while covering for
        an away colleague, and (owners) any escalated in their practice. In a practice with no active
        owner, escalated alerts go to every active therapist (risk.services.escalation_staff)."""
        mine = Q(client__therapist=staff) if staff.is_therapist else Q(pk__in=[])
        mine |= Q(routed_to=staff)
        escalated = Q(client__practice=staff.practice, escalated_at__isnull=False)
        if staff.is_owner:
            mine |= escalated
        elif staff.is_therapist and staff.is_active:
            has_owner = StaffMember.objects.owners().filter(practice=staff.practice)
            mine |= escalated & ~Q(Exists(has_owner))
        return self.filter(mine)

    def due_for_escalation(self, now=None):
        return self.open().filter(escalated_at__isnull=True, escalate_after__lte=now or timezone.now())

    def with_people(self):
        return self.select_related("client__user", "client__practice", "therapist__user", "acknowledged_by")


class RiskAlert(UUIDModel):
    """Someone may be at risk. It stays open until a clinician acknowledges it and records what they did."""

    class Source(models.TextChoices):
        PHQ9_ITEM9 = "phq9_item9", "PHQ-9 question 9 was answered above “Not at all”"
        JOURNAL_WORDS = "journal_words", "Words in a journal entry suggested the client may be at risk"
        CHECKIN_NOTE = "checkin_note", "Words in a check-in note suggested the client may be at risk"
        MESSAGE_WORDS = "message_words", "Words in a message suggested the client may be at risk"

    class Action(models.TextChoices):
        CONTACTED = "contacted", "I contacted the client"
        ASSESSED = "assessed", "I completed a risk assessment with the client"
        SAFETY_PLAN = "safety_plan", "We reviewed their safety plan together"
        REFERRED = "referred", "I referred them to urgent or crisis care"
        ARRANGED = "arranged", "I arranged for another clinician to follow it up"
        NEXT_SESSION = "next_session", "I will follow it up in a session booked soon"
        OTHER = "other", "Something else (described in the note)"

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
    note = EncryptedTextField(context="risk.riskalert.note", null=True, blank=True)

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


class RiskCheckQuerySet(models.QuerySet):
    def due(self, now=None):
        return self.filter(done_at__isnull=True, next_attempt_at__lte=now or timezone.now())

    def for_source(self, source: str, source_id: str):
        return self.filter(source=source, source_id=source_id)


class RiskCheck(models.Model):
    """Some of a client's words wait to be checked for risk (risk/checks.py).

    Written in the same transaction as the words, so no signal is lost when detection or
    raising the alert fails: the row stays due and is tried again, with backoff, until the
    check is done. It holds ids and times only, never the words.
    """

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="risk_checks")
    source = models.CharField(max_length=20, choices=RiskAlert.Source)
    # The uuid of the journal entry or check-in, as text (the alert's ``source_id`` is the same).
    source_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    # Attempts begun; each claim moves ``next_attempt_at`` on by the backoff, so a worker that
    # dies mid-check leaves the row due again later rather than lost.
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # The kind of error only (an exception's class), never the client's words.
    last_error = models.CharField(max_length=200, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    # Were risk words found? Set to True by the saving request when it saw them, so an edit made
    # before the check runs cannot take the signal away; False, with ``done_at``, when the saving request
    # checked them itself and found none; otherwise null until the check has read the words.
    found = models.BooleanField(null=True, blank=True)

    objects = RiskCheckQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(done_at__isnull=True), name="riskcheck_due"),
            models.Index(fields=["source", "source_id", "created_at"], name="riskcheck_source"),
        ]

    def __str__(self):
        return f"{self.source} {self.source_id} ({'done' if self.done_at else 'due'})"
