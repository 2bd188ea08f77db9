from django.template.loader import render_to_string

from core.compiled import CompiledRead, counted
from core.panels import reading
from journal.models import Entry

ORDER = 50


def client_home(request, client) -> str:
    return render_to_string("journal/panel_client.html", {}, request=request)


# How many entries the client shares, built once (core/compiled.py).
_SHARED = CompiledRead(
    Entry, lambda shape, *, client: counted(Entry.objects.for_client(client).shared(), "client"), {"client": int}
)


@reading(lambda request, client: [_SHARED.asked(client=client.pk)])
def client_record(request, client) -> str:
    """How many entries the client shares, never their words (those are one click away, audited)."""
    (count,) = _SHARED.row(client=client.pk, default=(0,))
    return render_to_string("journal/panel_record.html", {"client": client, "count": count}, request=request)


CLIENT_HOME = [client_home]
CLIENT_RECORD = [client_record]
