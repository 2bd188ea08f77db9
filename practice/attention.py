"""Per-client change marks: how a domain tells the caseload "what you show about this client may have changed".

The caseload (a reader) keeps stored "needs attention" facts per client and refreshes only the clients
marked here, instead of rebuilding every client from seven sources on every view. Domains may not import
the caseload, so the mark lives in this foundation app. The caseload marks most changes itself from
``post_save``/``post_delete`` of the models it reads (``caseload.apps``); a service that changes one of
those rows with ``QuerySet.update()``, ``bulk_create`` or SQL (no signal) calls ``client_changed`` in the
same transaction. A mark written in the writer's transaction commits with the change or not at all.

Those explicit calls: ``messaging.services.read_by_staff`` (the practice's read mark, an ``update()``),
``journal.services.shared_entries_read`` (a read is an audit row), ``bookings.services_sessions.
sessions_cancel_from`` (an ``update()`` at the ending). Open risk alerts need none: the caseload reads
them live.
"""

from collections.abc import Iterable

from django.utils import timezone

from practice.models import ClientChange


def client_changed(client_ids: int | Iterable[int] | None, *, reason: str) -> None:
    """Mark these clients (ids; None entries ignored) as changed for the caseload. One query, none for no clients."""
    if client_ids is None:
        return
    ids = {client_ids} if isinstance(client_ids, int) else {pk for pk in client_ids if pk is not None}
    if not ids:
        return
    now = timezone.now()
    ClientChange.objects.bulk_create(ClientChange(client_id=pk, reason=reason[:40], at=now) for pk in sorted(ids))


def marks_of(client_ids: Iterable[int]) -> list[tuple[int, int]]:
    """(mark id, client id) of every mark on these clients. One query."""
    return list(ClientChange.objects.filter(client_id__in=list(client_ids)).values_list("pk", "client_id"))


def marks_clear(mark_ids: Iterable[int]) -> None:
    """Delete exactly these marks (those a refresh read); marks written since stay for the next refresh."""
    mark_ids = list(mark_ids)
    if mark_ids:
        ClientChange.objects.filter(pk__in=mark_ids).delete()
