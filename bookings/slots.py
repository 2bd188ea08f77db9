"""Free times: a therapist's working hours, less days off, notice, horizon and booked time.

Working hours are wall-clock times in the practice's time zone, so a 09:00 start
stays 09:00 for the practice across daylight-saving changes (and moves by an
hour in UTC). The candidate starts are stepped on the wall clock too: a
weekday's starts (minutes after local midnight) are worked out once per set of
hours, length and step (``_wall_starts``), and a day's starts are turned into
UTC once per day and zone (``_day_starts``), with plain arithmetic on a day
without a clock change. A wall-clock time that does not exist on a
spring-forward night is skipped; an ambiguous one on the autumn night is
offered once, at its first occurrence.

``free_slots_by_therapist`` is the core: any number of therapists of one
practice in at most four queries (rules, working hours, days off, booked time),
over only the practice-local days asked for. ``free_slots`` and
``slot_is_free`` are that core for one therapist.
"""

import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db.models import BigIntegerField, F, Func
from django.utils import timezone

from bookings.models import LONGEST_BLOCK, Appointment, Availability, DayOff, Kind, WorkingHours
from core.compiled import CompiledRead
from practice.models import AwayPeriod


class Slot(NamedTuple):
    """One bookable start. A tuple, not a dataclass: a fortnight for twenty therapists makes thousands."""

    therapist_id: int
    start: datetime  # aware, UTC
    end: datetime

    @property
    def key(self) -> str:
        start = self.start
        return f"{start.year:04d}{start.month:02d}{start.day:02d}T{start.hour:02d}{start.minute:02d}Z"


def parse_key(key: str) -> datetime | None:
    try:
        return datetime.strptime(key, "%Y%m%dT%H%MZ").replace(tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def _local_to_utc(day: date, clock, zone) -> datetime | None:
    local = datetime.combine(day, clock).replace(tzinfo=zone, fold=0)
    as_utc = local.astimezone(UTC)
    # A time inside the spring-forward gap does not round-trip: it never happens.
    if as_utc.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return as_utc


@lru_cache(maxsize=1024)
def _wall_starts(blocks: tuple[tuple[time, time], ...], length: int, step: int) -> tuple[int, ...]:
    """The candidate starts of one weekday, in minutes after local midnight, for its working ``blocks``.

    Stepped on the wall clock from each block's start while the whole session fits before its end, so
    09:00, 09:30, … stay on that grid on a clock-change day. Keyed by the rules themselves, so a change
    to the hours is a new key, never a stale answer.
    """
    found = []
    for start_time, end_time in blocks:
        start = start_time.hour * 60 + start_time.minute
        finish = end_time.hour * 60 + end_time.minute
        while start + length <= finish:
            found.append(start)
            start += step
    return tuple(sorted(set(found)))


@lru_cache(maxsize=4096)
def _day_starts(day: date, minutes: tuple[int, ...], zone: ZoneInfo) -> tuple[datetime, ...]:
    """``minutes`` after local midnight on ``day``, as UTC instants, in time order.

    On a day without a clock change one offset serves every start (plain arithmetic); on the
    change days each wall-clock time is converted alone: one in the spring-forward gap never
    happens and is left out, and an ambiguous one on the autumn night is offered once (its first
    occurrence). Cached by day, starts and zone: what a day's wall clock means never changes.
    """
    midnight = datetime.combine(day, time.min)
    first = midnight.replace(tzinfo=zone).utcoffset()
    last = datetime.combine(day, time.max).replace(tzinfo=zone, fold=1).utcoffset()
    if first == last and midnight.replace(tzinfo=zone, fold=1).utcoffset() == first:
        base = (midnight - first).replace(tzinfo=UTC)
        return tuple(base + timedelta(minutes=m) for m in minutes)
    found = []
    for m in minutes:
        as_utc = _local_to_utc(day, (midnight + timedelta(minutes=m)).time(), zone)
        if as_utc is not None:
            found.append(as_utc)
    return tuple(sorted(set(found)))


@lru_cache(maxsize=4096)
def _day_seconds(day: date, minutes: tuple[int, ...], zone: ZoneInfo) -> tuple[int, ...]:
    """``_day_starts`` as whole seconds since 1970: what the booked spans are compared in."""
    return tuple(int(start.timestamp()) for start in _day_starts(day, minutes, zone))


class _Seconds(Func):
    """A moment as whole seconds since 1970, rounded down (or ``up``), worked out by the database.

    Booked time is only compared, never shown: a fortnight of twenty therapists' appointments (1,292 on the
    public page of the benchmark practice) is read as numbers, not as 2,584 aware datetimes (docs/benchmarks.md).
    Rounding a span's start down and its end up keeps every meeting a whole-second candidate has.
    """

    output_field = BigIntegerField()
    # The database gives a whole number already: no conversion a row (Django's would call int() on each).
    convert_value = staticmethod(Func._convert_value_noop)

    def __init__(self, expression, *, up: bool = False):
        super().__init__(expression)
        self.up = up

    def as_sql(self, compiler, connection, **extra):
        raise NotImplementedError(f"free times read booked time on PostgreSQL and SQLite, not {connection.vendor}")

    def as_postgresql(self, compiler, connection, **extra):
        rounding = "CEIL" if self.up else "FLOOR"
        return super().as_sql(
            compiler, connection, template=f"CAST({rounding}(EXTRACT(EPOCH FROM %(expressions)s)) AS bigint)", **extra
        )

    def as_sqlite(self, compiler, connection, **extra):
        # Django keeps a moment as UTC text, "2026-12-05 10:00:00[.ffffff]": unixepoch() drops the fraction, and only
        # text with one is longer than its whole second. unixepoch() and length() took a third of the time that
        # strftime('%s') and datetime() took on the public page's 1,472 rows (docs/benchmarks.md). unixepoch() came in
        # SQLite 3.38; Django 6.1 runs on 3.37 (Ubuntu 22.04's), where strftime() gives the same whole second.
        if connection.Database.sqlite_version_info >= (3, 38):
            template = "unixepoch(%(expressions)s)"
        else:
            template = "CAST(strftime('%%%%s', %(expressions)s) AS INTEGER)"
        if self.up:
            template = f"({template} + (length(%(expressions)s) > 19))"
        return super().as_sql(compiler, connection, template=template, **extra)


def _booked(shape: tuple, *, who: int, before: datetime, after: datetime, since: datetime, ignore: int):
    one, ignoring = shape
    booked = Appointment.objects.active().filter(
        start__lt=before,
        blocked_until__gt=after,
        # A lower bound on start lets the (therapist, start) and (practice, start) indexes skip years of the past.
        start__gte=since,
        **({"therapist_id": who} if one else {"practice_id": who}),
    )
    if ignoring:
        booked = booked.exclude(pk=ignore)  # an appointment being moved: its own time counts as free
    return booked.order_by().values_list("therapist_id", _Seconds("start"), _Seconds("blocked_until", up=True))


# Booked time that can meet a search's candidates, in whole seconds: (therapist, start, blocked until).
_BOOKED = CompiledRead(
    Appointment, _booked, {"who": int, "before": datetime, "after": datetime, "since": datetime, "ignore": int}
)


def _hours(shape: tuple, *, who: int):
    (one,) = shape
    mine = WorkingHours.objects.filter(**({"therapist_id": who} if one else {"therapist__practice_id": who}))
    return mine.order_by().values_list("therapist_id", "weekday", "start_time", "end_time")


# Working hours of one therapist (``who``), or of every therapist of a practice: (therapist, weekday, start, end).
_HOURS = CompiledRead(WorkingHours, _hours, {"who": int})


def _off(shape: tuple, *, who: int, first: date, last: date):
    (one,) = shape
    day_off = DayOff.objects.filter(
        date__gte=first, date__lte=last, **({"therapist_id": who} if one else {"therapist__practice_id": who})
    )
    away = AwayPeriod.objects.filter(**({"staff_id": who} if one else {"staff__practice_id": who})).overlapping(
        first, last
    )
    return (
        day_off.order_by()
        .annotate(last=F("date"))
        .values_list("therapist_id", "date", "last")
        .union(away.order_by().values_list("staff_id", "starts_on", "ends_on"), all=True)
    )


# Days off and time away of one therapist or of a practice's therapists, meeting [first, last]: (therapist, first
# day, last day) a span.
_OFF = CompiledRead(DayOff, _off, {"who": int, "first": date, "last": date})


def rules_for(therapists) -> dict[int, Availability]:
    """Each therapist's booking rules by id, in one query.

    A therapist without a row gets the defaults, unsaved: this is a read, and
    ``Availability.for_therapist`` would write the row.
    """
    ids = [t.id for t in therapists]
    found = {rules.therapist_id: rules for rules in Availability.objects.filter(therapist_id__in=ids)}
    return {therapist_id: found.get(therapist_id) or Availability(therapist_id=therapist_id) for therapist_id in ids}


class _Booked:
    """One therapist's booked spans, answering "does [start, end) meet any?" by bisection.

    Spans are sorted by start with a running maximum of their ends, so spans that
    overlap each other (or contain one another) still give the right answer. Moments are
    whole seconds since 1970 (``_Seconds``); any ordered values serve.
    """

    def __init__(self, spans: list[tuple[int, int]]):
        spans.sort()
        self.starts = [start for start, _ in spans]
        self.reach = list(accumulate((until for _, until in spans), max))

    def meets(self, start: int, end: int) -> bool:
        before_end = bisect_left(self.starts, end)  # spans starting before ``end``
        return before_end > 0 and self.reach[before_end - 1] > start


@dataclass
class _Plan:
    """What one therapist's rules allow for one search."""

    length: timedelta
    step: timedelta
    earliest: datetime
    horizon: datetime
    first_day: date
    last_day: date


def _offers(rules: Availability, kind: str) -> bool:
    if not rules.accepts_bookings:
        return False
    if kind == Kind.CONSULTATION:
        return rules.offers_consultation
    if kind == Kind.SESSION:
        return rules.offers_session
    return True


def free_slots_by_therapist(
    therapists,
    kind: str,
    *,
    now=None,
    days: int | None = None,
    first_day: date | None = None,
    last_day: date | None = None,
    ignore=None,
    rules: dict[int, Availability] | None = None,
) -> dict[int, list[Slot]]:
    """Bookable starts for ``kind`` with each of ``therapists``, soonest first, by therapist id.

    The therapists belong to one practice. ``first_day``/``last_day`` (practice-local
    dates, inclusive) narrow each therapist's notice-to-horizon range; ``days``
    shortens the horizon. ``ignore`` is an appointment being moved: its own time
    counts as free. ``rules`` (by therapist id) saves the first query when the
    caller has loaded them. At most four queries, whatever the number of
    therapists or days.
    """
    therapists = list(therapists)
    found: dict[int, list[Slot]] = {t.id: [] for t in therapists}
    if not therapists:
        return found
    if len({t.practice_id for t in therapists}) > 1:
        raise ValueError("Free times are found for the therapists of one practice at a time.")
    now = now or timezone.now()
    zone = therapists[0].practice.zone

    plans: dict[int, _Plan] = {}
    if rules is None:
        rules = rules_for(therapists)
    for therapist_id in found:
        own = rules[therapist_id]
        if not _offers(own, kind):
            continue
        length = timedelta(minutes=own.minutes_for(kind))
        earliest = now + timedelta(hours=own.minimum_notice_hours)
        horizon = now + timedelta(days=own.horizon_days)
        if days is not None:
            horizon = min(horizon, now + timedelta(days=days))
        plan = _Plan(
            length=length,
            step=length + timedelta(minutes=own.buffer_minutes),
            earliest=earliest,
            horizon=horizon,
            first_day=max(earliest.astimezone(zone).date(), first_day or date.min),
            last_day=min(horizon.astimezone(zone).date(), last_day or date.max),
        )
        if plan.first_day <= plan.last_day:
            plans[therapist_id] = plan
    if not plans:
        return found

    one = len(plans) == 1
    # One therapist's rows, or the practice's (the searched therapists are most of them, or all): a week's hours
    # are a few rows a therapist, so every weekday is read and the days searched choose among them.
    who = next(iter(plans)) if one else therapists[0].practice_id
    hours_by_day: dict[int, dict[int, list]] = {}
    for therapist_id, weekday, start_time, end_time in _HOURS.rows((one,), who=who):
        if therapist_id in plans:
            hours_by_day.setdefault(therapist_id, {}).setdefault(weekday, []).append((start_time, end_time))
    plans = {therapist_id: plan for therapist_id, plan in plans.items() if therapist_id in hours_by_day}
    if not plans:
        return found

    lowest = min(plan.first_day for plan in plans.values())
    highest = max(plan.last_day for plan in plans.values())
    # Days off and time away (practice.models.AwayPeriod), in one query: a span of days each.
    off = set()
    for therapist_id, first, last in _OFF.rows((one,), who=who, first=lowest, last=highest):
        day = max(first, lowest)
        while day <= min(last, highest):
            off.add((therapist_id, day))
            day += timedelta(days=1)
    # Booked time that can meet any candidate: a day either side of the days searched
    # (local days are not UTC days), and a candidate's whole block past its start.
    window_start = min(
        max(plan.earliest, datetime.combine(plan.first_day, datetime.min.time(), tzinfo=zone) - timedelta(days=1))
        for plan in plans.values()
    )
    window_end = max(
        min(plan.horizon, datetime.combine(plan.last_day, datetime.max.time(), tzinfo=zone) + timedelta(days=1))
        + plan.step
        for plan in plans.values()
    )
    rows = _BOOKED.rows(
        (one, ignore is not None),
        who=who,
        before=window_end,
        after=window_start,
        # Nothing blocks more than LONGEST_BLOCK (the settings form caps a session and break at 5 hours).
        since=window_start - LONGEST_BLOCK,
        ignore=ignore.pk if ignore is not None else 0,
    )
    spans: dict[int, list] = {therapist_id: [] for therapist_id in plans}
    for therapist_id, start, blocked_until in rows:
        if therapist_id in spans:
            spans[therapist_id].append((start, blocked_until))

    for therapist_id, plan in plans.items():
        minutes, step = int(plan.length.total_seconds()) // 60, int(plan.step.total_seconds())
        weekly = {
            weekday: _wall_starts(tuple(sorted(blocks)), minutes, step // 60)
            for weekday, blocks in hours_by_day[therapist_id].items()
        }
        days = []
        day = plan.first_day
        while day <= plan.last_day:
            starts = weekly.get(day.weekday())
            if starts and (therapist_id, day) not in off:
                days.append((day, starts))
            day += timedelta(days=1)
        seconds, slots = _free(therapist_id, tuple(days), zone, plan.length, step, tuple(sorted(spans[therapist_id])))
        # Inside notice and horizon: candidates are whole minutes, so whole seconds compare as the moments do.
        first = bisect_left(seconds, math.ceil(plan.earliest.timestamp()))
        last = bisect_right(seconds, math.floor(plan.horizon.timestamp()))
        found[therapist_id] = list(slots[first:last])
    return found


@lru_cache(maxsize=512)
def _free(
    therapist_id: int,
    days: tuple[tuple[date, tuple[int, ...]], ...],
    zone: ZoneInfo,
    length: timedelta,
    step: int,
    spans: tuple[tuple[int, int], ...],
) -> tuple[tuple[int, ...], tuple[Slot, ...]]:
    """One therapist's free starts on ``days`` (each with its candidate minutes), in time order, and each as whole
    seconds, given the booked ``spans`` (whole seconds, in order) and ``step`` (seconds from one start to the next).

    Keyed by everything the answer depends on, the booked time included, so a booking or a change of hours is a
    new key, never a stale answer; the next visitor asking of the same fortnight (the public page, each client's
    sessions page) reuses it. Notice and horizon, which move with the clock, are applied by the caller.
    """
    busy = _Booked(list(spans))
    seconds: list[int] = []
    slots: list[Slot] = []
    for day, minutes in days:
        day_seconds = _day_seconds(day, minutes, zone)
        starts = _day_starts(day, minutes, zone)
        if day_seconds and not busy.meets(day_seconds[0], day_seconds[-1] + step):
            seconds.extend(day_seconds)  # nothing booked meets the day: every start
            slots.extend(Slot(therapist_id, start, start + length) for start in starts)
            continue
        for second, start in zip(day_seconds, starts, strict=True):
            if not busy.meets(second, second + step):
                seconds.append(second)
                slots.append(Slot(therapist_id, start, start + length))
    # Days in order, and each day's starts in order (``_wall_starts``, ``_day_starts``): already sorted.
    return tuple(seconds), tuple(slots)


def free_slots(
    therapist, kind: str, *, now=None, days: int | None = None, ignore=None, around: datetime | None = None, span=None
) -> list[Slot]:
    """Bookable starts for ``kind`` with ``therapist``, soonest first.

    ``ignore`` is an appointment being moved: its own time counts as free.
    ``around``/``span`` limit the search to the practice-local days from
    ``around - span`` to ``around + span`` (checking one time needs one day).
    Four queries, whatever the range.
    """
    first_day = last_day = None
    if around is not None:
        zone = therapist.practice.zone
        span = span or timedelta(0)
        first_day = (around - span).astimezone(zone).date()
        last_day = (around + span).astimezone(zone).date()
    found = free_slots_by_therapist(
        [therapist], kind, now=now, days=days, first_day=first_day, last_day=last_day, ignore=ignore
    )
    return found[therapist.id]


def slot_is_free(therapist, kind: str, start: datetime, *, now=None, ignore=None) -> bool:
    found = free_slots(therapist, kind, now=now, ignore=ignore, around=start)
    return any(slot.start == start for slot in found)


def free_at(therapists, kind: str, start: datetime, *, now=None) -> list:
    """Those of ``therapists`` (one practice) free for ``kind`` at ``start``, in the order given."""
    therapists = list(therapists)
    if not therapists:
        return []
    day = start.astimezone(therapists[0].practice.zone).date()
    found = free_slots_by_therapist(therapists, kind, now=now, first_day=day, last_day=day)
    return [t for t in therapists if any(slot.start == start for slot in found[t.id])]
