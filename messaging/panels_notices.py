"""Practice notices on the client's home: the current ones they have not read, each with a way to say so.
One query."""

from django.template.loader import render_to_string
from django.utils import timezone

from core.panels import reading
from messaging.notices import unread_asked


@reading(lambda request, client: [unread_asked(client, today=timezone.localdate(timezone=client.practice.zone))])
def client_home(request, client) -> str:
    today = timezone.localdate(timezone=client.practice.zone)
    found = unread_asked(client, today=today).objects()
    if not found:
        return ""
    return render_to_string("messaging/notices/panel_client.html", {"notices": found}, request=request)
