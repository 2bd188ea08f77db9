"""Messages between sessions: one conversation per client with their therapist, and one with the practice.

Rules that are easy to break by accident are in messaging/README.md; decisions in docs/messaging.md.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.crypto import EncryptedBytesField, EncryptedTextField
from core.mixins import ClientOwnedQuerySet, UUIDModel
from practice.models import Client, Practice, StaffMember

# The longest message anyone may send (SimplePractice stops at 1,000).
MAX_MESSAGE_LENGTH = 5000
# The largest attachment, in bytes.
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


class ConversationQuerySet(ClientOwnedQuerySet):
    def care(self):
        return self.filter(kind=Conversation.Kind.CARE)

    def office(self):
        return self.filter(kind=Conversation.Kind.OFFICE)


class Conversation(UUIDModel):
    """The client's conversation with their therapist (``care``) or with the practice (``office``: money and
    appointments, read by owners and administrators, never clinical)."""

    class Kind(models.TextChoices):
        CARE = "care", "With my therapist"
        OFFICE = "office", "With the practice"

    class WhoStarts(models.TextChoices):
        ANYONE = "anyone", "They may write any time"
        REPLIES = "replies", "They reply to my messages only"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="conversations")
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.CARE)
    # The therapist reads messages sent from this moment on: moved to the handover's moment when a
    # handover did not include the earlier messages (care/services.py). Null: the whole conversation.
    staff_sees_from = models.DateTimeField(null=True, blank=True)
    # Chosen per client by the therapist; "replies" lets the client answer the therapist's messages only.
    who_starts = models.CharField(max_length=10, choices=WhoStarts, default=WhoStarts.ANYONE)
    # The client chose to let the other side see when they have read (off by default: "seen" marks worry).
    client_shows_read = models.BooleanField(default=False)
    # Email the client when a message arrives (never its words).
    client_emails = models.BooleanField(default=True)
    # The newest message each side has read: everything up to and including this id.
    client_read_up_to = models.BigIntegerField(default=0)
    client_read_at = models.DateTimeField(null=True, blank=True)
    staff_read_up_to = models.BigIntegerField(default=0)
    # Kept by every send, for ordering lists without reading the messages.
    last_message_id = models.BigIntegerField(default=0)
    last_message_at = models.DateTimeField(null=True, blank=True)
    # The earliest reply-by date among the client's messages still waiting for an answer (null: none).
    reply_by = models.DateTimeField(null=True, blank=True)
    # A client's message with risk words is waiting for an answer: the top of the therapist's list.
    risk_waiting = models.BooleanField(default=False)
    # At most one email an hour per conversation and side.
    client_emailed_at = models.DateTimeField(null=True, blank=True)
    staff_emailed_at = models.DateTimeField(null=True, blank=True)
    # What the client has typed and not sent, saved as they type and restored after a timed-out sign-in.
    client_draft = EncryptedTextField(context="messaging.conversation.client_draft", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "kind"], name="one_conversation_per_kind")]
        indexes = [models.Index(fields=["kind", "risk_waiting", "reply_by"], name="messaging_conv_waiting")]

    def __str__(self):
        return f"Conversation {self.uuid}"


class MessageQuerySet(models.QuerySet):
    def in_order(self):
        # The id is the order: it never ties, and a message is never placed before one sent earlier.
        return self.order_by("id")

    def from_client(self):
        return self.filter(sender_staff__isnull=True)

    def from_staff(self):
        return self.filter(sender_staff__isnull=False)


class Message(UUIDModel):
    """One message. ``sender_staff`` is null for the client's own messages."""

    class Shared(models.TextChoices):
        NONE = "", "Nothing"
        PRACTICE = "practice", "A practice"
        SELFCARE = "selfcare", "A self-care idea"

    # No index of its own: (conversation, id) below begins with it and serves every read by conversation. Beside it,
    # the narrower index was the planner's choice for the client's unread count, which then read every message of the
    # conversation to find those after the read mark (464 for five years: 0.50 ms, against 0.21 reading from the mark).
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages", db_index=False)
    sender_staff = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="messages_sent"
    )
    # Sealed with AES-GCM (core.crypto); never logged, never in an audit row, an email or a search.
    body = EncryptedTextField(context="messaging.message.body")
    sent_at = models.DateTimeField(default=timezone.now)
    # The sending form's key: a double-submitted send is stored once.
    idempotency_key = models.UUIDField()
    # For a client's message: when an answer can be expected, from the therapist's promise.
    reply_by = models.DateTimeField(null=True, blank=True)
    # The first answer from the practice after it (null while it waits).
    answered_at = models.DateTimeField(null=True, blank=True)
    risk_found = models.BooleanField(default=False)
    # A practice (its slug in mindfulness.content) or a self-care idea sent into the conversation.
    shared_kind = models.CharField(max_length=10, choices=Shared, blank=True, default="")
    shared_ref = models.CharField(max_length=80, blank=True, default="")

    objects = MessageQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "idempotency_key"], name="message_sent_once"),
        ]
        indexes = [
            models.Index(fields=["conversation", "id"], name="messaging_msg_conv_id"),
            models.Index(
                fields=["conversation", "reply_by"],
                condition=Q(sender_staff__isnull=True, answered_at__isnull=True),
                name="messaging_msg_waiting",
            ),
        ]

    def __str__(self):
        return f"Message {self.uuid}"

    @property
    def from_client(self) -> bool:
        return self.sender_staff_id is None


class AttachmentQuerySet(models.QuerySet):
    def without_data(self):
        return self.defer("data")


class Attachment(UUIDModel):
    """A file sent with a message: type checked by its content, images re-encoded without their metadata,
    stored sealed in the database (so backups and exports carry it) and served only by an access-checked view."""

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        IMAGE = "image", "Image"
        AUDIO = "audio", "Audio"

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(max_length=10, choices=Kind)
    # The detected type (what the bytes are), never the one the browser claimed.
    content_type = models.CharField(max_length=60)
    # The name the sender gave, cleaned to a safe file name.
    filename = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    data = EncryptedBytesField(context="messaging.attachment.data")
    created_at = models.DateTimeField(default=timezone.now)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["message"], name="messaging_att_message")]

    def __str__(self):
        return f"Attachment {self.uuid}"


class MessagingSettings(models.Model):
    """A therapist's (or the practice office's) promise about messages, and when their emails may come."""

    staff = models.OneToOneField(StaffMember, on_delete=models.CASCADE, related_name="messaging_settings")
    # In their own words, shown to the client above the box before they write.
    promise = models.CharField(
        max_length=300,
        default="I read messages on weekday mornings and reply within two working days.",
    )
    # How many working days a reply can take: every client message's reply-by date comes from it.
    reply_within_days = models.PositiveSmallIntegerField(default=2)
    # Past this many characters the client sees "this might be one for your next session".
    long_message_after = models.PositiveIntegerField(default=1500)
    # Email me (without content) when a client writes; held until my working hours.
    emails = models.BooleanField(default=True)

    def __str__(self):
        return f"Messaging settings of {self.staff}"


class Notice(UUIDModel):
    """A practice notice from the owner to every client (a holiday closure): never clinical."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="notices")
    title = models.CharField(max_length=120)
    body = models.TextField(max_length=2000)
    # Shown on client homes from publication until read, or until this day has passed.
    shown_until = models.DateField(null=True, blank=True)
    published_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at"]
        indexes = [models.Index(fields=["practice", "published_at"], name="messaging_notice_practice")]

    def __str__(self):
        return self.title


class NoticeRead(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="reads")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="notices_read")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notice", "client"], name="notice_read_once")]

    def __str__(self):
        return f"{self.notice_id} read by {self.client_id}"
