"""Reads of conversations: a page of messages (newest last), what is new since a message, and what waits."""

import uuid
from datetime import UTC, datetime
from typing import NamedTuple

from django.core.paginator import Page
from django.db.models import F

from core.compiled import CompiledRead, counted, kept_page
from messaging.models import Attachment, Conversation, Message
from practice.models import Client, display_name, staff_name
from selfcare.models import Activity

PAGE_SIZE = 30
# A value for a read whose shape does not use it.
_NEVER = datetime(2000, 1, 1, tzinfo=UTC)
# Conversations on a page of an inbox.
INBOX_PAGE = 50
# A risky message waiting first, then the soonest reply-by, then the newest.
INBOX_ORDER = (
    F("risk_waiting").desc(),
    F("reply_by").asc(nulls_last=True),
    F("last_message_at").desc(nulls_last=True),
    "-id",
)


def _inbox(shape, *, staff, practice):
    """The conversations of a therapist's inbox (their clients' care conversations) or, ``shape[0]`` true, of
    the office's (the practice's office conversations), that have a message; never an erased client's."""
    if shape[0]:
        found = Conversation.objects.office().filter(client__practice=practice)
    else:
        found = Conversation.objects.care().filter(client__therapist=staff)
    return found.exclude(client__in=Client.objects.erased()).filter(last_message_id__gt=0)


class InboxRow(NamedTuple):
    """A conversation as an inbox lists it: what its row shows, and whose it is."""

    last_message_id: int
    staff_read_up_to: int
    risk_waiting: bool
    last_message_at: datetime | None
    reply_by: datetime | None
    client_uuid: uuid.UUID
    client_name: str

    @property
    def unread(self) -> bool:
        return self.last_message_id > self.staff_read_up_to


def _inbox_slice(shape, **values):
    # The page's conversations chosen in a subquery of their own rows; only those are joined to their clients.
    ordered = _inbox(shape, **values).order_by(*INBOX_ORDER).values_list("pk", flat=True)[shape[1] : shape[2]]
    # Read as rows, never the client's sealed draft.
    return (
        Conversation.objects.filter(pk__in=ordered)
        .order_by(*INBOX_ORDER)
        .values_list(
            *InboxRow._fields[:5], "client__uuid", "client__preferred_name", "client__user__name", "client__user__email"
        )
    )


# An inbox is read on every view: its count and its page built by the ORM once (core/compiled.py).
_INBOX_VALUES = {"staff": int, "practice": int}
_INBOX_COUNT = CompiledRead(
    Conversation,
    lambda shape, **values: counted(_inbox(shape, **values), "kind"),
    _INBOX_VALUES,
)
_INBOX_PAGE = CompiledRead(Conversation, _inbox_slice, _INBOX_VALUES)


def inbox_page(staff, *, office: bool, number) -> Page:
    """Page ``number`` of ``staff``'s inbox (the office's with ``office``) in ``INBOX_ORDER``, as ``InboxRow``s.

    The page's conversations are chosen in a subquery of their own rows and only those are joined to their
    clients: joining a client and a person to each of the office's 731 conversations before sorting them
    cost 7.4 ms on PostgreSQL (docs/benchmarks.md). Read as rows, not instances: fifty conversations built with
    their clients and accounts were two fifths of the inbox's time under load (docs/benchmarks.md, twenty-sixth pass).
    """
    values = {"staff": staff.pk, "practice": staff.practice_id}
    page = kept_page(_INBOX_PAGE, _INBOX_COUNT, number, INBOX_PAGE, (office,), rows=True, **values)
    page.object_list = [InboxRow(*row[:6], display_name(*row[6:])) for row in page.object_list]
    return page


class ShownMessage:
    """A message as a conversation's page shows it: its own columns and its sender's name, read as a row. A page of
    thirty built as instances with their senders and the senders' accounts was about half the time of reading it
    under load (docs/benchmarks.md, twenty-sixth pass). The pages set what they show beside it (``author``,
    ``files``, ...)."""

    COLUMNS = (
        "pk",
        "uuid",
        "conversation_id",
        "sender_staff_id",
        "body",
        "sent_at",
        "reply_by",
        "answered_at",
        "risk_found",
        "shared_kind",
        "shared_ref",
        "sender_staff__user__name",
        "sender_staff__user__email",
    )

    def __init__(self, row):
        (
            self.pk,
            self.uuid,
            self.conversation_id,
            self.sender_staff_id,
            self.body,
            self.sent_at,
            self.reply_by,
            self.answered_at,
            self.risk_found,
            self.shared_kind,
            self.shared_ref,
            name,
            email,
        ) = row
        # A client's own message has no sender.
        self.sender_name = staff_name(name, email) if self.sender_staff_id is not None else ""

    @property
    def from_client(self) -> bool:
        return self.sender_staff_id is None


def _visible(conversation, sees_from):
    """The conversation's messages a reader sees (for a therapist who took the client over, those since
    ``sees_from``; None: all), as the rows of ``ShownMessage``."""
    messages = Message.objects.filter(conversation=conversation)
    if sees_from is not None:
        messages = messages.filter(sent_at__gte=sees_from)
    return messages.values_list(*ShownMessage.COLUMNS)


def _sees_from(conversation: Conversation, *, to_staff: bool):
    return conversation.staff_sees_from if to_staff else None


def _files_between(shape, *, conversation, first, last):
    return (
        Attachment.objects.without_data()
        .filter(message__conversation=conversation, message_id__gte=first, message_id__lte=last)
        .order_by("id")
    )


# A page of messages and their files are read on every view of a conversation: built by the ORM once per shape
# and run with the conversation's values (core/compiled.py).
_FILES_BETWEEN = CompiledRead(Attachment, _files_between, {"conversation": int, "first": int, "last": int})


def _page_before(shape, *, conversation, sees_from, before):
    limited, earlier_only, size = shape
    messages = _visible(conversation, sees_from if limited else None)
    if earlier_only:
        messages = messages.filter(pk__lt=before)
    return messages.order_by("-id")[:size]


_PAGE_BEFORE = CompiledRead(Message, _page_before, {"conversation": int, "sees_from": datetime, "before": int})


def _with_files(messages: list[ShownMessage]) -> list[ShownMessage]:
    """Each message's attachments (their bytes not read) as ``message.files``: one query for the lot, none
    when there are no messages. Done by hand rather than ``prefetch_related``, which builds a queryset per
    message (thirty a page) for the 0.3% of messages that carry a file. The messages are one conversation's,
    so the files are read by the range of their ids (a file of a message between them not shown is left out)."""
    if not messages:
        return messages
    files = {}
    ids = [message.pk for message in messages]
    for attachment in _FILES_BETWEEN.objects(conversation=messages[0].conversation_id, first=min(ids), last=max(ids)):
        files.setdefault(attachment.message_id, []).append(attachment)
    for message in messages:
        message.files = files.get(message.pk, [])
    return messages


def messages_page(
    conversation: Conversation, *, to_staff: bool, before_id: int | None = None, size: int = PAGE_SIZE
) -> tuple[list[ShownMessage], bool]:
    """Up to ``size`` messages (``ShownMessage``) before ``before_id`` (the newest when None), oldest first, with
    their ``files``, and whether there are earlier ones. Two queries (the messages, their attachments) whatever the
    conversation's length."""
    sees_from = _sees_from(conversation, to_staff=to_staff)
    newest_first = _PAGE_BEFORE.rows(
        (sees_from is not None, before_id is not None, size + 1),
        conversation=conversation.pk,
        sees_from=sees_from or _NEVER,
        before=before_id or 0,
    )
    return _with_files([ShownMessage(row) for row in newest_first[:size][::-1]]), len(newest_first) > size


def messages_after(conversation: Conversation, *, to_staff: bool, after_id: int, size: int = 100) -> list[ShownMessage]:
    """Messages sent after ``after_id``, oldest first (what the page's polling adds)."""
    rows = _visible(conversation, _sees_from(conversation, to_staff=to_staff)).filter(pk__gt=after_id).order_by("id")
    return _with_files([ShownMessage(row) for row in rows[:size]])


def waiting_by_client(client_ids) -> dict:
    """{client_id: (risk_waiting, reply_by, unread)} for the care conversations of ``client_ids`` with a client's
    message waiting for an answer or unread by the practice (for the caseload's "who needs attention").
    One query, whatever the number of clients or messages; never a message's words."""
    from django.db.models import F, Q

    if not client_ids:
        return {}
    rows = (
        Conversation.objects.care()
        .filter(client_id__in=list(client_ids))
        .filter(Q(reply_by__isnull=False) | Q(last_message_id__gt=F("staff_read_up_to")))
        .values_list("client_id", "risk_waiting", "reply_by", "last_message_id", "staff_read_up_to")
        .order_by()
    )
    return {client_id: (risky, due, last > read) for client_id, risky, due, last, read in rows}


def shared_activities(conversation: Conversation, messages) -> dict:
    """The client's self-care activities the shown messages share, by their uuid as text (one query, none
    when nothing is shared): each shared item's title without a query per message."""
    refs = []
    for message in messages:
        if message.shared_kind != Message.Shared.SELFCARE:
            continue
        try:
            refs.append(uuid.UUID(message.shared_ref))
        except ValueError:
            continue
    if not refs:
        return {}
    return {str(a.uuid): a for a in Activity.objects.filter(client=conversation.client, uuid__in=refs)}
