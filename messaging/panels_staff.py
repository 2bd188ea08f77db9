"""Messages on the practice's pages: counts and dates only, never a message's words. Each a fixed number of
queries however many clients or messages."""

from django.db.models import Count, F, Min, Q
from django.template.loader import render_to_string
from django.utils import timezone

from core.compiled import CompiledRead
from core.panels import reading
from messaging.models import Conversation, Message
from practice.access import may_write_record, staff_for
from practice.models import Client

# Read on every view of the client record: built by the ORM once (core/compiled.py). The client's sealed draft is
# never shown to staff: not read.
_CARE = CompiledRead(
    Conversation,
    lambda shape, *, client: Conversation.objects.care().filter(client=client).defer("client_draft").order_by("pk")[:1],
    {"client": int},
)


@reading(
    lambda request, client: [_CARE.asked(client=client.pk)] if may_write_record(staff_for(request.user), client) else []
)
def client_record(request, client) -> str:
    """On the client's record, for their own therapist: how many of the client's messages are unread and
    the soonest reply-by date. Two queries."""
    if not may_write_record(staff_for(request.user), client):
        return ""
    conversation = _CARE.first(client=client.pk)
    unread = 0
    if conversation is not None and conversation.last_message_id > conversation.staff_read_up_to:
        found = Message.objects.from_client().filter(conversation=conversation, pk__gt=conversation.staff_read_up_to)
        if conversation.staff_sees_from is not None:
            found = found.filter(sent_at__gte=conversation.staff_sees_from)
        unread = found.count()
    zone = client.practice.zone
    return render_to_string(
        "messaging/staff/panel_record.html",
        {
            "client": client,
            "unread": unread,
            "reply_by": timezone.localtime(conversation.reply_by, zone)
            if conversation and conversation.reply_by
            else None,
            "risk_waiting": bool(conversation and conversation.risk_waiting),
        },
        request=request,
    )


_TOTALS = {
    "unread": Count("pk", filter=Q(last_message_id__gt=F("staff_read_up_to"))),
    "waiting": Count("pk", filter=Q(reply_by__isnull=False)),
    "risky": Count("pk", filter=Q(risk_waiting=True)),
    "soonest": Min("reply_by"),
}


# On every therapist's home: built by the ORM once (core/compiled.py), grouped by the one therapist so that it is a
# queryset (no row when they have no conversation).
_THERAPIST_TOTALS = CompiledRead(
    Conversation,
    lambda shape, *, therapist: Conversation.objects.care()
    .filter(client__in=Client.objects.for_therapist(therapist), last_message_id__gt=0)
    .values("client__therapist")
    .annotate(**_TOTALS)
    .values_list(*_TOTALS),
    {"therapist": int},
)


@reading(lambda request, staff: [_THERAPIST_TOTALS.asked(therapist=staff.pk)] if staff.is_therapist else [])
def therapist_home(request, staff) -> str:
    """Conversations with unread messages and waiting for an answer among the therapist's clients. One query."""
    if not staff.is_therapist:
        return ""
    unread, waiting, risky, soonest = _THERAPIST_TOTALS.row(therapist=staff.pk, default=(0, 0, 0, None))
    totals = {"unread": unread, "waiting": waiting, "risky": risky, "soonest": soonest}
    if not totals["unread"] and not totals["waiting"]:
        return ""
    return render_to_string(
        "messaging/staff/panel_home.html",
        {
            **totals,
            "heading_id": "messages-therapist-heading",
            "url_name": "messaging:inbox",
            "zone": staff.practice.zone,
            "title": "Messages",
        },
        request=request,
    )


# On every view of the practice's calendar: built by the ORM once, grouped by the practice. Erased clients are left
# out with a small subquery of the erased (``Client.objects.erased``): excluding them through the relation made
# PostgreSQL visit every client of the practice (7.1 → 1.3 ms with 2,000 clients).
_OFFICE_TOTALS = CompiledRead(
    Conversation,
    lambda shape, *, practice: Conversation.objects.office()
    .filter(client__practice=practice, last_message_id__gt=0)
    .exclude(client__in=Client.objects.erased())
    .values("client__practice")
    .annotate(**_TOTALS)
    .values_list(*_TOTALS),
    {"practice": int},
)


def office_home(request, staff) -> str:
    """The practice's conversations (bookings and money) waiting for an answer. One query."""
    if not staff.runs_office:
        return ""
    unread, waiting, _risky, soonest = _OFFICE_TOTALS.row(practice=staff.practice_id, default=(0, 0, 0, None))
    if not unread and not waiting:
        return ""
    # The office's conversations are not clinical: no risk marks there.
    totals = {"unread": unread, "waiting": waiting, "risky": 0, "soonest": soonest}
    return render_to_string(
        "messaging/staff/panel_home.html",
        {
            **totals,
            "heading_id": "messages-office-heading",
            "url_name": "messaging:office_inbox",
            "zone": staff.practice.zone,
            "title": "Messages to the practice",
        },
        request=request,
    )
