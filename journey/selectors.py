"""What the journey page draws, aggregated in the database so long histories stay quick.

A fixed number of queries whatever the history: check-ins are averaged per
day (week, month), per week (year) or per month (all) by checkins.selectors;
questionnaires are individual forms for week–year and monthly means for "all",
and change over the whole episode, from measures.selectors; sessions come from
bookings.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from bookings.models import Appointment
from checkins.models import SCALES
from checkins.selectors import averages_asked, scale_averages
from core.compiled import EVER, CompiledRead
from measures.instruments import INSTRUMENTS
from measures.selectors import (
    changes_for_client,
    charted_asked,
    first_and_latest_asked,
    first_and_latest_of,
    forms_for_chart,
    monthly_means,
    nhs_tt_outcome_for_client,
)

RANGES = {
    "week": ("Week", 7),
    "month": ("Month", 31),
    "year": ("Year", 365),
    "all": ("All", None),
}
DEFAULT_RANGE = "month"

# The check-in charts: one per part of the person.
CHECKIN_CHARTS = (
    ("mind", "Mind", ("mood",)),
    ("body", "Body", ("energy", "sleep", "tension")),
    ("soul", "Soul", ("peace", "fulfilment")),
    ("heart", "Heart: kindness to myself", ("self_kindness",)),
)
MEASURE_ORDER = ("phq9", "gad7", "phq15", "who5", "scs_sf")


@dataclass
class Journey:
    range_key: str
    start: dt.date | None
    today: dt.date
    bucket: str  # day, week, month
    checkin_labels: list = field(default_factory=list)
    checkin_rows: list = field(default_factory=list)  # [{"label": ..., "mood": 5.5, ...}]
    session_buckets: list = field(default_factory=list)  # indices into checkin_labels
    session_days: list = field(default_factory=list)  # the day each session mark is drawn on
    sessions: list = field(default_factory=list)  # [(label, count)]
    measures: dict = field(default_factory=dict)  # instrument -> [{"label", "value", "band"}]
    changes: dict = field(default_factory=dict)
    outcome: dict | None = None
    checkin_count: int = 0


def _bucket_for(range_key: str) -> str:
    return {"week": "day", "month": "day", "year": "week"}.get(range_key, "month")


def _label(day: dt.date, bucket: str) -> str:
    if bucket == "month":
        return day.strftime("%b %Y")
    if bucket == "week":
        return "w/c " + day.strftime("%-d %b")
    return day.strftime("%a %-d %b")


def _bucket_start(day: dt.date, bucket: str) -> dt.date:
    if bucket == "month":
        return day.replace(day=1)
    if bucket == "week":
        return day - dt.timedelta(days=day.weekday())
    return day


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _span(client, range_key: str, now) -> tuple:
    """The range asked for (or the default), the practice's time zone, today there, the range's first day (None:
    ever) and the charts' period."""
    range_key = range_key if range_key in RANGES else DEFAULT_RANGE
    zone = client.practice.zone
    today = timezone.localtime(now, zone).date()
    days = RANGES[range_key][1]
    start = today - dt.timedelta(days=days - 1) if days else None
    return range_key, zone, today, start, _bucket_for(range_key)


def journey_asked(client, range_key: str, *, now, for_staff: bool) -> list:
    """The kept reads ``build_journey`` makes, for a page to read ahead (``core.compiled.reads_ahead``). The whole
    history's reads by month are the ORM's (a kept read may not name a time zone) and run as they always did."""
    range_key, zone, _today, start, bucket = _span(client, range_key, now)
    asked = [averages_asked(client, start=start, per=bucket, for_staff_view=for_staff), first_and_latest_asked(client)]
    if range_key != "all":
        since = _start_of(start, zone)
        asked += [_STARTS.asked(client=client.pk, now=now, since=since), charted_asked(client, since=since)]
    return asked


def build_journey(client, range_key: str, *, now=None, for_staff: bool = False) -> Journey:
    """``for_staff``: the therapist's view, without the check-ins made after the ending (issue 21)."""
    now = now or timezone.now()
    range_key, zone, today, start, bucket = _span(client, range_key, now)
    journey = Journey(range_key=range_key, start=start, today=today, bucket=bucket)

    # 1. Check-ins, averaged per bucket (one query).
    index_of = {}
    for row in scale_averages(client, start=start, per=bucket, for_staff_view=for_staff):
        day = _as_date(row["b"])
        index_of[day] = len(journey.checkin_rows)
        journey.checkin_count += row["n"]
        journey.checkin_rows.append(
            {"label": _label(day, bucket), "day": day, **{name: _round(row[name]) for name in SCALES}}
        )
    journey.checkin_labels = [r["label"] for r in journey.checkin_rows]

    # 2. Sessions in range (one query), placed on the check-in buckets.
    journey.sessions, journey.session_buckets, journey.session_days = _sessions(
        client, start, now, zone, bucket, index_of
    )

    # 3. Questionnaires in range (one query for all five).
    journey.measures = _measures(client, start, range_key, zone)

    # 4. Change over the whole episode: first and latest of each (one query).
    totals = first_and_latest_of(client)
    journey.changes = changes_for_client(client, totals=totals)
    journey.outcome = nhs_tt_outcome_for_client(client, totals=totals)
    return journey


def _start_of(day: dt.date, zone) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone)


def _round(value):
    return None if value is None else round(float(value), 1)


def _sessions_of(client, now, since):
    """The client's sessions that have begun by ``now``, from ``since``, not cancelled."""
    return Appointment.objects.active().sessions().for_client(client).filter(start__lte=now, start__gte=since)


# The sessions of a journey by day (a week's or a month's view): built by the ORM once (core/compiled.py). By month,
# the months are the practice's, so that read stays the ORM's (a kept read may not name a time zone).
_STARTS = CompiledRead(
    Appointment,
    lambda shape, *, client, now, since: _sessions_of(client, now, since).order_by("start").values_list("start"),
    {"client": int, "now": dt.datetime, "since": dt.datetime},
)


def _sessions(client, start, now, zone, bucket, index_of):
    since = _start_of(start, zone) if start else EVER
    if bucket == "month":
        sessions = _sessions_of(client, now, since)
        rows = sessions.annotate(m=TruncMonth("start", tzinfo=zone)).values("m").annotate(n=Count("id")).order_by("m")
        found = [(_as_date(r["m"]), r["n"]) for r in rows]
    else:
        found = [
            (timezone.localtime(s, zone).date(), 1) for (s,) in _STARTS.rows(client=client.pk, now=now, since=since)
        ]
    listed, marks, days = [], [], []
    for day, count in found:
        if start and day < start:
            continue
        days.append(day)
        listed.append((_label(day, bucket) if bucket == "month" else day.strftime("%a %-d %b %Y"), count))
        position = index_of.get(_bucket_start(day, bucket))
        if position is not None and position not in marks:
            marks.append(position)
    return listed, marks, days


def _measures(client, start, range_key, zone) -> dict:
    since = _start_of(start, zone) if start else None
    found: dict = {instrument: [] for instrument in MEASURE_ORDER}
    if range_key == "all":
        for point in monthly_means(client, since=since, zone=zone):
            instrument = point["instrument"]
            found[instrument].append(
                {
                    "label": _as_date(point["month"]).strftime("%b %Y"),
                    "day": _as_date(point["month"]),
                    "value": round(point["value"], 2),
                    "band": INSTRUMENTS[instrument].band_label(point["band"]),
                    "count": point["count"],
                }
            )
    else:
        for point in forms_for_chart(client, since=since):
            instrument = point["instrument"]
            found[instrument].append(
                {
                    "label": timezone.localtime(point["at"], zone).strftime("%-d %b %Y"),
                    "day": timezone.localtime(point["at"], zone).date(),
                    "value": round(point["value"], 2),
                    "band": INSTRUMENTS[instrument].band_label(point["band"]),
                    "uuid": point["uuid"],
                    "count": 1,
                }
            )
    return {instrument: points for instrument, points in found.items() if points}
