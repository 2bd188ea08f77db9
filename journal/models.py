import uuid

from django.db import models
from django.utils import timezone

from core.crypto import EncryptedTextField
from practice.models import Client


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


class EntryQuerySet(models.QuerySet):
    def for_client(self, client):
        return self.filter(client=client)

    def shared(self):
        return self.filter(shared_at__isnull=False, is_draft=False)

    def newest_first(self):
        return self.order_by("-created_at", "-id")


class Entry(models.Model):
    """A journal entry. Private to the client unless they share this one entry with their therapist."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="journal_entries")
    prompt = models.CharField(max_length=10, choices=Prompt, default=Prompt.FREE)
    # Sealed with AES-GCM (core.crypto); the database never holds the words.
    body = EncryptedTextField()
    is_draft = models.BooleanField(default=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    # What gentle detection found at the last save (never the words themselves).
    harsh_found = models.BooleanField(default=False)
    risk_found = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "entries"
        indexes = [
            models.Index(fields=["client", "created_at"]),
            models.Index(fields=["client", "shared_at"]),
        ]

    @property
    def is_shared(self) -> bool:
        return self.shared_at is not None

    @property
    def prompt_hint(self) -> str:
        return PROMPT_HINTS.get(self.prompt, "")
