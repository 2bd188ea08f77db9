"""Free times: a therapist's working hours, less days off, notice, horizon and booked time.

Working hours are wall-clock times in the practice's time zone, so a 09:00 start
stays 09:00 for the practice across daylight-saving changes (and moves by an
hour in UTC). A wall-clock time that does not exist on a spring-forward night
is skipped; an ambiguous one on the autumn night takes its first occurrence.

``free_slots_by_therapist`` is the core: any number of therapists of one
practice in at most four queries (rules, working hours, days off, booked time),
over only the practice-local days asked for. ``free_slots`` and
``slot_is_free`` are that core for one therapist.
"""

from bisect import bisect_left
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate

from django.db.models import F
from django.utils import timezone

from bookings.models import Appointment, Availability, DayOff, Kind, WorkingHours
from practice.models import AwayPeriod

# No appointment blocks a therapist's time for longer than this (session 180 + break 120 minutes at most).
LONGEST_BLOCK = timedelta(hours=12)


@dataclass(frozen=True)
class Slot:
    therapist_id: int
    start: datetime  # aware, UTC
    end: datetime

    @property
    def key(self) -> str:
        return self.start.strftime("%Y%m%dT%H%MZ")


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
    overlap each other (or contain one another) still give the right answer.
    """

    def __init__(self, spans: list[tuple[datetime, datetime]]):
        spans.sort()
        self.starts = [start for start, _ in spans]
        self.reach = list(accumulate((until for _, until in spans), max))

    def meets(self, start: datetime, end: datetime) -> bool:
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

    lowest = min(plan.first_day for plan in plans.values())
    highest = max(plan.last_day for plan in plans.values())
    hours = WorkingHours.objects.filter(therapist_id__in=plans)
    if (highest - lowest).days < 6:
        hours = hours.filter(
            weekday__in={(lowest + timedelta(days=n)).weekday() for n in range((highest - lowest).days + 1)}
        )
    hours_by_day: dict[int, dict[int, list]] = {}
    for therapist_id, weekday, start_time, end_time in hours.values_list(
        "therapist_id", "weekday", "start_time", "end_time"
    ):
        hours_by_day.setdefault(therapist_id, {}).setdefault(weekday, []).append((start_time, end_time))
    plans = {therapist_id: plan for therapist_id, plan in plans.items() if therapist_id in hours_by_day}
    if not plans:
        return found

    lowest = min(plan.first_day for plan in plans.values())
    highest = max(plan.last_day for plan in plans.values())
    # Days off and time away (practice.models.AwayPeriod), in one query: a span of days each.
    day_off = DayOff.objects.filter(therapist_id__in=plans, date__gte=lowest, date__lte=highest)
    away = AwayPeriod.objects.filter(staff_id__in=plans).overlapping(lowest, highest)
    off = set()
    for therapist_id, first, last in (
        day_off.order_by()
        .annotate(last=F("date"))
        .values_list("therapist_id", "date", "last")
        .union(away.order_by().values_list("staff_id", "starts_on", "ends_on"), all=True)
    ):
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
    booked = Appointment.objects.active().filter(
        therapist_id__in=plans,
        start__lt=window_end,
        blocked_until__gt=window_start,
        # A lower bound on start lets the (therapist, start) index skip years of past appointments;
        # nothing blocks more than LONGEST_BLOCK (the settings form caps a session and break at 5 hours).
        start__gte=window_start - LONGEST_BLOCK,
    )
    if ignore is not None:
        booked = booked.exclude(pk=ignore.pk)
    spans: dict[int, list] = {therapist_id: [] for therapist_id in plans}
    for therapist_id, start, blocked_until in booked.order_by().values_list("therapist_id", "start", "blocked_until"):
        spans[therapist_id].append((start, blocked_until))

    for therapist_id, plan in plans.items():
        busy = _Booked(spans[therapist_id])
        weekly = hours_by_day[therapist_id]
        slots = found[therapist_id]
        day = plan.first_day
        while day <= plan.last_day:
            if (therapist_id, day) not in off:
                for start_time, end_time in weekly.get(day.weekday(), []):
                    start = _local_to_utc(day, start_time, zone)
                    finish = _local_to_utc(day, end_time, zone)
                    if start is None or finish is None:
                        continue
                    while start + plan.length <= finish:
                        if plan.earliest <= start <= plan.horizon and not busy.meets(start, start + plan.step):
                            slots.append(Slot(therapist_id, start, start + plan.length))
                        start += plan.step
            day += timedelta(days=1)
        slots.sort(key=lambda slot: slot.start)
    return found


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
