"""Who may read and write a conversation, and open an attachment. Everyone else gets 404.

- The client: their own conversations (writing to their therapist stops once care has ended, and so does
  the therapist's writing to them: the care conversation is closed, to read only).
- The care conversation (``care``): the client's record rule, ``practice.access.clinical_access``: their
  own therapist reads and writes; an owner holding an emergency access grant reads only; an erased
  client's conversation opens for nobody. A therapist reads what was sent from ``staff_sees_from`` on
  (a handover that did not include the earlier messages moves it).
- The practice's conversation (``office``: money and appointments): the practice's owners and
  administrator read and write it; it is never clinical, and no therapist reads it as such.
"""

from django.core.exceptions import ValidationError
from django.http import Http404

from core.compiled import CompiledRead
from messaging.models import Attachment, Conversation
from messaging.services import conversation_for
from practice.access import client_for, clinical_access, get_client_for_office, staff_for
from practice.models import Client, StaffMember


def office_open(practice) -> bool:
    """The practice answers questions about money and appointments itself: it has an administrator."""
    return bool(_ADMINISTRATOR.rows(practice=practice.pk))


# Asked on every client's messages page: built by the ORM once (core/compiled.py).
_ADMINISTRATOR = CompiledRead(
    StaffMember,
    lambda shape, *, practice: StaffMember.objects.in_practice(practice)
    .filter(is_administrator=True, is_active=True)
    .values_list("pk")[:1],
    {"practice": int},
)


def _kind(kind: str) -> str:
    if kind not in Conversation.Kind.values:
        raise Http404
    return kind


def conversation_of_client(user, kind: str = Conversation.Kind.CARE) -> tuple[Conversation, bool]:
    """The signed-in client's own conversation of ``kind`` and whether they may write in it."""
    client = client_for(user)
    if client is None or client.is_erased:
        raise Http404
    kind = _kind(kind)
    if kind == Conversation.Kind.OFFICE and not office_open(client.practice):
        raise Http404
    conversation = conversation_for(client=client, kind=kind)
    conversation.client = client
    may_write = kind == Conversation.Kind.OFFICE or client.care_status != Client.CareStatus.ENDED
    return conversation, may_write


def conversation_for_staff(user, client_uuid, kind: str = Conversation.Kind.CARE) -> tuple[Conversation, bool]:
    """A client's conversation of ``kind`` for a member of the practice, and whether they may write in it."""
    kind = _kind(kind)
    if kind == Conversation.Kind.CARE:
        client, can_write = clinical_access(user, client_uuid)
    else:
        client, can_write = get_client_for_office(user, client_uuid), True
    conversation = conversation_for(client=client, kind=kind, for_practice=True)
    conversation.client = client
    return conversation, can_write


def care_closed(conversation: Conversation) -> bool:
    """Our work together has ended: the care conversation stays to read, and nobody writes in it (ending)."""
    return conversation.kind == Conversation.Kind.CARE and conversation.client.care_has_ended


def get_rw_conversation_for_staff(user, client_uuid, kind: str = Conversation.Kind.CARE) -> Conversation:
    conversation, can_write = conversation_for_staff(user, client_uuid, kind)
    if not can_write or care_closed(conversation):
        raise Http404
    return conversation


def get_attachment_for_user(user, attachment_uuid) -> Attachment:
    """An attachment (bytes not loaded) of a message the user may read, by the rules above."""
    try:
        attachment = (
            Attachment.objects.without_data().select_related("message__conversation__client").get(uuid=attachment_uuid)
        )
    except (Attachment.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None
    message = attachment.message
    conversation = message.conversation
    if client_for(user) is not None:
        own, _ = conversation_of_client(user, conversation.kind)
        if own.pk != conversation.pk:
            raise Http404
        return attachment
    if staff_for(user) is None:
        raise Http404
    seen, _ = conversation_for_staff(user, conversation.client.uuid, conversation.kind)
    if seen.pk != conversation.pk or not visible_to_staff(seen, message):
        raise Http404
    return attachment


def nothing_new_for_client(client, kind: str, after_id: int) -> bool:
    """Whether the client's own conversation of ``kind`` has no message after ``after_id``: one indexed query
    (the one conversation per client and kind), so an open page's poll costs almost nothing.

    False also when the full answer is needed (no conversation yet, an erased client): the caller then goes
    through ``conversation_of_client`` and its 404s as before.
    """
    kind = _kind(kind)
    row = (
        Conversation.objects.filter(client=client, kind=kind)
        .values_list("last_message_id", "client__erasure__completed_at")
        .first()
    )
    if row is None or row[1] is not None or row[0] > after_id:
        return False
    return kind == Conversation.Kind.CARE or office_open(client.practice)


def nothing_new_for_staff(staff, client_uuid, kind: str, after_id: int) -> bool:
    """Whether a conversation that ``staff`` plainly may read has no message after ``after_id``: one indexed
    query for the open page's poll.

    Only the plain cases answer here (the client's own therapist for ``care``; an owner or the administrator
    for ``office``; never an erased client); anything else is False and goes through
    ``conversation_for_staff``, whose rules and 404s stay the only word on who may read. Nothing is read, so
    nothing is audited and no read mark moves.
    """
    kind = _kind(kind)
    if staff is None:
        return False
    row = (
        Conversation.objects.filter(kind=kind, client__uuid=client_uuid, client__practice_id=staff.practice_id)
        .values_list("last_message_id", "client__therapist_id", "client__erasure__completed_at")
        .first()
    )
    if row is None or row[2] is not None or row[0] > after_id:
        return False
    if kind == Conversation.Kind.CARE:
        return staff.is_active and staff.is_therapist and row[1] == staff.pk
    return staff.is_active and staff.runs_office


def visible_to_staff(conversation: Conversation, message) -> bool:
    return conversation.staff_sees_from is None or message.sent_at >= conversation.staff_sees_from
