"""'Who has opened my record': the client's own list, in plain words, read from the audit log.

What is listed (rows with this client's ``client_id`` and a person other than the client as actor):
- reads, one line per person per day in the practice's time zone ("Ana, your therapist, read your
  record — 3 times on Tuesday 1 December"), unless the practice turned these everyday lines off
  (``Practice.record_openings_show_therapist``);
- exports of their data by someone else;
- an owner's emergency access, with the owner's reads while it lasted, once it has ended: while it is
  open nothing about it shows, so the list never tells a client in crisis that someone is looking now.

A page's reads are one audit row (audit/reads.py), so "3 times" counts pages opened, not the panels on them;
a row naming several things was a read of the record and counts once.

Never listed: rows of messages (``object_type`` "messages.*", and never a row whose list of things read
names one: the audit log keeps message reads apart, this is the second lock), so a read can never act as
a "seen" mark;
rows of money ("money.*": invoices and payments are not the clinical record, and "the owner read your
record" would be untrue of an owner checking what is waiting to be paid);
rows without a person (the system's own jobs); anything an owner held back (``HeldBackOpening``).
A fixed number of queries whatever the history (grouping happens in the database).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache, cached_property, partial
from typing import NamedTuple
from uuid import UUID

from django.contrib.auth import get_user_model
from django.db.models import Case, CharField, Count, IntegerField, Max, Q, Value, When
from django.db.models.functions import Cast, Substr
from django.utils import timezone

from audit.models import AuditEvent
from core.compiled import CompiledRead
from dataprivacy.models import HeldBackOpening
from practice.models import EmergencyAccess, StaffMember
from practice.staff import staff_rows

PAGE_SIZE = 50
Kind = HeldBackOpening.Kind


@dataclass
class Opening:
    key: str  # names the line for holding it back: "emergency:<grant>", "reads:<person>:<day>", "export:<id>"
    kind: str
    at: datetime  # for ordering, newest first
    words: Callable[[], str] = field(repr=False)  # writes ``text``; a line written already is partial(str, line)
    reason: str = ""  # the practice's reason, for an emergency access
    open_until: datetime | None = None  # an emergency access still open: owners see it, the client not yet
    held_back: HeldBackOpening | None = field(default=None)

    @cached_property
    def text(self) -> str:
        """The line as the client reads it, written only when shown: a page shows fifty of years of lines."""
        return self.words()


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def _day(value: date, today: date) -> str:
    """ "Monday 7 December" (and the year when it is not this one), as the date filter's "l j F" writes it: a list
    of years of reads names a day for each line, and the filter was a quarter of the page's time."""
    day = f"{value:%A} {value.day} {value:%B}"
    return day if value.year == today.year else f"{day} {value.year}"


@cache
def _bucket_length(zone) -> int:
    """How much of a UTC time written as text ("2026-12-06 07:45:14...") names a span that lies within one local day:
    the hour (13 characters) where the zone's offsets are whole hours, else the minute (16)."""
    year = timezone.now().year
    offsets = {zone.utcoffset(datetime(y, m, 1)) for y in range(year - 12, year + 2) for m in (1, 7)}
    return 13 if all(offset % timedelta(hours=1) == timedelta(0) for offset in offsets) else 16


def _reads_a_day(reads, zone) -> list[dict]:
    """One row per person, local day and grant from rows per person, UTC hour (or minute) and grant.

    The database groups by the hour as text, which costs nothing per row on either database; the local day of each
    hour is worked out here, once per hour. Grouping by the local day in SQL (``TruncDate`` with a zone) was a Python
    call for every read on SQLite: 8.9 ms for one client's 402 reads, against 3.1 (docs/benchmarks.md).
    """
    days: dict[tuple, dict] = {}
    for actor_id, bucket, grant, n, last in reads:
        start = datetime.fromisoformat(bucket).replace(tzinfo=UTC)
        key = (actor_id, start.astimezone(zone).date(), grant)
        day = days.get(key)
        if day is None:
            days[key] = {"actor_id": actor_id, "day": key[1], "grant": grant, "n": n, "last": last}
        else:
            day["n"] += n
            day["last"] = max(day["last"], last)
    return list(days.values())


def _reads_line(person, client, n: int, day: date, today: date) -> str:
    return f"{_who(person, client)} read your record — {_times(n)} on {_day(day, today)}"


class _Person(NamedTuple):
    """Someone who opened the record, as the list names them: their name, and their place at the practice (none for
    an account that is not a member of staff)."""

    name: str
    staff_id: int | None = None
    is_therapist: bool = False
    is_owner: bool = False


def _staff_person(staff: StaffMember) -> _Person:
    return _Person(staff.display_name, staff.id, staff.is_therapist, staff.is_owner)


def _people(actor_ids, practice_id: int) -> dict[UUID, _Person]:
    """The people named by ``actor_ids`` (account UUIDs), by UUID: the practice's staff, past and present, from their
    kept read (nearly everyone a client's list names is one of them), anyone else (an account that is not, or no
    longer, the practice's) by one more query."""
    wanted = set(actor_ids)
    if not wanted:
        return {}
    people = {
        staff.user_uuid: _Person(staff.name, staff.pk, staff.is_therapist, staff.is_owner)
        for staff in staff_rows(practice_id)
        if staff.user_uuid in wanted
    }
    if missing := wanted - people.keys():
        for user in get_user_model().objects.filter(uuid__in=missing).select_related("staff_member"):
            staff = getattr(user, "staff_member", None) if hasattr(user, "staff_member") else None
            people[user.uuid] = _staff_person(staff) if staff is not None else _Person(user.name)
    return people


def _who(person: _Person | None, client, *, therapist_commas: bool = True) -> str:
    """A person as the client knows them: "Ana, your therapist," / "Olive (practice owner)"."""
    if person is None:
        return "Someone who has since left the practice"
    name = person.name or "Someone at the practice"
    if person.staff_id is None:
        return name
    first = name.split()[0] if name.strip() else name
    if person.is_therapist and person.staff_id == client.therapist_id:
        return f"{first}, your therapist," if therapist_commas else f"{first}, your therapist"
    if person.is_owner:
        return f"{first} (practice owner)"
    return f"{first} (a therapist at {client.practice.name})"


def _listed(client, own):
    """What the list is read from: the audit rows of the client (by UUID) whose person is someone other than the
    client (``own``, their account's UUID), leaving out messages and money."""
    return (
        AuditEvent.objects.filter(client_id=client, actor_id__isnull=False)
        .exclude(actor_id=own)
        .exclude(object_type__startswith="messages.")
        .exclude(Q(detail__has_key="read") & Q(detail__read__icontains='"messages.'))
        .exclude(object_type__startswith="money.")
    )


def _reads_by_hour(rows, bucket_length: int, in_grant):
    """``rows``' reads grouped by person, UTC hour (or minute) and grant: (person, hour as text, grant, count, last)."""
    return (
        rows.filter(action=AuditEvent.Action.READ)
        # Both databases write a time as text in UTC, the connection's zone: "2026-12-06 07:45:14.141772".
        .annotate(bucket=Substr(Cast("at", CharField()), 1, bucket_length), grant=in_grant)
        .values("actor_id", "bucket", "grant")
        .annotate(n=Count("id"), last=Max("at"))
        .values_list("actor_id", "bucket", "grant", "n", "last")
        .order_by()
    )


# Read on each view of the list, built by the ORM once (core/compiled.py): building these queries cost more than
# running them (1 ms each of a 6 ms list on SQLite, docs/benchmarks.md). The reads are kept for a client with no
# emergency access, nearly every client: a grant's window is part of the query (record_openings).
_LISTED = {"client": UUID, "own": UUID}
_READS = CompiledRead(
    AuditEvent,
    lambda shape, *, client, own: _reads_by_hour(_listed(client, own), shape[0], Value(-1)),
    _LISTED,
)
_EXPORTS = CompiledRead(
    AuditEvent,
    lambda shape, *, client, own: _listed(client, own)
    .filter(action=AuditEvent.Action.EXPORT)
    .values_list("id", "actor_id", "at")
    .order_by("-at"),
    _LISTED,
)
_GRANTS = CompiledRead(
    EmergencyAccess,
    lambda shape, *, client: EmergencyAccess.objects.filter(client=client)
    .select_related("owner__user")
    .order_by("-granted_at"),
    {"client": int},
)


def _held(shape, *, client):
    (for_owner,) = shape
    held = HeldBackOpening.objects.in_force().filter(client=client)
    return held.select_related("held_by__user") if for_owner else held


_HELD = CompiledRead(HeldBackOpening, _held, {"client": int})


def record_openings(client, *, for_owner: bool = False) -> list[Opening]:
    """The client's list, newest first. ``for_owner`` adds held-back lines (marked) and open grants."""
    practice = client.practice
    zone = practice.zone
    now = timezone.now()
    today = timezone.localdate(now, timezone=zone)
    listed = {"client": client.uuid, "own": client.user.uuid}

    grants = _GRANTS.objects(client=client.pk)
    if grants:
        # Reads by a grant's owner while it lasted belong to that grant's line, not to the everyday ones.
        windows = [
            When(Q(actor_id=grant.owner.user.uuid, at__gte=grant.granted_at, at__lte=grant.expires_at), then=Value(i))
            for i, grant in enumerate(grants)
        ]
        in_grant = Case(*windows, default=Value(-1), output_field=IntegerField())
        by_hour = _reads_by_hour(_listed(**listed), _bucket_length(zone), in_grant)
    else:
        by_hour = _READS.rows((_bucket_length(zone),), **listed)
    reads = _reads_a_day(by_hour, zone)
    exports = [dict(zip(("id", "actor_id", "at"), row, strict=True)) for row in _EXPORTS.rows(**listed)]
    people = _people([r["actor_id"] for r in reads] + [e["actor_id"] for e in exports], practice.pk)

    openings: list[Opening] = []
    grant_reads = [0] * len(grants)
    for row in reads:
        if row["grant"] is not None and row["grant"] >= 0:
            grant_reads[row["grant"]] += row["n"]
            continue
        if not practice.record_openings_show_therapist:
            continue
        openings.append(
            Opening(
                key=f"reads:{row['actor_id']}:{row['day'].isoformat()}",
                kind=Kind.READS,
                at=row["last"],
                words=partial(_reads_line, people.get(row["actor_id"]), client, row["n"], row["day"], today),
            )
        )
    for row in exports:
        who = _who(people.get(row["actor_id"]), client, therapist_commas=False)
        at = timezone.localtime(row["at"], zone)
        openings.append(
            Opening(
                key=f"export:{row['id']}",
                kind=Kind.EXPORT,
                at=row["at"],
                words=partial(str, f"Your data was exported by {who} on {_day(at.date(), today)} at {at:%H:%M}"),
            )
        )
    for i, grant in enumerate(grants):
        still_open = grant.expires_at > now
        if still_open and not for_owner:
            continue
        start, end = timezone.localtime(grant.granted_at, zone), timezone.localtime(grant.expires_at, zone)
        who = _who(_staff_person(grant.owner), client)
        looked = f", and looked at it {_times(grant_reads[i])}" if grant_reads[i] else ""
        openings.append(
            Opening(
                key=f"emergency:{grant.uuid}",
                kind=Kind.EMERGENCY,
                at=grant.granted_at,
                words=partial(
                    str,
                    f"{who} opened your record in an emergency on {_day(start.date(), today)} "
                    f"from {start:%H:%M} until {end:%H:%M}{looked}",
                ),
                reason=grant.reason,
                open_until=grant.expires_at if still_open else None,
            )
        )

    held_by_key = {h.key: h for h in _HELD.objects((for_owner,), client=client.pk)}
    shown = []
    for opening in openings:
        opening.held_back = held_by_key.get(opening.key)
        if opening.held_back is None or for_owner:
            shown.append(opening)
    shown.sort(key=lambda o: o.at, reverse=True)
    return shown
