from django.db.models import Count
from django.template.loader import render_to_string

from core.compiled import CompiledRead
from journal.models import Entry

ORDER = 50


def client_home(request, client) -> str:
    return render_to_string("journal/panel_client.html", {}, request=request)


# Counted (grouped by the client so that the count is a queryset: one row, or none), built once (core/compiled.py).
_SHARED = CompiledRead(
    Entry,
    lambda shape, *, client: Entry.objects.for_client(client)
    .shared()
    .order_by()
    .values("client")
    .annotate(n=Count("pk"))
    .values_list("n"),
    {"client": int},
)


def client_record(request, client) -> str:
    """How many entries the client shares, never their words (those are one click away, audited)."""
    (count,) = _SHARED.row(client=client.pk, default=(0,))
    return render_to_string("journal/panel_record.html", {"client": client, "count": count}, request=request)


CLIENT_HOME = [client_home]
CLIENT_RECORD = [client_record]
