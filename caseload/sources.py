"""Everything the caseload reads from other apps, in one place, each with a fixed number of queries.

Each function asks one app one question for many clients at once. Apps that are
not installed (or not migrated yet) answer "nothing" rather than breaking the
therapist's home: ``_model`` returns None for them. Everything else is a real
query whose shape the caseload tests pin.
"""

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from django.apps import apps
from django.db.models import Avg, Count, F, OuterRef, Q, Subquery
from django.utils import timezone

log = logging.getLogger(__name__)

# A shared journal entry counts as "waiting to be read" for this long after it was shared.
UNREAD_LOOKBACK = timedelta(days=90)


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        log.info("caseload: %s is not installed; that part of the caseload stays empty", label)
        return None


# --- Bookings --------------------------------------------------------------------------------


def session_bounds(client_ids, *, now: datetime) -> tuple[dict, dict, dict]:
    """Per client: last session start, next session start, last contact (any kind). One query.

    Each is a correlated ``LIMIT 1`` on the (client, start) index, so the cost follows the
    number of clients, not years of appointments.
    """
    Appointment = _model("bookings.Appointment")
    if Appointment is None or not client_ids:
        return {}, {}, {}
    from practice.models import Client

    mine = Appointment.objects.active().filter(client_id=OuterRef("pk"))
    rows = (
        Client.objects.filter(pk__in=list(client_ids))
        .annotate(
            last_session=Subquery(mine.filter(kind="session", start__lte=now).order_by("-start").values("start")[:1]),
            next_session=Subquery(mine.filter(kind="session", start__gt=now).order_by("start").values("start")[:1]),
            last_contact=Subquery(mine.filter(start__lte=now).order_by("-start").values("start")[:1]),
        )
        .values_list("pk", "last_session", "next_session", "last_contact")
    )
    last, upcoming, contact = {}, {}, {}
    for pk, last_session, next_session, last_contact in rows:
        last[pk], upcoming[pk], contact[pk] = last_session, next_session, last_contact
    return last, upcoming, contact


def appointments_between(staff, start: datetime, end: datetime) -> list:
    """The therapist's appointments in [start, end), with client and note state. One query."""
    Appointment = _model("bookings.Appointment")
    if Appointment is None:
        return []
    found = (
        Appointment.objects.active()
        .for_therapist(staff)
        .between(start, end)
        # No appointment lasts half a day: this lower bound lets the (therapist, start) index do the work.
        .filter(start__gte=start - timedelta(hours=12))
        .select_related("client__user", "consultation")
        .annotate(note_uuid=F("note__uuid"), note_signed_at=F("note__signed_at"))
    )
    return list(found.order_by("start"))


def requested_after(staff, after: datetime) -> list:
    """Requests waiting for the therapist to confirm, from ``after`` on (those sooner are in the week's list). One query."""
    Appointment = _model("bookings.Appointment")
    if Appointment is None:
        return []
    found = (
        Appointment.objects.for_therapist(staff)
        .filter(status=Appointment.Status.REQUESTED, start__gte=after)
        .select_related("client__user", "consultation")
        .annotate(note_uuid=F("note__uuid"), note_signed_at=F("note__signed_at"))
        .order_by("start")
    )
    return list(found[:20])


# --- Risk ------------------------------------------------------------------------------------


def open_alert_counts(staff) -> dict:
    """{client_id: open alerts} for the alerts this staff member must see. One query."""
    RiskAlert = _model("risk.RiskAlert")
    if RiskAlert is None:
        return {}
    rows = RiskAlert.objects.for_staff(staff).open().values("client_id").annotate(n=Count("id")).order_by()
    return {row["client_id"]: row["n"] for row in rows}


def alerts_for_client(client, since: datetime | None) -> list:
    RiskAlert = _model("risk.RiskAlert")
    if RiskAlert is None:
        return []
    found = RiskAlert.objects.filter(client=client)
    found = found.filter(Q(acknowledged_at__isnull=True) | Q(raised_at__gt=since)) if since else found
    return list(found.select_related("acknowledged_by").order_by("-raised_at")[:20])


# --- Measures --------------------------------------------------------------------------------


def deteriorated(clients) -> set:
    """Ids of clients whose PHQ-9/GAD-7 shows reliable deterioration (instruments.md §7). One query."""
    if _model("measures.MeasureResponse") is None:
        return set()
    from measures.selectors import clients_with_reliable_deterioration

    return {c.pk for c in clients_with_reliable_deterioration(clients)}


# Clients whose last session falls within the same tier are asked about together, from the earliest
# last session in the tier: most met within the fortnight, so that bound fetches a few rows each.
SESSION_TIERS = (timedelta(days=14), timedelta(days=120))


def returned_since(client_ids, last_sessions: dict, *, now: datetime | None = None) -> dict:
    """{client_id: count} of questionnaires completed since each client's last session. One query.

    Clients are grouped by how recently they met (``SESSION_TIERS``); each group is one clause with
    one lower time bound, and the exact per-client cut is made here. Clients who last met before
    the last tier (or never) get a clause each. Fetching from one bound for everyone met in 120 days
    read about 800 rows for a 60-client caseload (bench/queries.py --profile caseload).
    """
    MeasureResponse = _model("measures.MeasureResponse")
    if MeasureResponse is None or not client_ids:
        return {}
    now = now or timezone.now()
    tiers: list[dict] = [{} for _ in SESSION_TIERS]
    condition = Q(pk__in=[])
    for client_id in client_ids:
        since = last_sessions.get(client_id)
        tier = next((i for i, age in enumerate(SESSION_TIERS) if since and since > now - age), None)
        if tier is not None:
            tiers[tier][client_id] = since
        else:
            condition |= Q(client_id=client_id, completed_at__gt=since) if since else Q(client_id=client_id)
    for members in tiers:
        if members:
            condition |= Q(client_id__in=list(members), completed_at__gt=min(members.values()))
    found: dict = defaultdict(int)
    for client_id, completed_at in MeasureResponse.objects.filter(condition).values_list("client_id", "completed_at"):
        since = last_sessions.get(client_id)
        if since is None or completed_at > since:
            found[client_id] += 1
    return dict(found)


def measures_for_client(client, since: datetime | None) -> list[dict]:
    """Questionnaires completed since ``since``, each with the change from the one before it. One query."""
    MeasureResponse = _model("measures.MeasureResponse")
    if MeasureResponse is None:
        return []
    from measures.scoring import total_change

    # Totals only: the item answers are sealed, and years of them need not be opened for this list.
    rows = list(MeasureResponse.objects.for_client(client).chronological().defer("answers", "difficulty"))
    previous: dict = {}
    found = []
    for response in rows:
        before = previous.get(response.instrument)
        if since is None or response.completed_at > since:
            change = total_change(response.instrument, before.total, response.total) if before else None
            found.append({"response": response, "before": before, "change": change})
        previous[response.instrument] = response
    return found


# --- Journal ---------------------------------------------------------------------------------


def unread_shared(staff, client_ids, *, now: datetime) -> dict:
    """{client_id: count} of journal entries shared recently that this therapist has not opened.

    "Opened" is read from the audit log (every read of an entry is recorded),
    so the journal needs no read flag of its own. Two queries.
    """
    Entry = _model("journal.Entry")
    if Entry is None or not client_ids:
        return {}
    AuditEvent = _model("audit.AuditEvent")
    shared = list(
        Entry.objects.filter(client_id__in=list(client_ids), shared_at__gt=now - UNREAD_LOOKBACK, is_draft=False)
        .values_list("client_id", "uuid")
        .order_by()
    )
    if not shared:
        return {}
    # The journal records a therapist's reading either per entry (object_id) or as the
    # shared list (object_id "shared", with the entry ids in detail["entries"]).
    opened: set[str] = set()
    reads = AuditEvent.objects.filter(
        action="read", actor_id=staff.user.uuid, object_type="journal.entry", at__gt=now - UNREAD_LOOKBACK
    ).values_list("object_id", "detail")
    for object_id, detail in reads:
        opened.add(object_id)
        opened.update((detail or {}).get("entries", []))
    found: dict = defaultdict(int)
    for client_id, entry_uuid in shared:
        if str(entry_uuid) not in opened:
            found[client_id] += 1
    return dict(found)


def shared_entries(client, since: datetime | None) -> list:
    Entry = _model("journal.Entry")
    if Entry is None:
        return []
    found = Entry.objects.filter(client=client, shared_at__isnull=False, is_draft=False)
    if since:
        found = found.filter(shared_at__gt=since)
    return list(found.defer("body").order_by("-shared_at")[:20])


# --- Check-ins, practices, self-care ------------------------------------------------------------

CHECKIN_SCALES = (
    ("mood", "Mood"),
    ("energy", "Energy"),
    ("sleep", "Sleep"),
    ("tension", "Tension in the body"),
    ("peace", "A sense of peace"),
    ("fulfilment", "Fulfilment"),
    ("self_kindness", "Kindness to self"),
)


def checkin_trends(client, since, until) -> dict:
    """Average of each 0-10 scale since the last session, beside the same length of time before. One query."""
    CheckIn = _model("checkins.CheckIn")
    if CheckIn is None:
        return {"count": 0, "rows": []}
    zone = client.practice.zone
    end = timezone.localtime(until, zone).date()
    start = timezone.localtime(since, zone).date() if since else end - timedelta(days=28)
    before = start - (end - start)
    now_q = Q(local_date__gt=start, local_date__lte=end)
    then_q = Q(local_date__gt=before, local_date__lte=start)
    aggregates = {"count": Count("id", filter=now_q)}
    for name, _label in CHECKIN_SCALES:
        aggregates[f"{name}_now"] = Avg(name, filter=now_q)
        aggregates[f"{name}_then"] = Avg(name, filter=then_q)
    result = CheckIn.objects.filter(client=client, local_date__gt=before, local_date__lte=end).aggregate(**aggregates)
    rows = []
    for name, label in CHECKIN_SCALES:
        now_value, then_value = result[f"{name}_now"], result[f"{name}_then"]
        if now_value is None:
            continue
        rows.append(
            {"label": label, "now": round(now_value, 1), "then": None if then_value is None else round(then_value, 1)}
        )
    return {"count": result["count"], "rows": rows}


def practices_tried(client, since) -> list[dict]:
    """Each practice tried since ``since``: how often, and the client's own average before/after change. One query."""
    PracticeLog = _model("mindfulness.PracticeLog")
    if PracticeLog is None:
        return []
    logs = PracticeLog.objects.for_client(client)
    if since:
        logs = logs.filter(practised_at__gt=since)
    rows = []
    for row in logs.what_helps():
        title = row.get("custom__title")
        if not title:
            from mindfulness.content import builtin

            practice = builtin(row["builtin_slug"])
            title = practice.title if practice else row["builtin_slug"]
        rows.append(
            {
                "title": title,
                "times": row["times"],
                "calm_change": row["calm_change"],
                "kindness_change": row["kindness_change"],
            }
        )
    return sorted(rows, key=lambda r: -r["times"])


def selfcare_since(client, since) -> list[dict]:
    """What the client made room for since ``since`` (activity and how many times). One query."""
    Tick = _model("selfcare.Tick")
    if Tick is None:
        return []
    ticks = Tick.objects.filter(activity__client=client)
    if since:
        ticks = ticks.filter(done_at__gt=since)
    rows = ticks.values("activity__text", "activity__area").annotate(times=Count("id")).order_by("-times")
    return [{"text": r["activity__text"], "times": r["times"]} for r in rows]
