"""A client's formulation: symptoms, the underlying causes they come from, and how each changes over time.

Histories are append-only rows (``SymptomStatus``, ``CauseStatus``) so the
timeline and the symptom-shift watch can ask "what was true on this date?".
The therapist's hypotheses and anything written in words are encrypted at rest.
"""

from datetime import date

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from core.crypto import EncryptedTextField
from core.mixins import ClientOwnedQuerySet, UUIDModel
from measures.instruments import INSTRUMENTS
from practice.models import Client, StaffMember


class SymptomKind(models.TextChoices):
    ANXIETY = "anxiety", "Anxiety"
    PANIC = "panic_attacks", "Panic attacks"
    LOW_MOOD = "low_mood", "Low mood"
    SELF_HARM = "self_harm", "Self-harm"
    SLEEP = "sleep_problems", "Sleep problems"
    PAIN = "physical_pain", "Physical pain"
    ANGER = "anger", "Anger"
    EATING = "disordered_eating", "Disordered eating"
    OBSESSIVE = "obsessive_thoughts", "Obsessive thoughts"
    NUMBNESS = "numbness", "Feeling numb or cut off"
    DRINKING = "drinking", "Drinking or drug use"
    OTHER = "other", "Something else (describe it)"


class SymptomState(models.TextChoices):
    PRESENT = "present", "Present"
    EASING = "easing", "Easing"
    RESOLVED = "resolved", "Resolved"
    RETURNED = "returned", "Returned"


class CauseState(models.TextChoices):
    OPEN = "open", "Open"
    WORKING = "working", "Being worked on"
    EASING = "easing", "Easing"
    RESOLVED = "resolved", "Resolved"


def history_since(model, owner: str, since: date | None) -> models.QuerySet:
    """Status rows oldest first: all of them, or those on or after ``since`` and the latest one before it
    (what was true on ``since``), so a long history costs the same as a short one."""
    rows = model.objects.order_by("on", "id")
    if since is None:
        return rows
    in_force = model.objects.filter(**{owner: OuterRef(owner), "on__lt": since}).order_by("-on", "-id").values("pk")[:1]
    return rows.filter(Q(on__gte=since) | Q(pk=Subquery(in_force)))


class SymptomQuerySet(ClientOwnedQuerySet):
    def with_history(self, *, since: date | None = None):
        """Prefetch each symptom's history; from ``since`` on, plus the one entry in force on that day."""
        return self.prefetch_related(Prefetch("history", queryset=history_since(SymptomStatus, "symptom", since)))

    def with_current_status(self):
        """Annotate ``current_status``: the latest status only, however long the history."""
        latest = SymptomStatus.objects.filter(symptom=OuterRef("pk")).order_by("-on", "-id").values("status")[:1]
        return self.annotate(current_status=Subquery(latest))


class Symptom(UUIDModel):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="symptoms")
    kind = models.CharField(max_length=30, choices=SymptomKind, default=SymptomKind.ANXIETY)
    # Free-text name for "something else", or a therapist's more exact wording.
    custom_name = EncryptedTextField(context="formulation.symptom.custom_name", blank=True, default="")
    shared_with_client = models.BooleanField(default=False)
    created_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = SymptomQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.custom_name or self.get_kind_display()

    def entries(self) -> list["SymptomStatus"]:
        """The history, oldest first (uses the prefetch when there is one)."""
        return sorted(self.history.all(), key=lambda e: (e.on, e.id or 0))

    @property
    def current(self) -> "SymptomStatus | None":
        entries = self.entries()
        return entries[-1] if entries else None


class SymptomStatus(models.Model):
    symptom = models.ForeignKey(Symptom, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(max_length=10, choices=SymptomState)
    severity = models.PositiveSmallIntegerField(validators=[MinValueValidator(0), MaxValueValidator(10)])
    on = models.DateField()
    recorded_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["on", "id"]
        indexes = [models.Index(fields=["symptom", "on"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(severity__lte=10), name="symptom_severity_0_to_10"),
        ]


class CauseQuerySet(ClientOwnedQuerySet):
    def with_history(self, *, since: date | None = None, client=None):
        """Prefetch each cause's history (as ``SymptomQuerySet.with_history``) and its symptoms.

        Give ``client`` (every linked symptom is the client's own) so the symptoms are looked up by
        the client's index: without it PostgreSQL misjudged the link table and scanned every
        practice's symptoms (60,000 at ten practices, docs/benchmarks.md).
        """
        symptoms = Symptom.objects.order_by("created_at", "id")
        if client is not None:
            symptoms = symptoms.filter(client=client)
        return self.prefetch_related(
            Prefetch("history", queryset=history_since(CauseStatus, "cause", since)),
            Prefetch("symptoms", queryset=symptoms),
        )


class Cause(UUIDModel):
    """An underlying reason, held as the therapist's working hypothesis."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="causes")
    hypothesis = EncryptedTextField(context="formulation.cause.hypothesis")
    # How the client sees it, in compassionate words ("a part of you that works hard to keep you safe").
    client_wording = EncryptedTextField(context="formulation.cause.client_wording", blank=True, default="")
    shared_with_client = models.BooleanField(default=False)
    symptoms = models.ManyToManyField(Symptom, related_name="causes", blank=True)
    created_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = CauseQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.hypothesis

    def entries(self) -> list["CauseStatus"]:
        return sorted(self.history.all(), key=lambda e: (e.on, e.id or 0))

    @property
    def current(self) -> "CauseStatus | None":
        entries = self.entries()
        return entries[-1] if entries else None


class CauseStatus(models.Model):
    cause = models.ForeignKey(Cause, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(max_length=10, choices=CauseState)
    on = models.DateField()
    recorded_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["on", "id"]
        indexes = [models.Index(fields=["cause", "on"])]


class InsightQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(dismissed_at__isnull=True)

    def for_therapist(self, staff):
        return self.filter(client__therapist=staff)

    def with_parts(self):
        return self.select_related("client__user", "cause", "eased_symptom", "appeared_symptom")


class Insight(UUIDModel):
    """A suggestion for the therapist, never an alarm and never shown to the client."""

    class Kind(models.TextChoices):
        SYMPTOM_SHIFT = "symptom_shift", "Symptom shift"
        COMPASSION_UNCHANGED = "compassion_unchanged", "Symptoms easing, self-compassion unchanged"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="formulation_insights")
    kind = models.CharField(max_length=30, choices=Kind)
    # What makes two findings the same finding, so a rescan never repeats one.
    key = models.CharField(max_length=200)
    cause = models.ForeignKey(Cause, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    eased_symptom = models.ForeignKey(Symptom, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    appeared_symptom = models.ForeignKey(Symptom, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    eased_on = models.DateField(null=True, blank=True)
    appeared_on = models.DateField(null=True, blank=True)
    # Numbers only (instrument codes, scores, dates): never clinical words.
    facts = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.ForeignKey(StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    dismissal_note = EncryptedTextField(context="formulation.insight.dismissal_note", blank=True, default="")

    objects = InsightQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="one_insight_per_finding")]
        indexes = [models.Index(fields=["client", "dismissed_at"])]

    @property
    def instrument_name(self) -> str:
        """The questionnaire a finding is about, by its own name ("PHQ-9", not "phq9")."""
        code = self.facts.get("instrument", "")
        return INSTRUMENTS[code].short_title if code in INSTRUMENTS else code.upper()
