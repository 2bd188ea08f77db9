"""Free times: a therapist's working hours, less days off, notice, horizon and booked time.

Working hours are wall-clock times in the practice's time zone, so a 09:00 start
stays 09:00 for the practice across daylight-saving changes (and moves by an
hour in UTC). A wall-clock time that does not exist on a spring-forward night
is skipped; an ambiguous one on the autumn night takes its first occurrence.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

from bookings.models import Appointment, Availability, DayOff, Kind, WorkingHours


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


def free_slots(
    therapist, kind: str, *, now=None, days: int | None = None, ignore=None, around: datetime | None = None, span=None
) -> list[Slot]:
    """Bookable starts for ``kind`` with ``therapist``, soonest first.

    ``ignore`` is an appointment being moved: its own time counts as free.
    ``around``/``span`` limit the search to the practice-local days from
    ``around - span`` to ``around + span`` (checking one time needs one day).
    Four queries, whatever the range.
    """
    now = now or timezone.now()
    rules = Availability.for_therapist(therapist)
    if not rules.accepts_bookings:
        return []
    if (kind == Kind.CONSULTATION and not rules.offers_consultation) or (
        kind == Kind.SESSION and not rules.offers_session
    ):
        return []
    zone = therapist.practice.zone
    length = timedelta(minutes=rules.minutes_for(kind))
    buffer = timedelta(minutes=rules.buffer_minutes)
    step = length + buffer
    earliest = now + timedelta(hours=rules.minimum_notice_hours)
    horizon = now + timedelta(days=days if days is not None else rules.horizon_days)
    if days is not None:
        horizon = min(horizon, now + timedelta(days=rules.horizon_days))

    hours_by_day: dict[int, list] = {}
    for hours in WorkingHours.objects.filter(therapist=therapist):
        hours_by_day.setdefault(hours.weekday, []).append(hours)
    if not hours_by_day:
        return []
    first_day = earliest.astimezone(zone).date()
    last_day = horizon.astimezone(zone).date()
    if around is not None:
        span = span or timedelta(0)
        first_day = max(first_day, (around - span).astimezone(zone).date())
        last_day = min(last_day, (around + span).astimezone(zone).date())
    off = set(
        DayOff.objects.filter(therapist=therapist, date__gte=first_day, date__lte=last_day).values_list(
            "date", flat=True
        )
    )
    window_start = max(earliest, datetime.combine(first_day, datetime.min.time(), tzinfo=zone) - timedelta(days=1))
    window_end = min(horizon, datetime.combine(last_day, datetime.max.time(), tzinfo=zone) + timedelta(days=1))
    booked = Appointment.objects.active().filter(
        therapist=therapist, start__lt=window_end + step, blocked_until__gt=window_start
    )
    if ignore is not None:
        booked = booked.exclude(pk=ignore.pk)
    spans = list(booked.values_list("start", "blocked_until"))

    found: list[Slot] = []
    day = first_day
    while day <= last_day:
        if day not in off:
            for hours in hours_by_day.get(day.weekday(), []):
                start = _local_to_utc(day, hours.start_time, zone)
                finish = _local_to_utc(day, hours.end_time, zone)
                if start is None or finish is None:
                    continue
                while start + length <= finish:
                    blocked_until = start + step
                    if earliest <= start <= horizon and not any(s < blocked_until and b > start for s, b in spans):
                        found.append(Slot(therapist.id, start, start + length))
                    start += step
        day += timedelta(days=1)
    found.sort(key=lambda slot: slot.start)
    return found


def slot_is_free(therapist, kind: str, start: datetime, *, now=None, ignore=None) -> bool:
    found = free_slots(therapist, kind, now=now, ignore=ignore, around=start)
    return any(slot.start == start for slot in found)
