from django.template.loader import render_to_string

from journal.models import Entry

ORDER = 50


def client_home(request, client) -> str:
    return render_to_string("journal/panel_client.html", {}, request=request)


def client_record(request, client) -> str:
    """How many entries the client shares, never their words (those are one click away, audited)."""
    count = Entry.objects.for_client(client).shared().count()
    return render_to_string("journal/panel_record.html", {"client": client, "count": count}, request=request)


CLIENT_HOME = [client_home]
CLIENT_RECORD = [client_record]
