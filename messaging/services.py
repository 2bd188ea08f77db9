"""Writes for messages. Every send is one transaction holding the conversation's row, so two people
writing at once are stored in the order they committed, and a double-submitted send (the same
idempotency key) is stored once.

Sending never fails because of detection: what the client sees comes from ``safe_detect``, and the
therapist's alert from the pending risk check written with the message (risk/checks.py), raised only
with the client's ``message_risk_alerts`` consent.
"""

import uuid as uuid_module
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from core.compiled import CompiledRead
from messaging import notifications
from messaging.models import MAX_MESSAGE_LENGTH, Attachment, Conversation, Message, MessagingSettings
from messaging.replies import reply_by
from practice.attention import client_changed
from risk.checks import risk_check_request
from risk.detection import Findings, safe_detect
from risk.models import RiskAlert


class MessageError(ValueError):
    """Why a message cannot be sent, in words for the person sending it."""


@dataclass(frozen=True)
class PreparedFile:
    """An attachment already checked by its content and cleaned (messaging/attachments.py)."""

    kind: str
    content_type: str
    filename: str
    data: bytes


def _conversation(shape, *, client):
    kind, for_practice = shape
    found = Conversation.objects.filter(client=client, kind=kind)
    # The client's sealed draft is theirs alone: never read (nor decrypted) for the practice.
    return (found.defer("client_draft") if for_practice else found).order_by("pk")[:1]


# Read on every view of a conversation: built by the ORM once (core/compiled.py).
_CONVERSATION = CompiledRead(Conversation, _conversation, {"client": int})
_SETTINGS = CompiledRead(
    MessagingSettings,
    lambda shape, *, staff: MessagingSettings.objects.filter(staff=staff).order_by("pk")[:1],
    {"staff": int},
)


def conversation_for(*, client, kind: str = Conversation.Kind.CARE, for_practice: bool = False) -> Conversation:
    """The client's conversation of ``kind``, made the first time anyone opens or writes it (read for the
    practice: without the client's draft)."""
    found = _CONVERSATION.first((kind, for_practice), client=client.pk)
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Conversation.objects.create(client=client, kind=kind)
    except IntegrityError:  # opened at the same moment elsewhere
        return Conversation.objects.get(client=client, kind=kind)


def settings_for(staff) -> MessagingSettings:
    """A staff member's promise about messages (the default one until they write their own)."""
    return _SETTINGS.first(staff=staff.pk) or MessagingSettings(staff=staff)


def client_may_start(conversation: Conversation) -> bool:
    """Whether the client may write now. "Replies to my messages only": when the practice's side wrote last."""
    if conversation.who_starts == Conversation.WhoStarts.ANYONE:
        return True
    last = Message.objects.filter(conversation=conversation).in_order().last()
    return last is not None and not last.from_client


# The practice office's promise (it has no settings of its own): Monday to Friday, two working days.
OFFICE_REPLY_DAYS = 2


def _reply_by_for(conversation: Conversation, sent_at):
    client = conversation.client
    if conversation.kind == Conversation.Kind.CARE:
        promise = settings_for(client.therapist)
        return reply_by(
            practice=client.practice, staff=client.therapist, within_days=promise.reply_within_days, sent_at=sent_at
        )
    return reply_by(practice=client.practice, staff=None, within_days=OFFICE_REPLY_DAYS, sent_at=sent_at)


def message_send(
    *,
    conversation: Conversation,
    body: str,
    idempotency_key,
    staff=None,
    files: tuple[PreparedFile, ...] = (),
    shared_kind: str = "",
    shared_ref: str = "",
    request=None,
) -> tuple[Message, bool, Findings]:
    """Send a message from the client (``staff`` None) or from ``staff``. Returns the message, whether this
    call stored it (False: the same key was sent before, and that message is returned), and what gentle
    detection found in a client's words. Raises ``MessageError`` for an empty or too long message, or a
    client writing first where the therapist asked for replies only.
    """
    body = (body or "").replace("\r\n", "\n").strip()
    findings = safe_detect(body) if staff is None and body else Findings()
    if not body and not files and not shared_kind:
        raise MessageError("There is nothing to send yet: write a few words, or add a file.")
    if len(body) > MAX_MESSAGE_LENGTH:
        raise MessageError(
            f"A message can be up to {MAX_MESSAGE_LENGTH:,} characters; this one is {len(body):,}. "
            "Nothing is lost: shorten it, or send it in two parts."
        )
    key = uuid_module.UUID(str(idempotency_key))
    with transaction.atomic():
        # Holding the conversation's row orders sends: ids, times and the last-message marks only ever grow.
        locked = Conversation.objects.select_for_update().select_related("client__practice", "client__therapist")
        conversation = locked.get(pk=conversation.pk)
        now = timezone.now()
        sent_before = Message.objects.filter(conversation=conversation, idempotency_key=key).first()
        if sent_before is not None:
            return sent_before, False, findings
        if staff is None and not client_may_start(conversation):
            raise MessageError(
                f"{conversation.client.therapist.display_name} will write to you first; you can reply then."
            )
        message = Message(
            conversation=conversation,
            sender_staff=staff,
            body=body,
            sent_at=now,
            idempotency_key=key,
            risk_found=findings.risk,
            shared_kind=shared_kind,
            shared_ref=shared_ref,
        )
        if staff is None:
            message.reply_by = _reply_by_for(conversation, now)
        message.save()
        Attachment.objects.bulk_create(
            Attachment(
                message=message,
                kind=file.kind,
                content_type=file.content_type,
                filename=file.filename,
                size=len(file.data),
                data=file.data,
                created_at=now,
            )
            for file in files
        )
        _after_send(conversation, message, now)
        if staff is None and body:
            risk_check_request(
                client=conversation.client,
                source=RiskAlert.Source.MESSAGE_WORDS,
                source_id=message.uuid,
                findings=findings,
                now=now,
            )
        message_id = message.pk
        transaction.on_commit(lambda: notifications.message_sent(message_id=message_id))
    return message, True, findings


def _after_send(conversation: Conversation, message: Message, now) -> None:
    conversation.last_message_id, conversation.last_message_at = message.pk, now
    fields = ["last_message_id", "last_message_at"]
    if message.from_client:
        conversation.client_read_up_to = message.pk
        conversation.client_draft = None
        if conversation.reply_by is None or message.reply_by < conversation.reply_by:
            conversation.reply_by = message.reply_by
        # After the ending nobody is alerted (the client was shown the crisis contacts instead).
        risky = message.risk_found and not conversation.client.care_has_ended
        conversation.risk_waiting = conversation.risk_waiting or risky
        fields += ["client_read_up_to", "client_draft", "reply_by", "risk_waiting"]
    else:
        # An answer: every client message waiting in this conversation has had one.
        Message.objects.filter(
            conversation=conversation, sender_staff__isnull=True, answered_at__isnull=True, pk__lt=message.pk
        ).update(answered_at=now)
        conversation.staff_read_up_to = message.pk
        conversation.reply_by, conversation.risk_waiting = None, False
        fields += ["staff_read_up_to", "reply_by", "risk_waiting"]
    conversation.save(update_fields=fields)


def draft_save(*, conversation: Conversation, body: str) -> None:
    """Keep what the client has typed so far (no audit row, no check: nobody else reads a draft)."""
    body = (body or "")[: MAX_MESSAGE_LENGTH * 2]
    conversation.client_draft = body or None
    conversation.save(update_fields=["client_draft"])


def read_by_client(*, conversation: Conversation) -> None:
    """The client has seen everything up to the newest message."""
    if conversation.client_read_up_to >= conversation.last_message_id:
        return
    now = timezone.now()
    Conversation.objects.filter(pk=conversation.pk).filter(
        Q(client_read_up_to__lt=conversation.last_message_id)
    ).update(client_read_up_to=conversation.last_message_id, client_read_at=now)
    conversation.client_read_up_to, conversation.client_read_at = conversation.last_message_id, now


READ_OBJECT_TYPE = "messaging.conversation"


def read_by_staff(*, conversation: Conversation, messages, request, move_mark: bool = True) -> None:
    """A staff member read a page of the conversation: audited with the message ids (never words), and the
    practice's read mark moved to the newest message shown (not by someone who may only read: an owner with
    emergency access leaves the therapist's unread messages unread)."""
    shown = [m.pk for m in messages]
    audit_record(
        action=AuditEvent.Action.READ,
        object_type=READ_OBJECT_TYPE,
        object_id=conversation.uuid,
        request=request,
        client=conversation.client,
        detail={"kind": conversation.kind, "messages": [str(m.uuid) for m in messages]},
    )
    newest = max(shown, default=0)
    if move_mark and newest > conversation.staff_read_up_to:
        Conversation.objects.filter(pk=conversation.pk, staff_read_up_to__lt=newest).update(staff_read_up_to=newest)
        conversation.staff_read_up_to = newest
        client_changed(conversation.client_id, reason="messages read")
