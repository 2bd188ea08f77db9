"""The client's safety plan (Stanley & Brown 2012): six steps in order, plus reasons for living.

Every save adds a new ``SafetyPlanVersion``; nothing is overwritten, so the
client and their therapist can see when it changed and who wrote it. The text
is sealed with ``EncryptedTextField`` and every read is audited (views).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.crypto import EncryptedTextField
from core.mixins import ClientOwnedQuerySet, UUIDModel

# (field name, heading shown to the client, prompt). The order is the plan's order:
# a person in crisis works down the steps until one helps.
STEPS = (
    (
        "warning_signs",
        "Warning signs",
        "Thoughts, feelings, situations or behaviour that tell me a crisis may be coming.",
    ),
    ("coping_alone", "Things I can do on my own", "What helps me take my mind off things without contacting anyone."),
    (
        "distractions",
        "People and places that take my mind off things",
        "People I enjoy being with and places I can go (a café, a park, a friend's kitchen).",
    ),
    (
        "people_to_ask",
        "People I can ask for help",
        "Who I can tell how I am feeling. One person on each line, with their number if you like.",
    ),
    (
        "professionals",
        "Professionals and services I can contact",
        "My therapist, my GP, local services. Round-the-clock lines are listed below as well.",
    ),
    (
        "safer_surroundings",
        "Making my surroundings safer",
        "What I can do, or ask someone to do, to keep things I might use to hurt myself out of reach.",
    ),
    ("reasons_for_living", "My reasons for living", "The people, hopes and things that matter to me."),
)
STEP_FIELDS = tuple(name for name, _, _ in STEPS)


class SafetyPlan(UUIDModel):
    """One per client; its content lives in versions."""

    client = models.OneToOneField("practice.Client", on_delete=models.CASCADE, related_name="safety_plan")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version_count = models.PositiveIntegerField(default=0)

    objects = ClientOwnedQuerySet.as_manager()

    def __str__(self):
        return f"Safety plan {self.uuid}"

    def current(self):
        return self.versions.order_by("-number").select_related("written_by").first()


class SafetyPlanVersion(UUIDModel):
    class Author(models.TextChoices):
        CLIENT = "client", "You"
        IN_SESSION = "in_session", "Together in session"

    plan = models.ForeignKey(SafetyPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author = models.CharField(max_length=12, choices=Author, default=Author.CLIENT)

    warning_signs = EncryptedTextField(context="safetyplan.safetyplanversion.warning_signs", blank=True, default="")
    coping_alone = EncryptedTextField(context="safetyplan.safetyplanversion.coping_alone", blank=True, default="")
    distractions = EncryptedTextField(context="safetyplan.safetyplanversion.distractions", blank=True, default="")
    people_to_ask = EncryptedTextField(context="safetyplan.safetyplanversion.people_to_ask", blank=True, default="")
    professionals = EncryptedTextField(context="safetyplan.safetyplanversion.professionals", blank=True, default="")
    safer_surroundings = EncryptedTextField(
        context="safetyplan.safetyplanversion.safer_surroundings", blank=True, default=""
    )
    reasons_for_living = EncryptedTextField(
        context="safetyplan.safetyplanversion.reasons_for_living", blank=True, default=""
    )

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="safetyplan_version_number_unique")]

    def __str__(self):
        return f"Version {self.number}"

    def steps(self) -> list[dict]:
        """The steps in order, each with its heading, prompt and lines of text."""
        return [
            {
                "field": name,
                "number": index,
                "heading": heading,
                "prompt": prompt,
                "lines": [line.strip() for line in getattr(self, name).splitlines() if line.strip()],
            }
            for index, (name, heading, prompt) in enumerate(STEPS, start=1)
        ]

    def content(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in STEP_FIELDS}
