import uuid

from django.db import models
from django.utils import timezone

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


class ErasureRequest(models.Model):
    """A client's request to be forgotten; once the owner completes it the record that must be kept is restricted."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
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
