"""Stored "needs attention" facts per client: computed from the domains, refreshed only when they may be wrong.

A client's facts (``caseload.models.ClientFacts``) are recomputed when:

- a domain marked the client changed (``practice.attention.client_changed``, or this app's receivers in
  ``caseload.apps`` for the rows it reads), in the same transaction as the change;
- they were computed for another therapist (the journal's "not yet read" is the therapist's own reading);
- their ``valid_until`` has passed: the next appointment has begun (the last session, and so the
  questionnaires "returned since your last session", move on) or an unread shared entry leaves the
  journal's lookback. The clock's ``caseload_refresh`` does this ahead of the views;
- there are none yet (a new client, or data loaded without signals).

``compute`` is the one place the facts are derived; a rebuild (``caseload_rebuild``) and the tests compare
against it. Open risk alerts are not facts: the caseload reads them live (one indexed query).
"""

from collections import defaultdict, namedtuple
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Min, OuterRef, Subquery
from django.utils import timezone

from bookings.models import Appointment
from caseload.models import ClientFacts
from core.compiled import CompiledRead
from formulation.models import Insight
from journal.models import Entry
from journal.selectors import UNREAD_LOOKBACK, unread_shared_counts
from measures.selectors import clients_with_reliable_deterioration, returned_counts
from messaging.selectors import waiting_by_client
from practice.attention import marks_clear, marks_of
from practice.models import Client, StaffMember

FIELDS = [
    "therapist",
    "message_waiting",
    "message_risk",
    "message_reply_by",
    "message_unread",
    "deterioration",
    "insights_waiting",
    "journal_unread",
    "measures_returned",
    "last_session",
    "next_session",
    "last_contact",
    "next_contact",
    "valid_until",
    "refreshed_at",
]

# The stored facts the caseload's home loads with its clients: all but the last contact, the next contact and when
# they were worked out, which it never shows (the client list reads those from ``ClientFacts``). On SQLite each moment
# read is a conversion from text: 300 fewer a view for a hundred clients (docs/benchmarks.md).
HOME_FIELDS = [name for name in FIELDS if name not in {"last_contact", "next_contact", "refreshed_at"}]
FACT_FIELDS = ["client", *HOME_FIELDS]

# A client's stored facts read as a row (the caseload's home): what ``ClientFacts`` holds of ``HOME_FIELDS``, by the
# same names.
StoredFacts = namedtuple("StoredFacts", ["client_id", "therapist_id", *HOME_FIELDS[1:]])

# Larger refreshes (the clock, the rebuild) go in batches of this many clients, within any database's
# limit on parameters.
BATCH = 400


def appointment_bounds(client_ids, *, now: datetime) -> dict:
    """Per client: (last session, next session, last contact, next contact) starts. One query (a kept read for one
    client: "since we last met" asks on every view)."""
    ids = list(client_ids)
    if len(ids) == 1:
        rows = _BOUNDS_OF_ONE.rows(client=ids[0], now=now)
    else:
        rows = _bounds(Client.objects.filter(pk__in=ids), now)
    return {pk: rest for pk, *rest in rows}


def _bounds(clients, now: datetime):
    mine = Appointment.objects.active().filter(client_id=OuterRef("pk"))
    sessions = mine.sessions()
    return clients.annotate(
        last_session=Subquery(sessions.filter(start__lte=now).order_by("-start").values("start")[:1]),
        next_session=Subquery(sessions.filter(start__gt=now).order_by("start").values("start")[:1]),
        last_contact=Subquery(mine.filter(start__lte=now).order_by("-start").values("start")[:1]),
        next_contact=Subquery(mine.filter(start__gt=now).order_by("start").values("start")[:1]),
    ).values_list("pk", "last_session", "next_session", "last_contact", "next_contact")


_BOUNDS_OF_ONE = CompiledRead(
    Client,
    lambda shape, *, client, now: _bounds(Client.objects.filter(pk=client), now),
    {"client": int, "now": datetime},
)


def _journal_expiry(client_ids, *, now: datetime) -> dict:
    """{client_id: when the oldest entry shared within the lookback leaves it}. One query.

    Read or not: an earlier refresh than needed is harmless, a later one would leave a count too high.
    """
    rows = (
        Entry.objects.shared()
        .filter(client_id__in=list(client_ids), shared_at__gt=now - UNREAD_LOOKBACK)
        .values("client_id")
        .annotate(oldest=Min("shared_at"))
        .order_by()
        .values_list("client_id", "oldest")
    )
    return {client_id: oldest + UNREAD_LOOKBACK for client_id, oldest in rows}


def compute(clients: list[tuple[int, int | None]], *, now: datetime) -> list[ClientFacts]:
    """Fresh facts for ``clients`` ((client id, therapist id) pairs), unsaved.

    Eight queries for the first therapist and two for each other one (the journal's reads are each
    therapist's own), whatever the number of clients or years.
    """
    ids = [pk for pk, _therapist in clients]
    if not ids:
        return []
    bounds = appointment_bounds(ids, now=now)
    last_sessions = {pk: b[0] for pk, b in bounds.items() if b[0] is not None}
    waiting = waiting_by_client(ids)
    worse = {c.pk for c in clients_with_reliable_deterioration(Client(pk=pk) for pk in ids)}
    returned = returned_counts(ids, last_sessions, now=now)
    insights = dict(
        Insight.objects.waiting()
        .filter(client_id__in=ids)
        .values("client_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("client_id", "n")
    )
    expiry = _journal_expiry(ids, now=now)
    by_therapist = defaultdict(list)
    for pk, therapist_id in clients:
        if therapist_id is not None:
            by_therapist[therapist_id].append(pk)
    unread: dict = {}
    staff = StaffMember.objects.select_related("user").in_bulk(list(by_therapist)) if by_therapist else {}
    for therapist_id, theirs in by_therapist.items():
        theirs = [pk for pk in theirs if pk in expiry]  # no entry shared within the lookback: nothing unread
        if theirs and therapist_id in staff:
            unread.update(unread_shared_counts(staff[therapist_id], theirs, now=now))
    found = []
    for pk, therapist_id in clients:
        last_session, next_session, last_contact, next_contact = bounds.get(pk, (None, None, None, None))
        risky, due, is_unread = waiting.get(pk, (False, None, False))
        changes = [at for at in (next_contact, expiry.get(pk)) if at is not None]
        found.append(
            ClientFacts(
                client_id=pk,
                therapist_id=therapist_id,
                message_waiting=pk in waiting,
                message_risk=bool(risky),
                message_reply_by=due,
                message_unread=bool(is_unread),
                deterioration=pk in worse,
                insights_waiting=insights.get(pk, 0),
                journal_unread=unread.get(pk, 0),
                measures_returned=returned.get(pk, 0),
                last_session=last_session,
                next_session=next_session,
                last_contact=last_contact,
                next_contact=next_contact,
                valid_until=min(changes, default=None),
                refreshed_at=now,
            )
        )
    return found


def refresh(client_ids, *, now: datetime | None = None) -> dict[int, ClientFacts]:
    """Recompute and store the facts of these clients; returns them by client id.

    In one transaction: the clients' rows are locked first (PostgreSQL ``FOR NO KEY UPDATE``, which rows
    referring to the client can still be inserted under), so two refreshes of one client queue rather than
    an older computation overwriting a newer one; then the marks are read, the facts
    computed and stored, and exactly the marks read are deleted (a change committed meanwhile keeps its
    mark, so the next view refreshes again). Always on the primary: facts are never rebuilt from a replica.
    A fixed number of queries for one therapist's clients (the caseload's case).
    """
    now = now or timezone.now()
    ids = sorted(set(client_ids))
    if not ids:
        return {}
    with transaction.atomic():
        clients = list(
            Client.objects.select_for_update(no_key=True)
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", "therapist_id")
        )
        marks = marks_of(ids)
        facts = compute(clients, now=now)
        ClientFacts.objects.bulk_create(facts, update_conflicts=True, unique_fields=["client"], update_fields=FIELDS)
        marks_clear(pk for pk, _client in marks)
    return {f.client_id: f for f in facts}


def refresh_in_batches(client_ids, *, now: datetime | None = None) -> int:
    """Refresh any number of clients (the clock, the rebuild), ``BATCH`` at a time. Returns how many."""
    ids = sorted(set(client_ids))
    for start in range(0, len(ids), BATCH):
        refresh(ids[start : start + BATCH], now=now)
    return len(ids)


def is_stale(client, facts: ClientFacts | StoredFacts | None, *, changed: bool, now: datetime) -> bool:
    """Whether ``client``'s stored facts may be wrong now (see the module's docstring)."""
    return (
        facts is None
        or changed
        or facts.therapist_id != client.therapist_id
        or (facts.valid_until is not None and facts.valid_until <= now)
    )


def facts_for(clients, *, changed: set, now: datetime) -> dict:
    """{client id: facts} for ``clients`` loaded with ``select_related("attention_facts")`` (or rows with an
    ``attention_facts`` of ``StoredFacts``), refreshing the stale ones (no query when none is; a fixed number when
    some are, which come back as ``ClientFacts``)."""
    found, stale = {}, []
    for client in clients:
        facts = getattr(client, "attention_facts", None)
        if is_stale(client, facts, changed=client.pk in changed, now=now):
            stale.append(client.pk)
        else:
            found[client.pk] = facts
    if stale:
        found.update(refresh(stale, now=now))
    return found
