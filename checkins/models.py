from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from core.crypto import EncryptedJSONField, EncryptedTextField
from core.mixins import ClientOwnedQuerySet, UUIDModel
from practice.models import Client

FEELINGS = (
    ("calm", "Calm"),
    ("content", "Content"),
    ("hopeful", "Hopeful"),
    ("grateful", "Grateful"),
    ("loved", "Loved"),
    ("tired", "Tired"),
    ("anxious", "Anxious"),
    ("low", "Low"),
    ("sad", "Sad"),
    ("lonely", "Lonely"),
    ("irritable", "Irritable"),
    ("angry", "Angry"),
    ("overwhelmed", "Overwhelmed"),
    ("numb", "Numb"),
    ("ashamed", "Ashamed"),
    ("tender", "Tender"),
)
BODY_AREAS = (
    ("head", "Head"),
    ("jaw", "Jaw and face"),
    ("throat", "Throat"),
    ("shoulders", "Neck and shoulders"),
    ("chest", "Chest"),
    ("stomach", "Stomach"),
    ("back", "Back"),
    ("arms", "Arms and hands"),
    ("legs", "Legs and feet"),
    ("all_over", "All over"),
)

# The 0–10 scales: field name → (domain, question, what 0 means, what 10 means).
SCALES = {
    "mood": ("mind", "Mood", "Very low", "Very good"),
    "energy": ("body", "Energy", "Exhausted", "Full of energy"),
    "tension": ("body", "Tension in my body", "Relaxed", "Very tense"),
    "sleep": ("body", "Last night's sleep", "Very poor", "Very good"),
    "peace": ("soul", "A sense of peace", "None", "Deeply peaceful"),
    "fulfilment": ("soul", "A sense of fulfilment", "None", "Very fulfilled"),
    "self_kindness": ("heart", "How kind have I been to myself today?", "Not at all", "Very kind"),
}
# The same scales named briefly for a therapist reading them side by side ("Since we last met"), in the
# order the body's scales are charted (sleep before tension).
SHORT_LABELS = {
    "mood": "Mood",
    "energy": "Energy",
    "sleep": "Sleep",
    "tension": "Tension in the body",
    "peace": "A sense of peace",
    "fulfilment": "Fulfilment",
    "self_kindness": "Kindness to self",
}


def scale_field():
    return models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )


class CheckInQuerySet(ClientOwnedQuerySet):
    def on(self, day):
        return self.filter(local_date=day)


class CheckIn(UUIDModel):
    """A quick daily check-in on mind, body, soul and heart. Any part may be left out."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="checkins")
    # The day in the practice's time zone: "one a day" and "editable that day" are about this date.
    local_date = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Sealed like the note: which feelings and where in the body are clinical detail (core.crypto).
    feelings = EncryptedJSONField(context="checkins.checkin.feelings", default=list, blank=True)
    body_areas = EncryptedJSONField(context="checkins.checkin.body_areas", default=list, blank=True)
    mood = scale_field()
    energy = scale_field()
    tension = scale_field()
    sleep = scale_field()
    peace = scale_field()
    fulfilment = scale_field()
    self_kindness = scale_field()
    note = EncryptedTextField(context="checkins.checkin.note", null=True, blank=True)
    # Written after our work together ended: the client's alone, never shown to the practice (ending).
    after_ending = models.BooleanField(default=False)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["client", "local_date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    *(models.Q(**{f"{name}__isnull": True}) | models.Q(**{f"{name}__lte": 10}) for name in SCALES)
                ),
                name="checkin_scales_0_to_10",
            )
        ]

    def feeling_labels(self) -> list[str]:
        labels = dict(FEELINGS)
        return [labels.get(f, f) for f in self.feelings]

    def body_area_labels(self) -> list[str]:
        labels = dict(BODY_AREAS)
        return [labels.get(a, a) for a in self.body_areas]
