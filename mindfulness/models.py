"""Therapists' own exercises, what clients practise and what they were suggested.

A guided exercise is a "practice" in every word clients and therapists read; in code it is an
exercise, so that "practice" means only the business (``practice.models.Practice``). The tables
keep the names they were created with (``db_table``).
"""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Avg, Count, F, Max, Q
from django.utils import timezone

from core.crypto import EncryptedTextField
from core.mixins import ClientOwnedQuerySet, UUIDModel
from mindfulness.content import Step, builtin
from practice.models import Client, StaffMember

RATING = [MinValueValidator(0), MaxValueValidator(10)]


class CustomExerciseQuerySet(models.QuerySet):
    def live(self):
        return self.filter(is_archived=False)

    def for_client(self, client):
        """The exercises the client's own therapist wrote for their clients, and any the client was
        given or used before: an exercise that helped stays theirs when their care moves to a colleague."""
        return self.for_client_of(client.pk, client.therapist_id)

    def for_client_of(self, client_id: int, therapist_id: int):
        """``for_client`` by the client's key and their therapist's (a kept read's values)."""
        theirs = (
            Q(author_id=therapist_id)
            | Q(pk__in=Recommendation.objects.filter(client_id=client_id, custom__isnull=False).values("custom_id"))
            | Q(pk__in=ExerciseLog.objects.filter(client_id=client_id, custom__isnull=False).values("custom_id"))
        )
        return self.live().filter(theirs).select_related("author__user")

    def by_author(self, staff):
        return self.filter(author=staff)


def audio_upload_to(instance, filename):
    # Never the uploaded name: it could say something about a client, and it is not ours to trust.
    return f"mindfulness/audio/{uuid.uuid4().hex}{instance.audio_extension}"


class CustomExercise(UUIDModel):
    """An exercise a therapist wrote, shown to that therapist's clients only."""

    author = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="own_exercises")
    title = models.CharField(max_length=120)
    summary = models.CharField(max_length=300, blank=True)
    helps_when = models.CharField(max_length=300, blank=True)
    steps_text = models.TextField(max_length=6000, blank=True)
    step_seconds = models.PositiveSmallIntegerField(
        default=45, validators=[MinValueValidator(10), MaxValueValidator(600)]
    )
    audio = models.FileField(upload_to=audio_upload_to, blank=True, max_length=200)
    audio_content_type = models.CharField(max_length=40, blank=True)
    is_archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = CustomExerciseQuerySet.as_manager()

    # Set by the form before saving so audio_upload_to can name the file.
    audio_extension = ""
    is_builtin = False
    caution = ""
    if_not_today = (
        "If this does not help today, that is not your fault. You might try 5-4-3-2-1 grounding, "
        "or come back to this another time."
    )

    class Meta:
        db_table = "mindfulness_custompractice"
        ordering = ["title"]

    def __str__(self):
        return self.title

    @property
    def slug(self) -> str:
        return f"custom-{self.uuid}"

    def step_texts(self) -> list[str]:
        return [part.strip() for part in self.steps_text.replace("\r\n", "\n").split("\n\n") if part.strip()]

    def steps(self, length: str = "short") -> tuple[Step, ...]:
        return tuple(Step(text, self.step_seconds) for text in self.step_texts())

    @property
    def short(self):
        return self.steps()

    @property
    def short_minutes(self) -> int:
        return max(1, round(len(self.step_texts()) * self.step_seconds / 60))


class ExerciseRefMixin(models.Model):
    """Points at one exercise: a built-in one by slug, or a therapist's own."""

    builtin_slug = models.CharField(max_length=60, blank=True)
    custom = models.ForeignKey(CustomExercise, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True

    @property
    def exercise(self):
        return self.custom if self.custom_id else builtin(self.builtin_slug)

    @classmethod
    def ref_constraint(cls, name):
        return models.CheckConstraint(
            condition=(Q(builtin_slug="") & Q(custom__isnull=False)) | (~Q(builtin_slug="") & Q(custom__isnull=True)),
            name=name,
        )


class ExerciseLogQuerySet(ClientOwnedQuerySet):
    def times_tried(self):
        """One row per exercise and how often it was done: what the client's therapist may know."""
        return self.values("builtin_slug", "custom__title").annotate(times=Count("id")).order_by()

    def what_helps(self):
        """One row per exercise: times tried and the average change in the client's own ratings (for her alone)."""
        return (
            self.values("builtin_slug", "custom__uuid", "custom__title")
            .annotate(
                times=Count("id"),
                rated=Count("id", filter=Q(calm_before__isnull=False) | Q(kindness_before__isnull=False)),
                calm_change=Avg(F("calm_after") - F("calm_before")),
                kindness_change=Avg(F("kindness_after") - F("kindness_before")),
                last=Max("practised_at"),
            )
            .order_by()
        )


class ExerciseLog(ExerciseRefMixin):
    class Length(models.TextChoices):
        SHORT = "short", "Short"
        LONG = "long", "Longer"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="exercise_logs")
    length = models.CharField(max_length=5, choices=Length, default=Length.SHORT)
    practised_at = models.DateTimeField(default=timezone.now)
    calm_before = models.PositiveSmallIntegerField(null=True, blank=True, validators=RATING)
    calm_after = models.PositiveSmallIntegerField(null=True, blank=True, validators=RATING)
    kindness_before = models.PositiveSmallIntegerField(null=True, blank=True, validators=RATING)
    kindness_after = models.PositiveSmallIntegerField(null=True, blank=True, validators=RATING)
    word = EncryptedTextField(context="mindfulness.practicelog.word", blank=True, null=True)
    # Practised after our work together ended: the client's alone, never shown to the practice (ending).
    after_ending = models.BooleanField(default=False)

    objects = ExerciseLogQuerySet.as_manager()

    class Meta:
        db_table = "mindfulness_practicelog"
        indexes = [models.Index(fields=["client", "practised_at"])]
        constraints = [ExerciseRefMixin.ref_constraint("practicelog_one_practice")]


class RecommendationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(withdrawn_at__isnull=True)

    def for_client(self, client):
        return self.active().filter(client=client).select_related("therapist__user", "custom").order_by("-created_at")


class Recommendation(ExerciseRefMixin):
    """A therapist's suggestion of one exercise to one client, with a personal note."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="exercise_recommendations")
    therapist = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    note = EncryptedTextField(context="mindfulness.recommendation.note", blank=True, null=True)
    created_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["client", "withdrawn_at"])]
        constraints = [ExerciseRefMixin.ref_constraint("recommendation_one_practice")]
