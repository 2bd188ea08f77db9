from django.db import models
from django.utils import timezone

from core.crypto import EncryptedTextField
from core.mixins import UUIDModel

# Mental-health records in England: kept 20 years after care ends (NHS Records Management Code of Practice 2023).
DEFAULT_RETENTION_YEARS = 20


class PrivacySettings(models.Model):
    practice = models.OneToOneField("practice.Practice", on_delete=models.CASCADE, related_name="privacy_settings")
    retention_years = models.PositiveSmallIntegerField(default=DEFAULT_RETENTION_YEARS)

    def __str__(self):
        return f"Retention {self.retention_years} years"

    @classmethod
    def for_practice(cls, practice) -> "PrivacySettings":
        return cls.objects.get_or_create(practice=practice)[0]


class ErasureRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(completed_at__isnull=True, cancelled_at__isnull=True)

    def restricted(self):
        return self.filter(completed_at__isnull=False)

    def in_practice(self, practice):
        return self.filter(client__practice=practice)


class ErasureRequest(UUIDModel):
    """A client's request to be forgotten; once the owner completes it the record that must be kept is restricted."""

    client = models.OneToOneField("practice.Client", on_delete=models.CASCADE, related_name="erasure")
    requested_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        "practice.StaffMember", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The kept record is deleted on this day by the retention job.
    retain_until = models.DateField(null=True, blank=True)
    deleted_counts = models.JSONField(default=dict, blank=True)

    objects = ErasureRequestQuerySet.as_manager()

    def __str__(self):
        return f"Erasure {self.uuid}"

    @property
    def is_restricted(self) -> bool:
        return self.completed_at is not None


class HeldBackQuerySet(models.QuerySet):
    def in_force(self):
        return self.filter(shown_again_at__isnull=True)


class HeldBackOpening(UUIDModel):
    """An owner's decision to hold back one line of a client's "Who has opened my record".

    UK GDPR lets a practice withhold information from a subject access where giving it would be likely to
    cause serious harm to the client's or another person's physical or mental health (DPA 2018 Sch. 3
    Part 2 para 5, the "serious harm test"). The decision and its reason are kept, sealed, even after
    the line is shown again; both are audited (object_type "dataprivacy.heldback").
    """

    class Kind(models.TextChoices):
        EMERGENCY = "emergency", "Emergency access"
        READS = "reads", "Reads on one day"
        EXPORT = "export", "Export"

    client = models.ForeignKey("practice.Client", on_delete=models.CASCADE, related_name="held_back_openings")
    kind = models.CharField(max_length=12, choices=Kind)
    # Which line (dataprivacy/openings.py): "emergency:<grant uuid>", "reads:<person uuid>:<day>", "export:<id>".
    key = models.CharField(max_length=120)
    reason = EncryptedTextField(max_length=2000, context="dataprivacy.heldbackopening.reason")
    held_by = models.ForeignKey("practice.StaffMember", on_delete=models.PROTECT, related_name="+")
    held_at = models.DateTimeField(default=timezone.now)
    shown_again_by = models.ForeignKey(
        "practice.StaffMember", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    shown_again_at = models.DateTimeField(null=True, blank=True)

    objects = HeldBackQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client", "key"], condition=models.Q(shown_again_at__isnull=True), name="heldback_once"
            )
        ]

    def __str__(self):
        return f"Held back {self.key}"
