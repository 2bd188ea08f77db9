"""When an answer can be expected: a client's message gets a reply-by moment from their therapist's promise.

``reply_within_days`` working days after the message, where a working day is one of the therapist's
working weekdays (their working hours in bookings; Monday to Friday when they have set none) that is not
a day off, not inside an away period and not a public holiday of the practice's country and region
(the ``holidays`` library). A message sent on a working day counts from the next one: "within two
working days" of Monday afternoon is the end of Wednesday. The moment is the end of that day in the
practice's time zone, so a client is never told a time of day nobody promised.
"""

import datetime
from dataclasses import dataclass

from bookings.models import DayOff, WorkingHours
from practice.holidays import public_holiday
from practice.models import AwayPeriod, StaffMember

WEEKDAYS = frozenset(range(5))
# Far enough for any promise with a long absence inside it, short enough to stop a loop that finds no day.
LOOK_AHEAD_DAYS = 400


@dataclass(frozen=True)
class Calendar:
    """A therapist's working days over a stretch of time, read in three queries."""

    practice: object
    weekdays: frozenset[int]
    days_off: frozenset[datetime.date]
    away: tuple[tuple[datetime.date, datetime.date], ...]

    @classmethod
    def of(cls, staff: StaffMember, start: datetime.date, days: int = LOOK_AHEAD_DAYS) -> "Calendar":
        end = start + datetime.timedelta(days=days)
        weekdays = frozenset(WorkingHours.objects.filter(therapist=staff).values_list("weekday", flat=True))
        days_off = frozenset(
            DayOff.objects.filter(therapist=staff, date__range=(start, end)).values_list("date", flat=True)
        )
        away = tuple(AwayPeriod.objects.filter(staff=staff).overlapping(start, end).values_list("starts_on", "ends_on"))
        return cls(practice=staff.practice, weekdays=weekdays or WEEKDAYS, days_off=days_off, away=away)

    @classmethod
    def of_practice(cls, practice) -> "Calendar":
        """The practice office's: Monday to Friday, less public holidays."""
        return cls(practice=practice, weekdays=WEEKDAYS, days_off=frozenset(), away=())

    def is_working_day(self, day: datetime.date) -> bool:
        return (
            day.weekday() in self.weekdays
            and day not in self.days_off
            and not any(first <= day <= last for first, last in self.away)
            and not public_holiday(self.practice, day)
        )

    def working_days_after(self, day: datetime.date, count: int) -> datetime.date:
        """The ``count``-th working day after ``day`` (``day`` itself never counts); ``count`` 0 is ``day``."""
        found = day
        for _ in range(LOOK_AHEAD_DAYS):
            if count <= 0:
                return found
            found += datetime.timedelta(days=1)
            if self.is_working_day(found):
                count -= 1
        return found

    def next_working_day(self, day: datetime.date) -> datetime.date:
        """``day`` if it is a working day, else the first after it."""
        return day if self.is_working_day(day) else self.working_days_after(day, 1)


def end_of_day(day: datetime.date, zone) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=zone)


def reply_by(*, practice, staff: StaffMember | None, within_days: int, sent_at: datetime.datetime) -> datetime.datetime:
    """The end of the ``within_days``-th working day after ``sent_at`` (at least the next one) of ``staff``,
    or of the practice office when ``staff`` is None."""
    zone = practice.zone
    sent_on = sent_at.astimezone(zone).date()
    calendar = Calendar.of(staff, sent_on) if staff is not None else Calendar.of_practice(practice)
    return end_of_day(calendar.working_days_after(sent_on, max(within_days, 1)), zone)
