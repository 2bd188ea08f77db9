"""The client's home: how many messages from their therapist (and the practice) wait unread, never their words."""

from django.db.models import F
from django.template.loader import render_to_string

from messaging.models import Message


def client_home(request, client) -> str:
    # One query: messages from the practice's side newer than the client's read mark of their conversation.
    unread = (
        Message.objects.filter(conversation__client=client, sender_staff__isnull=False)
        .filter(pk__gt=F("conversation__client_read_up_to"))
        .count()
    )
    return render_to_string(
        "messaging/client/panel_client.html",
        {"unread": unread, "therapist": client.therapist.display_name},
        request=request,
    )
