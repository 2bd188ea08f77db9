"""The therapist's caseload, gathered with a fixed number of queries however many clients or years.

Each app answers for its own data (``<app>/selectors.py`` and QuerySet methods); this module asks them
about many clients at once and puts the answers together.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple
from uuid import UUID

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef
from django.utils import timezone

from bookings.models import KIND_LABELS, PERSON_SHOWN, Appointment, Kind, appointment_person
from caseload.facts import FACT_FIELDS, StoredFacts, appointment_bounds, facts_for
from core.compiled import CompiledRead, counted, kept_page
from core.html import format_many
from core.links import url_maker
from formulation.models import Insight
from notes.selectors import with_note_state
from practice.models import Client, ClientChange, display_name
from risk.selectors import open_counts_asked, open_counts_by_client

# The therapist's list of clients, a page.
PAGE_SIZE = 50

# Clients with no session booked and none for this long are shown as resting.
RESTING_AFTER = timedelta(weeks=6)

# Lower comes first: nothing matters more than an open risk alert.
# A client's message with risk words waiting for an answer comes straight after the alerts; any other
# message waiting (or unread) after the formulation's suggestions.
PRIORITY = {
    "alert": 0,
    "message_risk": 1,
    "deterioration": 2,
    "insight": 3,
    "message": 4,
    "journal": 5,
    "measures": 6,
}


@dataclass
class Reason:
    kind: str
    text: str
    url: str = ""


@dataclass
class Attention:
    client: "CaseloadClient"
    reasons: list[Reason] = field(default_factory=list)
    record_url: str = ""
    formulation_url: str = ""

    @property
    def priority(self) -> int:
        return min(PRIORITY[r.kind] for r in self.reasons)

    @property
    def top(self) -> str:
        return min(self.reasons, key=lambda r: PRIORITY[r.kind]).kind


@dataclass
class Caseload:
    attention: list[Attention]
    insights: list[Insight]
    today: list
    this_week: list
    requested_later: list
    resting: list[tuple["CaseloadClient", datetime | None, str]]
    counts: dict


def session_bounds(client_ids, *, now: datetime) -> tuple[dict, dict, dict]:
    """Per client: last session start, next session start, last contact (any kind). One query.

    Each is a correlated ``LIMIT 1`` on the (client, start) index, so the cost follows the
    number of clients, not years of appointments.
    """
    if not client_ids:
        return {}, {}, {}
    last, upcoming, contact = {}, {}, {}
    for pk, (last_session, next_session, last_contact, _next_contact) in appointment_bounds(
        client_ids, now=now
    ).items():
        last[pk], upcoming[pk], contact[pk] = last_session, next_session, last_contact
    return last, upcoming, contact


# What the caseload's appointment rows show (``_write_appointments``), read as rows: building each appointment, its
# client, the client's account and the consultation as model instances was a third of the caseload's own time
# (bench/queries.py --profile caseload). With the clients read as rows too, about 300 instances a request fewer took
# the page's median down by 17-18% (docs/benchmarks.md, "Issue 22, fifteenth pass").
APPOINTMENT_SHOWN = (
    "uuid",
    "start",
    "kind",
    "status",
    "client__uuid",
    *PERSON_SHOWN,
    "note_uuid",
    "note_signed_at",
)


class AppointmentRow(NamedTuple):
    """One appointment the caseload lists: when it starts, and its row of the page, written once."""

    start: datetime
    html: str


class CaseloadClient(NamedTuple):
    """A client in care as the caseload reads them: what it shows, the stored facts (None when there are none
    yet) and whether a domain marked the client changed since (``facts_for`` takes it as it takes a ``Client``)."""

    pk: int
    uuid: UUID
    therapist_id: int | None
    preferred_name: str
    care_status: str
    created_at: datetime
    user_name: str
    user_email: str
    changed: bool
    attention_facts: StoredFacts | None

    @property
    def display_name(self) -> str:
        return display_name(self.preferred_name, self.user_name, self.user_email)


# The therapist's appointments in [start, end), with client and note state. No appointment lasts half a day: the
# lower bound ``after`` (twelve hours before ``start``) lets the (therapist, start) index do the work.
_BETWEEN = CompiledRead(
    Appointment,
    lambda shape, *, therapist, start, end, after: with_note_state(
        Appointment.objects.active().for_therapist(therapist).between(start, end).filter(start__gte=after)
    )
    .order_by("start")
    .values_list(*APPOINTMENT_SHOWN),
    {"therapist": int, "start": datetime, "end": datetime, "after": datetime},
)
# Requests waiting for the therapist to confirm, from ``after`` on (those sooner are in the week's list).
_REQUESTED_AFTER = CompiledRead(
    Appointment,
    lambda shape, *, therapist, after: with_note_state(
        Appointment.objects.for_therapist(therapist).requested().filter(start__gte=after)
    )
    .order_by("start")
    .values_list(*APPOINTMENT_SHOWN)[:20],
    {"therapist": int, "after": datetime},
)
# The therapist's clients in care (``CaseloadClient``'s columns, then their stored facts), with whether a domain
# marked them changed since.
_CLIENTS = CompiledRead(
    Client,
    lambda shape, *, therapist: Client.objects.for_therapist(therapist)
    .exclude(care_status=Client.CareStatus.ENDED)
    .annotate(changed=Exists(ClientChange.objects.filter(client=OuterRef("pk"))))
    .order_by("preferred_name", "user__name", "id")
    .values_list(
        "pk",
        "uuid",
        "therapist_id",
        "preferred_name",
        "care_status",
        "created_at",
        "user__name",
        "user__email",
        "changed",
        *(f"attention_facts__{name}" for name in FACT_FIELDS),
    ),
    {"therapist": int},
)
# Where the stored facts start in a row of ``_CLIENTS``.
_FACTS_AT = len(CaseloadClient._fields) - 1


def _caseload_clients(rows) -> list[CaseloadClient]:
    found = []
    for row in rows:
        facts = row[_FACTS_AT:]
        # No facts row (a left join): every column None, the client's key included.
        found.append(CaseloadClient(*row[:_FACTS_AT], StoredFacts(*facts) if facts[0] is not None else None))
    return found


class ListedFacts(NamedTuple):
    """What the client list shows of a client's stored facts, and what tells whether they may be wrong."""

    client_id: int
    therapist_id: int | None
    valid_until: datetime | None
    last_contact: datetime | None
    next_session: datetime | None


class ListedClient(NamedTuple):
    """A client as the therapist's list of clients reads them (``facts_for`` takes it as it takes a ``Client``)."""

    pk: int
    uuid: UUID
    therapist_id: int | None
    display_name: str
    care_status: str
    changed: bool
    attention_facts: ListedFacts | None

    @property
    def care_status_label(self) -> str:
        return Client.CareStatus(self.care_status).label


_LISTED = ("pk", "uuid", "therapist_id", "preferred_name", "user__name", "user__email", "care_status", "changed")
_LISTED_FACTS = tuple(f"attention_facts__{name}" for name in ListedFacts._fields)


def _listed(status: str, *, therapist, query: str = ""):
    """The therapist's clients whose names hold ``query``, in care (``status`` ""), of any care ("all") or of one,
    by name, as the rows of ``ListedClient``."""
    found = Client.objects.for_therapist(therapist).matching(query)
    if status == "":
        found = found.exclude(care_status=Client.CareStatus.ENDED)
    elif status != "all":
        found = found.filter(care_status=status)
    return (
        found.annotate(changed=Exists(ClientChange.objects.filter(client=OuterRef("pk"))))
        .order_by("preferred_name", "user__name", "id")
        .values_list(*_LISTED, *_LISTED_FACTS)
    )


# The list without a search (as it opens): kept reads, shaped by the care chosen (and the page's bounds).
_LISTED_PAGE = CompiledRead(
    Client,
    lambda shape, *, therapist: _listed(shape[0], therapist=therapist)[shape[-2] : shape[-1]],
    {"therapist": int},
)
_LISTED_COUNT = CompiledRead(
    Client, lambda shape, *, therapist: counted(_listed(shape[0], therapist=therapist), "therapist"), {"therapist": int}
)


def _listed_client(row) -> ListedClient:
    pk, uuid, therapist_id, preferred, name, email, care, changed, *facts = row
    # No facts row (a left join): every column None, the client's key included.
    stored = ListedFacts(*facts) if facts[0] is not None else None
    return ListedClient(pk, uuid, therapist_id, display_name(preferred, name, email), care, changed, stored)


def page_of_clients(therapist, *, query: str, status: str, number) -> Page:
    """Page ``number`` of the therapist's clients whose names hold ``query`` (``_listed``), as ``ListedClient``s.

    Read as rows, not people: fifty clients built as instances with their accounts and facts were two fifths of the
    list's time under load (bench/spy.py; docs/benchmarks.md, twenty-fifth pass). A search's filter is the ORM's
    each time (its words are wrapped in the pattern); the list as it opens is kept.
    """
    if query:
        page = Paginator(_listed(status, therapist=therapist, query=query), PAGE_SIZE).get_page(number)
    else:
        page = kept_page(_LISTED_PAGE, _LISTED_COUNT, number, PAGE_SIZE, (status,), rows=True, therapist=therapist.pk)
    page.object_list = [_listed_client(row) for row in page.object_list]
    return page


_INSIGHTS = CompiledRead(
    Insight,
    lambda shape, *, therapist: Insight.objects.waiting().for_therapist(therapist).with_parts()[:10],
    {"therapist": int},
)


# An appointment's row (what caseload/home.html lists), written here rather than by a template included once a row:
# the included templates were over half the page's template time (bench/queries.py --profile caseload); the page's
# median fell from 22.5 to 21.5 ms in process (docs/benchmarks.md, "Issue 22, eighth pass").
_ROW = '<li>\n  <strong><a href="{}">{}</a></strong>\n  {}\n  <span class="badge">{}{}</span>\n  {}\n</li>'
_ACTIONS = (
    '<p class="actions">\n    <a href="{}">Since we last met<span class="visually-hidden">: {}, {}</span></a>\n'
    '    <a href="{}">{}<span class="visually-hidden">: {}, {}</span></a>\n  </p>'
)


def _write_appointments(rows) -> list[AppointmentRow]:
    """Each appointment (a row of ``APPOINTMENT_SHOWN``) with its row of the page, reversing each URL pattern once
    and writing its times as the template's date filter would ("Mon 7 Dec, 10:00"; "7 Dec 10:00" in the links'
    hidden words), in the zone the page is shown in."""
    detail = url_maker("bookings:appointment", "appointment_uuid")
    since = url_maker("caseload:since", "client_uuid")
    note_start = url_maker("notes:start", "appointment_uuid")
    note_read, note_edit = url_maker("notes:detail", "note_uuid"), url_maker("notes:edit", "note_uuid")
    written = []
    for (
        uuid,
        start,
        kind,
        status,
        client_uuid,
        client_id,
        preferred_name,
        user_name,
        user_email,
        consultation_name,
        note_uuid,
        note_signed_at,
    ) in rows:
        local = timezone.localtime(start)
        starts = f"{local:%a} {local.day} {local:%b}, {local:%H:%M}"
        who = appointment_person(client_id, preferred_name, user_name, user_email, consultation_name)
        actions = ""
        if client_id and kind == Kind.SESSION:
            if note_signed_at:
                note_url, note = note_read(note_uuid), "Read the note"
            elif note_uuid:
                note_url, note = note_edit(note_uuid), "Keep writing the note"
            else:
                note_url, note = note_start(uuid), "Write a note"
            when = f"{local.day} {local:%b} {local:%H:%M}"
            since_url = f"{since(client_uuid)}?before={uuid}"
            actions = format_many(_ACTIONS, since_url, who, when, note_url, note, who, when)
        waiting = ", waiting for confirmation" if status == Appointment.Status.REQUESTED else ""
        html = format_many(_ROW, detail(uuid), starts, who, KIND_LABELS.get(kind, kind), waiting, actions)
        written.append(AppointmentRow(start, html))
    return written


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _message_reason(waiting, url: str, zone) -> Reason:
    risky, due, _unread = waiting
    if risky:
        return Reason("message_risk", "A message that may need your attention soon", url)
    if due is not None:
        local = timezone.localtime(due, zone)
        return Reason("message", f"A message waiting for an answer by {local:%A} {local.day} {local:%B}", url)
    return Reason("message", "Unread messages", url)


def _today_starts(staff, now: datetime) -> datetime:
    return timezone.localtime(now, staff.practice.zone).replace(hour=0, minute=0, second=0, microsecond=0)


def caseload_asked(staff, *, now: datetime) -> list:
    """The kept reads ``caseload_for`` makes when no stored fact needs refreshing (the clients with their facts, the
    open alerts, the formulation's suggestions, this week's appointments and the requests after it), for the home to
    read ahead with its panels' (``core.compiled.reads_ahead``)."""
    day_start = _today_starts(staff, now)
    week_end = day_start + timedelta(days=7)
    return [
        _CLIENTS.asked(therapist=staff.pk),
        open_counts_asked(staff),
        _INSIGHTS.asked(therapist=staff.pk),
        _BETWEEN.asked(therapist=staff.pk, start=day_start, end=week_end, after=day_start - timedelta(hours=12)),
        _REQUESTED_AFTER.asked(therapist=staff.pk, after=week_end),
    ]


def caseload_for(staff, *, now: datetime | None = None, request=None) -> Caseload:
    """The therapist's home: who needs attention, who is resting, today's and this week's appointments.

    "Who needs attention" reads each client's stored facts (``caseload.facts``), refreshing only those that
    may be wrong; open risk alerts are read live, so a stale fact can never hide one. Five queries when no
    facts need refreshing, a fixed number more when some do.
    """
    now = now or timezone.now()
    zone = staff.practice.zone
    clients_read, _alerts_read, insights_read, between_read, later_read = caseload_asked(staff, now=now)
    clients = _caseload_clients(clients_read.rows())
    facts = facts_for(clients, changed={c.pk for c in clients if c.changed}, now=now)
    alerts = open_counts_by_client(staff, request=request)  # the navigation's count reads the same
    message_url = url_maker("messaging:conversation", "client_uuid")

    attention = []
    resting = []
    for client in clients:
        item = Attention(client)
        known = facts[client.pk]
        if alerts.get(client.pk):
            item.reasons.append(
                Reason("alert", _plural(alerts[client.pk], "risk alert", "risk alerts") + " to acknowledge")
            )
        if known.message_waiting:
            waiting = (known.message_risk, known.message_reply_by, known.message_unread)
            item.reasons.append(_message_reason(waiting, message_url(client.uuid), zone))
        if known.deterioration:
            item.reasons.append(Reason("deterioration", "Questionnaires show reliable deterioration"))
        if known.insights_waiting:
            item.reasons.append(
                Reason("insight", _plural(known.insights_waiting, "suggestion", "suggestions") + " in the formulation")
            )
        if known.journal_unread:
            item.reasons.append(
                Reason(
                    "journal",
                    _plural(known.journal_unread, "shared journal entry", "shared journal entries") + " not yet read",
                )
            )
        if known.measures_returned:
            item.reasons.append(
                Reason(
                    "measures",
                    _plural(known.measures_returned, "questionnaire", "questionnaires")
                    + " returned since your last session",
                )
            )
        if item.reasons:
            attention.append(item)
        last = known.last_session
        if (
            client.care_status == Client.CareStatus.ACTIVE
            and known.next_session is None
            and (last or client.created_at) < now - RESTING_AFTER
        ):
            resting.append((client, last))
    attention.sort(key=lambda a: a.priority)
    # One reverse() per URL pattern rather than per row: with a large caseload, reversing in the
    # template was most of the page's time (bench/caseload.py).
    record, formulation = (
        url_maker("practice:client_detail", "client_uuid"),
        url_maker("formulation:detail", "client_uuid"),
    )
    for item in attention:
        item.record_url, item.formulation_url = record(item.client.uuid), formulation(item.client.uuid)
    resting = [(client, last, record(client.uuid)) for client, last in resting]

    insights = insights_read.objects()
    day_end = _today_starts(staff, now) + timedelta(days=1)
    upcoming = _write_appointments(between_read.rows())
    today = [a for a in upcoming if a.start < day_end]
    this_week = [a for a in upcoming if a.start >= day_end]
    requested_later = _write_appointments(later_read.rows())
    return Caseload(
        attention=attention,
        insights=insights,
        today=today,
        this_week=this_week,
        requested_later=requested_later,
        resting=resting,
        counts={"clients": len(clients)},
    )
