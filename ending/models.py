"""The end of our work together: the summary a client and therapist prepare, and the follow-ups after it."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.crypto import EncryptedJSONField, EncryptedTextField
from core.mixins import ClientOwnedQuerySet, UUIDModel
from measures.instruments import INSTRUMENT_CHOICES
from practice.models import Client, StaffMember


class EndingQuerySet(ClientOwnedQuerySet):
    def open(self):
        """Being prepared, or ended: not withdrawn."""
        return self.exclude(state=Ending.State.WITHDRAWN)


class Ending(UUIDModel):
    """An ending summary, prepared together and kept in the client's space.

    The client's words and the therapist's letter are sealed (core.crypto). The client chooses which
    parts go in (``show_*``). When care ends, ``staff_copy`` keeps what the therapist could see that
    day: what the client changes afterwards is theirs alone.
    """

    class State(models.TextChoices):
        PREPARING = "preparing", "Being prepared"
        ENDED = "ended", "Ended"
        WITHDRAWN = "withdrawn", "No longer ending"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="endings")
    therapist = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=State, default=State.PREPARING)
    started_by = models.ForeignKey(StaffMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    planned_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    # In the client's own words.
    started_words = EncryptedTextField(context="ending.ending.started_words", blank=True, default="")
    now_words = EncryptedTextField(context="ending.ending.now_words", blank=True, default="")
    helped_words = EncryptedTextField(context="ending.ending.helped_words", blank=True, default="")
    carry_words = EncryptedTextField(context="ending.ending.carry_words", blank=True, default="")
    client_updated_at = models.DateTimeField(null=True, blank=True)
    # The therapist's letter, if they wish to write one.
    letter = EncryptedTextField(context="ending.ending.letter", blank=True, default="")
    letter_updated_at = models.DateTimeField(null=True, blank=True)

    # What goes in: the client chooses.
    show_scores = models.BooleanField(default=True)
    show_what_helps = models.BooleanField(default=True)
    show_practices = models.BooleanField(default=True)
    show_selfcare = models.BooleanField(default=True)
    show_causes = models.BooleanField(default=True)
    show_letter = models.BooleanField(default=True)

    # The optional follow-up at three and six months, chosen by the client.
    follow_up = models.BooleanField(default=False)
    follow_up_chosen_at = models.DateTimeField(null=True, blank=True)

    # What the therapist could see on the day care ended (the client's words and choices then).
    staff_copy = EncryptedJSONField(context="ending.ending.staff_copy", null=True, blank=True)

    objects = EndingQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"], condition=Q(state="preparing"), name="ending_one_being_prepared"
            ),
        ]

    def __str__(self):
        return f"Ending {self.uuid}"


class FollowUpQuerySet(ClientOwnedQuerySet):
    def due(self, today):
        return self.filter(due_on__lte=today, answered_at__isnull=True, cancelled_at__isnull=True)


class FollowUp(UUIDModel):
    """A check-in by questionnaire some months after the ending ("how are you doing now?").

    Its results are the client's: nobody at the practice sees them unless the client shares them
    (``shared_at``). One invitation is sent when it falls due; an unanswered one is never chased.
    """

    ending = models.ForeignKey(Ending, on_delete=models.CASCADE, related_name="follow_ups")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="follow_ups")
    months = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    instruments = models.JSONField(default=list)
    invited_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_on"]
        constraints = [models.UniqueConstraint(fields=["ending", "months"], name="followup_once_per_months")]
        indexes = [models.Index(fields=["due_on", "invited_at"])]

    def __str__(self):
        return f"Follow-up at {self.months} months"


class FollowUpAnswer(UUIDModel):
    """One questionnaire answered in a follow-up, scored like any other (measures.scoring)."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="answers")
    instrument = models.CharField(max_length=12, choices=INSTRUMENT_CHOICES)
    instrument_version = models.CharField(max_length=32)
    answers = EncryptedJSONField(context="ending.followupanswer.answers")
    completed_at = models.DateTimeField(default=timezone.now)
    total = models.FloatField(editable=False)
    band = models.CharField(max_length=20, editable=False)
    risk_flag = models.BooleanField(default=False, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follow_up", "instrument"], name="followupanswer_one_per_instrument")
        ]

    def __str__(self):
        return f"{self.instrument} in a follow-up"
