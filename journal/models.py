from django.db import models
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat, Replace, Substr
from django.utils import timezone

from core.crypto import EncryptedTextField
from core.mixins import ClientOwnedQuerySet, UUIDModel
from practice.models import Client
from risk.detection import safe_detect
from risk.models import RiskAlert, RiskCheck


class Prompt(models.TextChoices):
    FREE = "free", "Just write"
    LETTER = "letter", "A letter from my compassionate self"
    CRITIC = "critic", "What my inner critic said, and what a kind friend would say"
    KINDNESS = "kindness", "Three moments of kindness today"


PROMPT_HINTS = {
    Prompt.FREE: "Whatever is on your mind. There is no right way to do this.",
    Prompt.LETTER: (
        "Imagine the wisest, kindest part of you writing to you today. What does it understand about what "
        "you are going through? What would it like you to know?"
    ),
    Prompt.CRITIC: (
        "First, what did the inner critic say? Write it down as it came. Then imagine a kind friend who "
        "knows you well reading it. What would they say back to you?"
    ),
    Prompt.KINDNESS: (
        "Three moments of kindness from today, however small: kindness you gave, received or noticed. "
        "A smile, a cup of tea, a moment of rest all count."
    ),
}


# Words the client typed and has not saved: a draft, or an edit to a saved entry kept by autosave.
UNSAVED = Q(is_draft=True) | Q(edited_unsaved=True)


class EntryQuerySet(ClientOwnedQuerySet):
    def shared(self):
        return self.filter(shared_at__isnull=False, is_draft=False)

    def newest_first(self):
        return self.order_by("-created_at", "-id")

    def drafts_unchecked_since(self, before):
        """Unsaved words (a draft, or a saved entry with an autosaved edit) last changed before ``before``
        whose words have not been risk-checked since (one query, on the unsaved index and the check's
        source index)."""
        checked = RiskCheck.objects.filter(
            source=RiskAlert.Source.JOURNAL_WORDS,
            source_id=_uuid_text(OuterRef("uuid")),
            # Strictly after: words changed in the same instant as a check may not have been read by it.
            created_at__gt=OuterRef("updated_at"),
        )
        return self.filter(UNSAVED, updated_at__lte=before).exclude(Exists(checked))


def _uuid_text(expression):
    """A UUID column as ``str(uuid)`` writes it, on every database: SQLite keeps 32 hex digits, PostgreSQL
    a uuid (cast with dashes), so both are reduced to the digits and dashed again."""
    digits = Replace(Cast(expression, CharField()), Value("-"), Value(""))
    parts = [Substr(digits, start, length) for start, length in ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))]
    dashed = [parts[0]]
    for part in parts[1:]:
        dashed += [Value("-"), part]
    return Concat(*dashed, output_field=CharField())


class Entry(UUIDModel):
    """A journal entry. Private to the client unless they share this one entry with their therapist."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="journal_entries")
    prompt = models.CharField(max_length=10, choices=Prompt, default=Prompt.FREE)
    # Sealed with AES-GCM (core.crypto); the database never holds the words.
    body = EncryptedTextField(context="journal.entry.body")
    is_draft = models.BooleanField(default=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    # The version the client chose to share: what the therapist reads. Later edits stay private
    # until the client shares again; cleared when they stop sharing.
    shared_body = EncryptedTextField(context="journal.entry.shared_body", null=True, blank=True)
    shared_prompt = models.CharField(max_length=10, choices=Prompt, blank=True, default="")
    # What gentle detection found at the last save (never the words themselves).
    harsh_found = models.BooleanField(default=False)
    risk_found = models.BooleanField(default=False)
    # A saved entry the client has edited since (autosave) without saving again.
    edited_unsaved = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "entries"
        indexes = [
            models.Index(fields=["client", "created_at"]),
            models.Index(fields=["client", "shared_at"]),
            # The clock's look for words left unsaved (risk.checks.risk_checks_for_unsaved).
            models.Index(fields=["updated_at"], condition=UNSAVED, name="journal_unsaved_updated"),
        ]

    @property
    def is_shared(self) -> bool:
        return self.shared_at is not None

    @property
    def has_unshared_changes(self) -> bool:
        """Shared, but the client has changed it since: the therapist still sees the shared version."""
        return self.is_shared and (self.shared_body != self.body or self.shared_prompt != self.prompt)

    @property
    def shared_risk_found(self) -> bool:
        """Risk words in the version the therapist reads (``risk_found`` is about the client's latest words)."""
        return safe_detect(self.shared_body or "").risk

    @property
    def prompt_hint(self) -> str:
        return PROMPT_HINTS.get(self.prompt, "")
