"""The client's home: how many messages from their therapist (and the practice) wait unread, never their words."""

from django.db.models import Count, F
from django.template.loader import render_to_string

from core.compiled import CompiledRead
from messaging.models import Message

# One query, built by the ORM once (core/compiled.py): messages from the practice's side newer than the client's
# read mark of their conversation, counted (grouped by the client so that the count is a queryset: one row, or none).
_UNREAD = CompiledRead(
    Message,
    lambda shape, *, client: Message.objects.filter(conversation__client=client, sender_staff__isnull=False)
    .filter(pk__gt=F("conversation__client_read_up_to"))
    .order_by()
    .values("conversation__client")
    .annotate(n=Count("pk"))
    .values_list("n"),
    {"client": int},
)


def client_home(request, client) -> str:
    (unread,) = _UNREAD.row(client=client.pk, default=(0,))
    return render_to_string(
        "messaging/client/panel_client.html",
        {"unread": unread, "therapist": client.therapist.display_name},
        request=request,
    )
