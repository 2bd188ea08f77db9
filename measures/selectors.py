"""Reading questionnaire results — for the journey, the caseload and the formulation.

Every function here uses a fixed number of queries, whatever the length of the history.

``first_and_latest_totals(clients)`` / ``first_and_latest_of(client)``
    One query: per client, the first and latest total of each questionnaire
    (``{client_id: {"phq9": (first, latest), ...}}``), the "pre" and "post" of
    instruments.md §1 (first and last complete administration); of one client
    (``{"phq9": (first, latest), ...}``), a kept read.
``changes_for_client(client)``
    ``{instrument_id: change dict}`` from ``scoring.total_change`` (first vs latest;
    PHQ-9/GAD-7 with reliable change and recovery, WHO-5 in percentage points,
    PHQ-15 and SCS-SF raw change only). The formulation's "symptom measures
    improve while SCS-SF has not changed" rule reads this.
``nhs_tt_outcome_for_client(client)``
    The combined §7 outcome (PHQ-9 + GAD-7), or None until both have two forms.
``clients_with_reliable_deterioration(clients)``
    The subset of ``clients`` (a Client queryset) whose PHQ-9/GAD-7 shows reliable
    deterioration (combined §7 rule when both exist, else the single-measure rule).
``returned_since_last_session(clients)``
    ``{client_id: [MeasureResponse, ...]}`` completed since each client's last session
    (all of them when there has been no session yet).
``returned_counts(client_ids, last_sessions)``
    ``{client_id: count}`` of forms completed since each client's last session, given those
    sessions (the caseload has them already): one query, its size bounded by ``SESSION_TIERS``.
``since_with_change(client, since)``
    The forms completed since ``since``, each with the change from the form before it.
``series(client, instrument_id, since=None)``
    ``[(completed_at, chart_value, band)]`` in time order (WHO-5 as percentage).
``forms_for_chart(client, since)`` / ``monthly_means(client, since, zone)``
    Every form, or each questionnaire's mean per month, as charted (the journey).
``form_counts(client)`` / ``latest_forms(client, instruments)``
    How many forms of each questionnaire; the latest form of each, answers and all.
``last_session_starts(client_ids)`` / ``next_session_starts(client_ids)``
    ``{client_id: start}`` of the latest past / next coming session (bookings).
"""

from collections import defaultdict
from datetime import datetime, timedelta
from functools import cache

from django.db import connection
from django.db.models import Avg, Count, Max, Min, OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncMonth
from django.utils import timezone

from bookings.models import Appointment
from core.compiled import EVER, CompiledRead, kept_cursor
from measures.instruments import INSTRUMENTS
from measures.models import MeasureResponse
from measures.scoring import band_for, nhs_tt_outcome, single_measure_change, total_change
from practice.models import Client


def _sessions():
    return Appointment.objects.active().sessions()


def last_session_starts(client_ids, *, now=None) -> dict:
    now = now or timezone.now()
    rows = (
        _sessions()
        .filter(client_id__in=list(client_ids), start__lte=now)
        .values("client_id")
        .annotate(last=Max("start"))
        .values_list("client_id", "last")
    )
    return dict(rows)


def next_session_starts(client_ids, *, now=None) -> dict:
    now = now or timezone.now()
    rows = (
        _sessions()
        .filter(client_id__in=list(client_ids), start__gt=now)
        .values("client_id")
        .annotate(next=Min("start"))
        .values_list("client_id", "next")
    )
    return dict(rows)


def first_and_latest_totals(client_ids, instruments=tuple(INSTRUMENTS)) -> dict:
    """``{client_id: {instrument: (first_total, latest_total)}}`` in one query.

    Each total is a correlated ``LIMIT 1`` subquery on the (client, instrument,
    completed_at) index, so the cost follows the number of clients, not the
    length of their history. The SQL is written out rather than built with ten
    ``Subquery`` annotations: building those took longer than running them (about
    7 ms of the journey page, ``bench/queries.py --profile journey``). It is plain
    SQL that SQLite and PostgreSQL both run, with every value passed as a parameter.
    """
    client_ids = list(client_ids)
    if not client_ids:
        return {}
    instruments = tuple(instruments)
    sql, params = _first_latest_sql(instruments, len(client_ids)), []
    for instrument in instruments:
        params += [instrument, instrument]
    with kept_cursor(connection, sql) as cursor:
        cursor.execute(sql, [*params, *client_ids])
        rows = cursor.fetchall()
    return {pk: _first_and_latest(instruments, values) for pk, *values in rows}


def _first_and_latest(instruments: tuple, values) -> dict:
    """{instrument: (first, latest)} from a row of each instrument's first and latest total, those with a form."""
    found = {}
    for index, instrument in enumerate(instruments):
        first, latest = values[2 * index], values[2 * index + 1]
        if first is not None:
            found[instrument] = (_number(first), _number(latest))
    return found


def _total(instrument: str, order: str):
    """The first (``order`` "") or latest ("-") total of ``instrument`` of the client of the outer row."""
    responses = MeasureResponse.objects.filter(client=OuterRef("pk"), instrument=instrument)
    return Subquery(responses.order_by(f"{order}completed_at", f"{order}id").values("total")[:1])


# One client's first and latest totals: the rows ``first_and_latest_totals`` gives for many, as a kept read a page can
# read ahead with its others (core/compiled.py), built by the ORM once per set of questionnaires.
_FIRST_AND_LATEST = CompiledRead(
    Client,
    lambda shape, *, client: Client.objects.filter(pk=client).values_list(
        *(_total(instrument, order) for instrument in shape for order in ("", "-"))
    ),
    {"client": int},
)


def first_and_latest_asked(client, instruments=tuple(INSTRUMENTS)):
    """The read of ``first_and_latest_of``, to read ahead with a page's others (``core.compiled.reads_ahead``)."""
    return _FIRST_AND_LATEST.asked(tuple(instruments), client=client.pk)


def first_and_latest_of(client, instruments=tuple(INSTRUMENTS)) -> dict:
    """``first_and_latest_totals([client])[client.pk]``: {instrument: (first, latest)} of one client."""
    instruments = tuple(instruments)
    row = first_and_latest_asked(client, instruments).row(default=(None,) * (2 * len(instruments)))
    return _first_and_latest(instruments, row)


@cache
def _first_latest_sql(instruments: tuple, n_clients: int) -> str:
    q = connection.ops.quote_name
    responses, clients = q(MeasureResponse._meta.db_table), q(Client._meta.db_table)
    # Only quoted table and column names from our own models are formatted in; values are parameters.
    one = (
        f"(SELECT m.{q('total')} FROM {responses} m WHERE m.{q('client_id')} = c.{q('id')} "  # noqa: S608  # nosec B608
        f"AND m.{q('instrument')} = %s ORDER BY m.{q('completed_at')} {{order}}, m.{q('id')} {{order}} LIMIT 1)"
    )
    columns = []
    for _instrument in instruments:
        columns += [one.format(order="ASC"), one.format(order="DESC")]
    placeholders = ", ".join(["%s"] * n_clients)
    return f"SELECT c.{q('id')}, {', '.join(columns)} FROM {clients} c WHERE c.{q('id')} IN ({placeholders})"  # noqa: S608  # nosec B608


def latest_response_ids(client_id: int, instruments=tuple(INSTRUMENTS)) -> RawSQL:
    """The id of the client's latest form of each questionnaire, as a subquery for ``pk__in``.

    Written out for the same reason as ``first_and_latest_totals``: five ``Subquery`` objects
    OR-ed together cost more to build than to run.
    """
    q = connection.ops.quote_name
    one = (
        f"SELECT (SELECT m.{q('id')} FROM {q(MeasureResponse._meta.db_table)} m "  # noqa: S608  # nosec B608
        f"WHERE m.{q('client_id')} = %s AND m.{q('instrument')} = %s "
        f"ORDER BY m.{q('completed_at')} DESC, m.{q('id')} DESC LIMIT 1)"
    )
    instruments = tuple(instruments)
    params = [value for instrument in instruments for value in (client_id, instrument)]
    return RawSQL(" UNION ALL ".join([one] * len(instruments)), params)  # noqa: S611  # nosec B611 - values are parameters


def _number(value):
    """Whole-number totals back as int (the float column also holds SCS-SF means)."""
    return int(value) if value is not None and float(value).is_integer() else value


def changes_for_client(client, *, totals: dict | None = None) -> dict:
    totals = totals if totals is not None else first_and_latest_of(client)
    return {instrument: total_change(instrument, first, latest) for instrument, (first, latest) in totals.items()}


def nhs_tt_outcome_for_client(client, *, totals: dict | None = None) -> dict | None:
    totals = totals if totals is not None else first_and_latest_of(client)
    if "phq9" not in totals or "gad7" not in totals:
        return None
    (phq_pre, phq_post), (gad_pre, gad_post) = totals["phq9"], totals["gad7"]
    return nhs_tt_outcome(phq_pre, gad_pre, phq_post, gad_post)


def _deteriorated(totals: dict) -> bool:
    if "phq9" in totals and "gad7" in totals:
        (phq_pre, phq_post), (gad_pre, gad_post) = totals["phq9"], totals["gad7"]
        return nhs_tt_outcome(phq_pre, gad_pre, phq_post, gad_post)["reliable_change"] == "deteriorated"
    return any(
        single_measure_change(instrument, *totals[instrument])["reliable_change"] == "deteriorated"
        for instrument in ("phq9", "gad7")
        if instrument in totals
    )


def clients_with_reliable_deterioration(clients) -> list:
    clients = list(clients)
    totals = first_and_latest_totals([c.pk for c in clients], instruments=("phq9", "gad7"))
    return [c for c in clients if _deteriorated(totals.get(c.pk, {}))]


def returned_since_last_session(clients, *, now=None) -> dict:
    """Forms completed since each client's last session: two queries for any number of clients."""
    clients = list(clients)
    last = last_session_starts([c.pk for c in clients], now=now)
    condition = Q(pk__in=[])
    for client in clients:
        since = last.get(client.pk)
        condition |= Q(client_id=client.pk, completed_at__gt=since) if since else Q(client_id=client.pk)
    found: dict = {c.pk: [] for c in clients}
    if not clients:
        return found
    for response in MeasureResponse.objects.filter(condition).order_by("completed_at"):
        found[response.client_id].append(response)
    return found


def series(client, instrument_id: str, since=None) -> list:
    rows = (
        MeasureResponse.objects.for_client(client)
        .of(instrument_id)
        .since(since)
        .chronological()
        .values_list("completed_at", "total", "band")
    )
    return [(at, _number(_charted(instrument_id, total)), band) for at, total, band in rows]


# Clients whose last session falls within the same tier are asked about together, from the earliest
# last session in the tier: most met within the fortnight, so that bound fetches a few rows each.
SESSION_TIERS = (timedelta(days=14), timedelta(days=120))


def returned_counts(client_ids, last_sessions: dict, *, now: datetime | None = None) -> dict:
    """{client_id: count} of forms completed since each client's last session (``last_sessions``). One query.

    Clients are grouped by how recently they met (``SESSION_TIERS``); each group is one clause with
    one lower time bound, and the exact per-client cut is made here. Clients who last met before
    the last tier (or never) get a clause each. Fetching from one bound for everyone met in 120 days
    read about 800 rows for a 60-client caseload (bench/queries.py --profile caseload).
    """
    if not client_ids:
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


def _since_with_before(client: int, since: datetime):
    # Totals only: the item answers are sealed, and none is opened for this list.
    same = MeasureResponse.objects.filter(client_id=OuterRef("client_id"), instrument=OuterRef("instrument"))
    earlier = Q(completed_at__lt=OuterRef("completed_at")) | Q(
        completed_at=OuterRef("completed_at"), id__lt=OuterRef("id")
    )
    return (
        MeasureResponse.objects.for_client(client)
        .since(since)
        .defer("answers", "difficulty")
        .annotate(before_total=Subquery(same.filter(earlier).order_by("-completed_at", "-id").values("total")[:1]))
        .chronological()
    )


# Planned afresh on every run (its moment changes its plan), so read alone, not with a page's others.
_SINCE_WITH_BEFORE = CompiledRead(
    MeasureResponse,
    lambda shape, *, client, since: _since_with_before(client, since),
    {"client": int, "since": datetime},
    alone=True,
)


def since_with_change_asked(client, since: datetime | None):
    """The read of ``since_with_change``, to read ahead with a page's others."""
    return _SINCE_WITH_BEFORE.asked(client=client.pk, since=since or EVER)


def since_with_change(client, since: datetime | None) -> list[dict]:
    """Forms completed after ``since`` (all when None), oldest first, each as ``{"response", "before",
    "change"}``: the total of the form of the same questionnaire before it (``{"total": …}``, or None for the
    first) and ``scoring.total_change``. One query.

    Each form's predecessor is found in the database (the (client, instrument, completed_at) index), so only the
    forms since the last session are read, not years of them (a client with 356 forms, none since: 4.5 → 1.3 ms in
    process on PostgreSQL, best of 50).
    """
    # A kept read (core/compiled.py): "since the start" is since ``EVER``, so one query serves both.
    rows = since_with_change_asked(client, since).objects()
    found = []
    for response in rows:
        before = None if response.before_total is None else {"total": response.before_total}
        change = total_change(response.instrument, response.before_total, response.total) if before else None
        found.append({"response": response, "before": before, "change": change})
    return found


def _charted(instrument_id: str, total):
    """WHO-5 is charted as its percentage (raw × 4); the others as their total (``scoring.chart_value``)."""
    return total * 4 if instrument_id == "who5" else total


def _nearest_score(instrument_id: str, value: float):
    """Monthly means fall between whole numbers; band them on the nearest score the form can give."""
    if instrument_id == "scs_sf":
        return value
    if instrument_id == "who5":
        return round(value / 4) * 4
    return round(value)


# The journey's forms from a moment on (EVER for all): built by the ORM once (core/compiled.py).
_CHARTED = CompiledRead(
    MeasureResponse,
    lambda shape, *, client, since: MeasureResponse.objects.for_client(client)
    .filter(completed_at__gte=since)
    .order_by("completed_at")
    .values_list("instrument", "completed_at", "total", "band", "uuid"),
    {"client": int, "since": datetime},
)


def charted_asked(client, *, since: datetime | None):
    """The read of ``forms_for_chart``, to read ahead with a page's others (``core.compiled.reads_ahead``)."""
    return _CHARTED.asked(client=client.pk, since=since or EVER)


def forms_for_chart(client, *, since: datetime | None = None) -> list[dict]:
    """Every form completed from ``since`` (or ever), oldest first, as charted. One query.

    ``[{"instrument", "at", "value", "band", "uuid"}]``: ``value`` is the charted total (WHO-5 as
    its percentage), ``band`` the form's band id.
    """
    # A moment, not a day (__date), lets the (client, instrument, completed_at) index do the work.
    rows = charted_asked(client, since=since).rows()
    return [
        {"instrument": instrument, "at": at, "value": _charted(instrument, total), "band": band, "uuid": uuid}
        for instrument, at, total, band, uuid in rows
    ]


def monthly_means(client, *, since: datetime | None = None, zone) -> list[dict]:
    """Each questionnaire's mean per month (in ``zone``) from ``since`` (or ever), by instrument then month.
    One query, however many forms.

    ``[{"instrument", "month", "value", "band", "count"}]``: ``value`` is the charted mean (WHO-5 as
    its percentage), ``band`` the band id of the nearest score a form can give.
    """
    responses = MeasureResponse.objects.for_client(client)
    if since:
        responses = responses.filter(completed_at__gte=since)
    rows = (
        responses.annotate(m=TruncMonth("completed_at", tzinfo=zone))
        .values("instrument", "m")
        .annotate(total=Avg("total"), n=Count("id"))
        .order_by("instrument", "m")
    )
    found = []
    for row in rows:
        instrument = row["instrument"]
        value = _charted(instrument, float(row["total"]))
        band = band_for(instrument, _nearest_score(instrument, value))
        found.append({"instrument": instrument, "month": row["m"], "value": value, "band": band, "count": row["n"]})
    return found


_FORM_COUNTS = CompiledRead(
    MeasureResponse,
    lambda shape, *, client: MeasureResponse.objects.for_client(client)
    .values("instrument")
    .annotate(n=Count("id"))
    .values_list("instrument", "n")
    .order_by(),
    {"client": int},
)


def form_counts(client) -> dict:
    """{instrument: how many forms the client has completed}. One query."""
    return dict(form_counts_asked(client).rows())


def form_counts_asked(client):
    """The read of ``form_counts``, to read ahead with a page's others."""
    return _FORM_COUNTS.asked(client=client.pk)


# Read on every view of a client's journey by their therapist: built by the ORM once per set of questionnaires, where
# building it was half the read's time (bench/spy.py, docs/benchmarks.md "Issue 22, twenty-first pass").
_LATEST_FORMS = CompiledRead(
    MeasureResponse,
    lambda shape, *, client: MeasureResponse.objects.filter(pk__in=latest_response_ids(client, shape)),
    {"client": int},
)


def latest_forms(client, instruments=tuple(INSTRUMENTS)) -> dict:
    """{instrument: the client's latest form of it}, answers and all, for each of ``instruments`` they completed. One query."""
    return {r.instrument: r for r in latest_forms_asked(client, instruments).objects()}


def latest_forms_asked(client, instruments=tuple(INSTRUMENTS)):
    """The read of ``latest_forms``, to read ahead with a page's others."""
    return _LATEST_FORMS.asked(tuple(instruments), client=client.pk)
