"""The client's home: how many messages from their therapist (and the practice) wait unread, never their words."""

from django.db.models import F
from django.template.loader import render_to_string

from core.compiled import CompiledRead, counted
from core.panels import reading
from messaging.models import Message

# One query, built by the ORM once (core/compiled.py): messages from the practice's side newer than the client's
# read mark of their conversation.
_UNREAD = CompiledRead(
    Message,
    lambda shape, *, client: counted(
        Message.objects.filter(conversation__client=client, sender_staff__isnull=False).filter(
            pk__gt=F("conversation__client_read_up_to")
        ),
        "conversation__client",
    ),
    {"client": int},
)


@reading(lambda request, client: [_UNREAD.asked(client=client.pk)])
def client_home(request, client) -> str:
    (unread,) = _UNREAD.row(client=client.pk, default=(0,))
    return render_to_string(
        "messaging/client/panel_client.html",
        {"unread": unread, "therapist": client.therapist.display_name},
        request=request,
    )
