"""What the journal tells a therapist: the entries a client shared, and which of them wait to be read."""

from collections import defaultdict
from datetime import datetime, timedelta

from audit.models import AuditEvent
from core.compiled import EVER, CompiledRead
from journal.models import Entry
from journal.services import READ_OBJECT_TYPE, entries_read_in

# A shared entry counts as "waiting to be read" for this long after it was shared.
UNREAD_LOOKBACK = timedelta(days=90)


# Read before every session ("since we last met"): built by the ORM once (core/compiled.py). Planned afresh on every
# run (its moment changes its plan), so read alone, not with the page's others.
_SHARED_SINCE = CompiledRead(
    Entry,
    lambda shape, *, client, since: Entry.objects.for_client(client)
    .shared()
    .filter(shared_at__gt=since)
    .defer("body")
    .order_by("-shared_at")[: shape[0]],
    {"client": int, "since": datetime},
    alone=True,
)


def shared_since(client, since: datetime | None, *, limit: int = 20) -> list[Entry]:
    """The client's shared entries, newest first: those shared after ``since``, or all. One query."""
    return shared_since_asked(client, since, limit=limit).objects()


def shared_since_asked(client, since: datetime | None, *, limit: int = 20):
    """The read of ``shared_since``, to read ahead with a page's others (``core.compiled.reads_ahead``)."""
    return _SHARED_SINCE.asked((limit,), client=client.pk, since=since or EVER)


def unread_shared_counts(staff, client_ids, *, now: datetime) -> dict:
    """{client_id: count} of entries shared recently that this therapist has not opened. Two queries.

    "Opened" is read from the audit log: every read of a shared entry is recorded there
    (``journal.services.shared_entries_read``).
    """
    if not client_ids:
        return {}
    shared = list(
        Entry.objects.shared()
        .filter(client_id__in=list(client_ids), shared_at__gt=now - UNREAD_LOOKBACK)
        .values_list("client_id", "uuid")
        .order_by()
    )
    if not shared:
        return {}
    opened: set[str] = set()
    reads = AuditEvent.objects.filter(
        action=AuditEvent.Action.READ,
        actor_id=staff.user.uuid,
        object_type=READ_OBJECT_TYPE,
        at__gt=now - UNREAD_LOOKBACK,
    ).values_list("object_id", "detail")
    for object_id, detail in reads:
        opened |= entries_read_in(object_id, detail)
    found: dict = defaultdict(int)
    for client_id, entry_uuid in shared:
        if str(entry_uuid) not in opened:
            found[client_id] += 1
    return dict(found)
