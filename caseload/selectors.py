"""The therapist's caseload, gathered with a fixed number of queries however many clients or years."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count
from django.utils import timezone

from caseload import sources
from core.links import url_maker
from formulation.models import Insight
from practice.models import Client

# Clients with no session booked and none for this long are shown as resting.
RESTING_AFTER = timedelta(weeks=6)

# Lower comes first: nothing matters more than an open risk alert.
PRIORITY = {"alert": 0, "deterioration": 1, "insight": 2, "journal": 3, "measures": 4}


@dataclass
class Reason:
    kind: str
    text: str


@dataclass
class Attention:
    client: Client
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
    resting: list[tuple[Client, datetime | None, str]]
    counts: dict


def _link_appointments(appointments) -> None:
    """Give each appointment its links, reversing each URL pattern once (as for the attention rows)."""
    detail = url_maker("bookings:appointment", "appointment_uuid")
    since = url_maker("caseload:since", "client_uuid")
    note_start = url_maker("notes:start", "appointment_uuid")
    note_read, note_edit = url_maker("notes:detail", "note_uuid"), url_maker("notes:edit", "note_uuid")
    for a in appointments:
        a.detail_url = detail(a.uuid)
        a.since_url = f"{since(a.client.uuid)}?before={a.uuid}" if a.client_id else ""
        if a.note_signed_at:
            a.note_url = note_read(a.note_uuid)
        elif a.note_uuid:
            a.note_url = note_edit(a.note_uuid)
        else:
            a.note_url = note_start(a.uuid)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def caseload_for(staff, *, now: datetime | None = None) -> Caseload:
    now = now or timezone.now()
    zone = staff.practice.zone
    clients = list(
        Client.objects.for_therapist(staff)
        .exclude(care_status=Client.CareStatus.ENDED)
        .select_related("user")
        .order_by("preferred_name", "user__name", "id")
    )
    ids = [c.pk for c in clients]
    last_session, next_session, _contact = sources.session_bounds(ids, now=now)
    alerts = sources.open_alert_counts(staff)
    worse = sources.deteriorated(clients)
    returned = sources.returned_since(ids, last_session, now=now)
    unread = sources.unread_shared(staff, ids, now=now)
    insight_counts = dict(
        Insight.objects.waiting()
        .for_therapist(staff)
        .values("client_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("client_id", "n")
    )

    attention = []
    resting = []
    for client in clients:
        item = Attention(client)
        if alerts.get(client.pk):
            item.reasons.append(
                Reason("alert", _plural(alerts[client.pk], "risk alert", "risk alerts") + " to acknowledge")
            )
        if client.pk in worse:
            item.reasons.append(Reason("deterioration", "Questionnaires show reliable deterioration"))
        if insight_counts.get(client.pk):
            item.reasons.append(
                Reason(
                    "insight", _plural(insight_counts[client.pk], "suggestion", "suggestions") + " in the formulation"
                )
            )
        if unread.get(client.pk):
            item.reasons.append(
                Reason(
                    "journal",
                    _plural(unread[client.pk], "shared journal entry", "shared journal entries") + " not yet read",
                )
            )
        if returned.get(client.pk):
            item.reasons.append(
                Reason(
                    "measures",
                    _plural(returned[client.pk], "questionnaire", "questionnaires")
                    + " returned since your last session",
                )
            )
        if item.reasons:
            attention.append(item)
        last = last_session.get(client.pk)
        if (
            client.care_status == Client.CareStatus.ACTIVE
            and next_session.get(client.pk) is None
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

    insights = list(Insight.objects.waiting().for_therapist(staff).with_parts()[:10])

    local_now = timezone.localtime(now, zone)
    day_start = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
    day_end = day_start + timedelta(days=1)
    week_end = day_start + timedelta(days=7)
    upcoming = sources.appointments_between(staff, day_start, week_end)
    today = [a for a in upcoming if a.start < day_end]
    this_week = [a for a in upcoming if a.start >= day_end]
    requested_later = sources.requested_after(staff, week_end)
    _link_appointments([*upcoming, *requested_later])
    return Caseload(
        attention=attention,
        insights=insights,
        today=today,
        this_week=this_week,
        requested_later=requested_later,
        resting=resting,
        counts={"clients": len(clients)},
    )
