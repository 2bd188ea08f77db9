"""Writes for a therapist's availability: the ranges of their weekly hours and their days off.

Free times are worked out from these rows on every request (``slots.py`` keeps only what follows from a
row's contents, such as a weekday's wall-clock starts, keyed by those contents), so a change reaches the
public booking page at once: ``reach_message`` says so, in the therapist's own rules.
"""

from datetime import date, time, timedelta

from django.db import transaction

from bookings.models import Availability, DayOff, WorkingHours
from practice.models import StaffMember

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# A holiday is added in one go; a longer absence is time away (care), with cover for clients.
LONGEST_BREAK_DAYS = 62


class AvailabilityError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _lock(therapist) -> None:
    # Two tabs adding hours at once would each see no overlap: the therapist's row orders them (PostgreSQL;
    # SQLite's IMMEDIATE transactions already queue writers).
    StaffMember.objects.select_for_update().filter(pk=therapist.pk).first()


def hours_add(*, therapist, weekday: int, start: time, end: time) -> WorkingHours:
    """Add one range of working hours on ``weekday``. Refuses a range that ends before it starts or overlaps
    another on that day (touching is fine: 09:00–12:00 and 12:00–13:00)."""
    if end <= start:
        raise AvailabilityError("Please choose an end time after the start time.")
    with transaction.atomic():
        _lock(therapist)
        clash = (
            WorkingHours.objects.filter(therapist=therapist, weekday=weekday, start_time__lt=end, end_time__gt=start)
            .order_by("start_time")
            .first()
        )
        if clash is not None:
            raise AvailabilityError(
                f"This overlaps your hours of {clash.start_time:%H:%M} to {clash.end_time:%H:%M} on "
                f"{WEEKDAYS[weekday]}. Please choose a time outside them, or remove those first."
            )
        return WorkingHours.objects.create(therapist=therapist, weekday=weekday, start_time=start, end_time=end)


def hours_remove(*, therapist, hours_id: int) -> WorkingHours | None:
    """Remove one of ``therapist``'s ranges; someone else's (or one already gone) is left alone."""
    with transaction.atomic():
        found = WorkingHours.objects.filter(therapist=therapist, pk=hours_id).first()
        if found is not None:
            found.delete()
    return found


def days_off_add(*, therapist, first: date, last: date | None = None, note: str = "", today: date) -> list[DayOff]:
    """Days off from ``first`` to ``last`` (one day when ``last`` is empty). Days already off keep their note."""
    last = last or first
    if first < today:
        raise AvailabilityError("Please choose today or a later day.")
    if last < first:
        raise AvailabilityError("Please choose a last day on or after the first day.")
    if (last - first).days + 1 > LONGEST_BREAK_DAYS:
        raise AvailabilityError(
            f"Please add at most {LONGEST_BREAK_DAYS} days at once. For a longer absence, time away with cover "
            "looks after your clients too."
        )
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    with transaction.atomic():
        have = set(DayOff.objects.filter(therapist=therapist, date__in=days).values_list("date", flat=True))
        made = DayOff.objects.bulk_create(
            [DayOff(therapist=therapist, date=day, note=note) for day in days if day not in have]
        )
    return made


def day_off_remove(*, therapist, day_off_id: int) -> DayOff | None:
    with transaction.atomic():
        found = DayOff.objects.filter(therapist=therapist, pk=day_off_id).first()
        if found is not None:
            found.delete()
    return found


def reach_message(rules: Availability) -> str:
    """When a change to hours or days off reaches the public booking page: at once, within the therapist's rules."""
    if not rules.accepts_bookings:
        return (
            "You are not taking new bookings at the moment, so no one can book these times until you "
            "turn “Take new bookings” back on."
        )
    return (
        f"Clients can book these times now, from {rules.minimum_notice_hours} hours ahead up to "
        f"{rules.horizon_days} days ahead."
    )
