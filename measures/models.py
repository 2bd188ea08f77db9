from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.crypto import EncryptedJSONField, EncryptedTextField
from core.mixins import ClientOwnedQuerySet, UUIDModel
from measures.instruments import DIFFICULTY_CHOICES, INSTRUMENT_CHOICES, INSTRUMENTS
from practice.models import Client, StaffMember


class MeasureScheduleQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class MeasureSchedule(UUIDModel):
    """A therapist's wish that a client fills in one questionnaire on a rhythm."""

    class Rhythm(models.TextChoices):
        ONCE = "once", "Just this once"
        FORTNIGHTLY = "fortnightly", "Every two weeks"
        FOUR_WEEKLY = "four_weekly", "Every four weeks"
        BEFORE_SESSION = "before_session", "Before each session"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="measure_schedules")
    instrument = models.CharField(max_length=12, choices=INSTRUMENT_CHOICES)
    rhythm = models.CharField(max_length=16, choices=Rhythm, default=Rhythm.ONCE)
    created_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    active = models.BooleanField(default=True)

    objects = MeasureScheduleQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["client", "active"])]


class MeasureRequestQuerySet(ClientOwnedQuerySet):
    def pending(self):
        return self.filter(completed_at__isnull=True, withdrawn_at__isnull=True)


class MeasureRequest(UUIDModel):
    """One questionnaire waiting for a client. They may leave it for later for as long as they like."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="measure_requests")
    instrument = models.CharField(max_length=12, choices=INSTRUMENT_CHOICES)
    schedule = models.ForeignKey(
        MeasureSchedule, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )
    requested_by = models.ForeignKey(StaffMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = MeasureRequestQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["client", "completed_at"])]
        constraints = [
            # At most one open request per client and questionnaire: a rhythm never piles them up.
            models.UniqueConstraint(
                fields=["client", "instrument"],
                condition=Q(completed_at__isnull=True, withdrawn_at__isnull=True),
                name="one_open_request_per_instrument",
            )
        ]

    @property
    def definition(self):
        return INSTRUMENTS[self.instrument]


class MeasureResponseQuerySet(ClientOwnedQuerySet):
    def of(self, instrument_id: str):
        return self.filter(instrument=instrument_id)

    def chronological(self):
        return self.order_by("completed_at", "id")

    def since(self, moment):
        return self.filter(completed_at__gt=moment) if moment is not None else self


class MeasureResponse(UUIDModel):
    """A completed questionnaire: the raw answers, as printed on the form, with the instrument version.

    ``total``, ``band`` and ``risk_flag`` are derived from ``answers`` by
    ``measures.services.measure_response_record`` (scoring.py) and never typed
    in; they are kept as columns so long histories aggregate in the database.
    """

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="measure_responses")
    instrument = models.CharField(max_length=12, choices=INSTRUMENT_CHOICES)
    instrument_version = models.CharField(max_length=32)
    # Sealed (core.crypto): each item's answer is clinical detail. Totals, bands and flags stay plain to query.
    answers = EncryptedJSONField(context="measures.measureresponse.answers")
    # PHQ-9/GAD-7 optional functional-difficulty item: stored apart, never scored (§2.1).
    difficulty = EncryptedTextField(
        context="measures.measureresponse.difficulty", max_length=16, choices=DIFFICULTY_CHOICES, blank=True, default=""
    )
    completed_at = models.DateTimeField(default=timezone.now)
    request = models.OneToOneField(
        MeasureRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="response"
    )
    total = models.FloatField(editable=False)
    band = models.CharField(max_length=20, editable=False)
    risk_flag = models.BooleanField(default=False, editable=False)

    objects = MeasureResponseQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["client", "instrument", "completed_at"])]

    @property
    def definition(self):
        return INSTRUMENTS[self.instrument]

    @property
    def chart_value(self) -> float:
        """WHO-5 is charted as its percentage (raw × 4); the others as their total."""
        return self.total * 4 if self.instrument == "who5" else self.total
