"""Session notes: one per appointment, written by the therapist, encrypted at rest.

A draft is saved as the therapist types (server-side autosave). Signing locks
it: the signed text never changes again, and anything added later is a dated
``Amendment`` that sits beside the original. Only the writing therapist reads a
note (and an owner through audited emergency access); never the client.
"""

from django.db import models
from django.utils import timezone

from bookings.models import Appointment
from core.crypto import EncryptedTextField
from core.mixins import ClientOwnedQuerySet, UUIDModel
from practice.models import Client, StaffMember

# (field name, heading, prompt shown while writing)
SECTIONS = (
    ("mind", "Mind", "Thoughts and feelings the client brought"),
    ("body", "Body", "Physical reactions, sleep, pain, energy"),
    ("soul", "Soul", "Peace, meaning, connection, fulfilment"),
    ("themes", "Themes", "What kept coming up"),
    ("causes_work", "Work on underlying causes", "Which cause we touched and how"),
    ("practices", "Practices suggested", "Practices offered for between sessions"),
    ("risk", "Risk", "Anything about safety, and what we agreed"),
    ("free_text", "Other notes", ""),
)
SECTION_NAMES = tuple(name for name, _heading, _prompt in SECTIONS)


class NoteTemplateQuerySet(models.QuerySet):
    def for_therapist(self, staff):
        return self.filter(therapist=staff)


class NoteTemplate(UUIDModel):
    """A therapist's own starting text for each section, adapted as they like."""

    therapist = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="note_templates")
    name = models.CharField(max_length=80)
    is_default = models.BooleanField(default=False)
    mind = models.TextField(blank=True, max_length=2000)
    body = models.TextField(blank=True, max_length=2000)
    soul = models.TextField(blank=True, max_length=2000)
    themes = models.TextField(blank=True, max_length=2000)
    causes_work = models.TextField(blank=True, max_length=2000)
    practices = models.TextField(blank=True, max_length=2000)
    risk = models.TextField(blank=True, max_length=2000)
    free_text = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    objects = NoteTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["therapist"], condition=models.Q(is_default=True), name="one_default_template_each"
            )
        ]

    def __str__(self):
        return self.name


class SessionNoteQuerySet(ClientOwnedQuerySet):
    def by_author(self, staff):
        return self.filter(author=staff)

    def held_by(self, staff):
        return self.filter(holder=staff)

    def signed(self):
        return self.filter(signed_at__isnull=False)

    def drafts(self):
        return self.filter(signed_at__isnull=True)

    def with_appointment(self):
        return self.select_related("appointment", "client__user", "author__user")


class SessionNote(UUIDModel):
    appointment = models.OneToOneField(Appointment, on_delete=models.PROTECT, related_name="note")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="session_notes")
    author = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="session_notes")
    # Who keeps the note now: its author, or the therapist who took the client over when the
    # handover sent the notes with the client (read-only for them; care/services.py).
    holder = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="held_notes")
    mind = EncryptedTextField(context="notes.sessionnote.mind", blank=True, default="")
    body = EncryptedTextField(context="notes.sessionnote.body", blank=True, default="")
    soul = EncryptedTextField(context="notes.sessionnote.soul", blank=True, default="")
    themes = EncryptedTextField(context="notes.sessionnote.themes", blank=True, default="")
    causes_work = EncryptedTextField(context="notes.sessionnote.causes_work", blank=True, default="")
    practices = EncryptedTextField(context="notes.sessionnote.practices", blank=True, default="")
    risk = EncryptedTextField(context="notes.sessionnote.risk", blank=True, default="")
    free_text = EncryptedTextField(context="notes.sessionnote.free_text", blank=True, default="")
    # Bumped by every save; an autosave carrying an older revision is refused, so a stale tab
    # never overwrites newer text.
    revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    saved_at = models.DateTimeField(default=timezone.now)
    signed_at = models.DateTimeField(null=True, blank=True)

    objects = SessionNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-appointment__start"]
        indexes = [models.Index(fields=["author", "client"]), models.Index(fields=["holder", "client"])]

    def __str__(self):
        return f"Session note {self.uuid}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    def sections(self) -> list[tuple[str, str, str]]:
        """(name, heading, text) for each section, in order."""
        return [(name, heading, getattr(self, name)) for name, heading, _prompt in SECTIONS]


class Amendment(UUIDModel):
    """A dated addition to a signed note. The signed text itself is never changed."""

    note = models.ForeignKey(SessionNote, on_delete=models.CASCADE, related_name="amendments")
    section = models.CharField(max_length=20, choices=[(name, heading) for name, heading, _ in SECTIONS])
    text = EncryptedTextField(context="notes.amendment.text")
    reason = EncryptedTextField(context="notes.amendment.reason", blank=True, default="")
    author = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
