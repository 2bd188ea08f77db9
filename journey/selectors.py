"""What the journey page draws, aggregated in the database so long histories stay quick.

A fixed number of queries whatever the history: check-ins are averaged per
day (week, month), per week (year) or per month (all); questionnaires are
individual forms for week–year and monthly means for "all"; sessions come
from bookings. Change over the whole episode comes from measures.selectors.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Avg, Count, F
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from checkins.models import SCALES, CheckIn
from measures.instruments import INSTRUMENTS
from measures.models import MeasureResponse
from measures.scoring import band_for
from measures.selectors import changes_for_client, first_and_latest_totals, nhs_tt_outcome_for_client

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


def build_journey(client, range_key: str, *, now=None) -> Journey:
    range_key = range_key if range_key in RANGES else DEFAULT_RANGE
    now = now or timezone.now()
    zone = client.practice.zone
    today = timezone.localtime(now, zone).date()
    days = RANGES[range_key][1]
    start = today - dt.timedelta(days=days - 1) if days else None
    bucket = _bucket_for(range_key)
    journey = Journey(range_key=range_key, start=start, today=today, bucket=bucket)

    # 1. Check-ins, averaged per bucket (one query).
    checkins = CheckIn.objects.for_client(client)
    if start:
        checkins = checkins.filter(local_date__gte=start)
    key = {"day": F("local_date"), "week": TruncWeek("local_date"), "month": TruncMonth("local_date")}[bucket]
    rows = (
        checkins.annotate(b=key)
        .values("b")
        .annotate(n=Count("id"), **{name: Avg(name) for name in SCALES})
        .order_by("b")
    )
    index_of = {}
    for row in rows:
        day = _as_date(row["b"])
        index_of[day] = len(journey.checkin_rows)
        journey.checkin_count += row["n"]
        journey.checkin_rows.append({"label": _label(day, bucket), **{name: _round(row[name]) for name in SCALES}})
    journey.checkin_labels = [r["label"] for r in journey.checkin_rows]

    # 2. Sessions in range (one query), placed on the check-in buckets.
    journey.sessions, journey.session_buckets = _sessions(client, start, now, zone, bucket, index_of)

    # 3. Questionnaires in range (one query for all five).
    journey.measures = _measures(client, start, range_key, zone)

    # 4. Change over the whole episode: first and latest of each (one query).
    totals = first_and_latest_totals([client.pk]).get(client.pk, {})
    journey.changes = changes_for_client(client, totals=totals)
    journey.outcome = nhs_tt_outcome_for_client(client, totals=totals)
    return journey


def _start_of(day: dt.date, zone) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone)


def _round(value):
    return None if value is None else round(float(value), 1)


def _sessions(client, start, now, zone, bucket, index_of):
    from bookings.models import Appointment

    sessions = Appointment.objects.active().sessions().for_client(client).filter(start__lte=now)
    if start:
        sessions = sessions.filter(start__gte=_start_of(start, zone))
    if bucket == "month":
        rows = sessions.annotate(m=TruncMonth("start", tzinfo=zone)).values("m").annotate(n=Count("id")).order_by("m")
        found = [(_as_date(r["m"]), r["n"]) for r in rows]
    else:
        found = [
            (timezone.localtime(s, zone).date(), 1) for s in sessions.order_by("start").values_list("start", flat=True)
        ]
    listed, marks = [], []
    for day, count in found:
        if start and day < start:
            continue
        listed.append((_label(day, bucket) if bucket == "month" else day.strftime("%a %-d %b %Y"), count))
        position = index_of.get(_bucket_start(day, bucket))
        if position is not None and position not in marks:
            marks.append(position)
    return listed, marks


def _measures(client, start, range_key, zone) -> dict:
    responses = MeasureResponse.objects.for_client(client)
    if start:
        # A datetime bound (not __date) lets the (client, instrument, completed_at) index do the work.
        responses = responses.filter(completed_at__gte=_start_of(start, zone))
    found: dict = {instrument: [] for instrument in MEASURE_ORDER}
    if range_key == "all":
        rows = (
            responses.annotate(m=TruncMonth("completed_at", tzinfo=zone))
            .values("instrument", "m")
            .annotate(total=Avg("total"), n=Count("id"))
            .order_by("instrument", "m")
        )
        for row in rows:
            instrument = row["instrument"]
            value = float(row["total"]) * (4 if instrument == "who5" else 1)
            found[instrument].append(
                {
                    "label": _as_date(row["m"]).strftime("%b %Y"),
                    "value": round(value, 2),
                    "band": INSTRUMENTS[instrument].band_label(band_for(instrument, _band_value(instrument, value))),
                    "count": row["n"],
                }
            )
    else:
        rows = responses.order_by("completed_at").values_list("instrument", "completed_at", "total", "band", "uuid")
        for instrument, at, total, band, uuid in rows:
            value = total * 4 if instrument == "who5" else total
            found[instrument].append(
                {
                    "label": timezone.localtime(at, zone).strftime("%-d %b %Y"),
                    "value": round(value, 2),
                    "band": INSTRUMENTS[instrument].band_label(band),
                    "uuid": uuid,
                    "count": 1,
                }
            )
    return {instrument: points for instrument, points in found.items() if points}


def _band_value(instrument, value):
    # Monthly means fall between whole numbers; band them on the nearest score the form can give.
    if instrument == "scs_sf":
        return value
    if instrument == "who5":
        return round(value / 4) * 4
    return round(value)
