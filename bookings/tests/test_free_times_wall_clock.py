"""Free times stepped on the practice's wall clock, and converted only where shown (issue 22).

The clock-change weeks are the next ones after today in Europe/London, worked out from the zone
itself, so these tests mean the same on any later date. The old computation (stepping in UTC from
each block's start) is kept here as the oracle for ordinary hours, where the two must agree.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from bookings.free_times import group_by_day
from bookings.models import Appointment, Availability, DayOff, Kind, WorkingHours
from bookings.slots import Slot, free_slots, free_slots_by_therapist
from bookings.tests.helpers import open_every_day
from bookings.views_front_door import _consulting_therapists
from tending.testing.factories import StaffFactory, UserFactory
from tending.testing.personas import TendingTestCase

LONDON = ZoneInfo("Europe/London")


def _next_clock_change(month: int) -> date:
    """The next day in ``month`` (after the coming few days) on which London's clocks change."""
    day = timezone.now().astimezone(LONDON).date() + timedelta(days=4)
    for _ in range(800):
        noon = datetime.combine(day, time(12), tzinfo=LONDON)
        if day.month == month and noon.utcoffset() != (noon - timedelta(days=1)).utcoffset():
            return day
        day += timedelta(days=1)
    raise AssertionError("no clock change found")  # pragma: no cover


SPRING_SUNDAY = _next_clock_change(3)
AUTUMN_SUNDAY = _next_clock_change(10)


def _before(sunday: date) -> datetime:
    """Noon (UTC) on the Thursday before ``sunday``."""
    return datetime.combine(sunday - timedelta(days=3), time(12), tzinfo=UTC)


def _old_local_to_utc(day: date, clock: time) -> datetime | None:
    local = datetime.combine(day, clock).replace(tzinfo=LONDON, fold=0)
    as_utc = local.astimezone(UTC)
    if as_utc.astimezone(LONDON).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return as_utc


def _old_free_slots(therapist, kind: str, now: datetime) -> list[tuple]:
    """The computation before issue 22: each block converted to UTC and stepped in UTC, every span checked."""
    rules = Availability.objects.filter(therapist=therapist).first() or Availability()
    offered = rules.offers_consultation if kind == Kind.CONSULTATION else rules.offers_session
    if not (rules.accepts_bookings and offered):
        return []
    length = timedelta(minutes=rules.minutes_for(kind))
    step = length + timedelta(minutes=rules.buffer_minutes)
    earliest = now + timedelta(hours=rules.minimum_notice_hours)
    horizon = now + timedelta(days=rules.horizon_days)
    spans = list(Appointment.objects.active().filter(therapist=therapist).values_list("start", "blocked_until"))
    off = set(DayOff.objects.filter(therapist=therapist).values_list("date", flat=True))
    found = []
    day = earliest.astimezone(LONDON).date()
    while day <= horizon.astimezone(LONDON).date():
        for hours in WorkingHours.objects.filter(therapist=therapist, weekday=day.weekday()):
            start = _old_local_to_utc(day, hours.start_time)
            finish = _old_local_to_utc(day, hours.end_time)
            while start and finish and start + length <= finish:
                free = not any(s < start + step and b > start for s, b in spans)
                if free and earliest <= start <= horizon and day not in off:
                    found.append((therapist.id, start, start + length))
                start += step
        day += timedelta(days=1)
    return sorted(found, key=lambda slot: slot[1])


def _plain(slots) -> list[tuple]:
    return [(slot.therapist_id, slot.start, slot.end) for slot in slots]


def _book(therapist, start: datetime, minutes: int, **fields) -> Appointment:
    return Appointment.objects.create(
        practice=therapist.practice,
        therapist=therapist,
        kind=Kind.CONSULTATION,
        start=start,
        end=start + timedelta(minutes=minutes),
        blocked_until=start + timedelta(minutes=minutes + 10),
        **fields,
    )


def _london(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=LONDON).astimezone(UTC)


def _clocks(slots, day: date) -> list[str]:
    local = [slot.start.astimezone(LONDON) for slot in slots]
    return [f"{at:%H:%M}" for at in local if at.date() == day]


class ClockChangeTests(TendingTestCase):
    """A therapist who works through the clock-change night (Sunday 00:00–04:00) and on Sunday morning."""

    def setUp(self):
        self.therapist = self.w.therapist
        WorkingHours.objects.create(therapist=self.therapist, weekday=6, start_time=time(0), end_time=time(4))
        WorkingHours.objects.create(therapist=self.therapist, weekday=6, start_time=time(9), end_time=time(12))
        WorkingHours.objects.create(therapist=self.therapist, weekday=5, start_time=time(9), end_time=time(12))
        Availability.objects.create(
            therapist=self.therapist, minimum_notice_hours=0, buffer_minutes=10, consultation_minutes=20
        )
        self.grid = [f"{m // 60:02d}:{m % 60:02d}" for m in range(0, 4 * 60 - 20 + 1, 30)]
        self.morning = ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]

    def test_spring_forward_offers_no_time_that_never_happens_and_keeps_the_grid(self):
        sunday = SPRING_SUNDAY
        with time_machine.travel(_before(sunday), tick=False):
            slots = free_slots(self.therapist, Kind.CONSULTATION)
        night = [clock for clock in self.grid if not clock.startswith("01:")]  # 01:00–01:59 never happens
        self.assertEqual(_clocks(slots, sunday), night + self.morning)
        # 09:00 stays 09:00 on the wall clock either side of the change (so it moves an hour in UTC).
        self.assertEqual(_clocks(slots, sunday - timedelta(days=1)), self.morning)
        saturday_nine = _london(sunday - timedelta(days=1), time(9))
        sunday_nine = _london(sunday, time(9))
        self.assertEqual(sunday_nine - saturday_nine, timedelta(hours=23))
        self.assertIn(sunday_nine, {slot.start for slot in slots})
        for slot in slots:  # every time offered is a real instant that reads back as itself
            local = slot.start.astimezone(LONDON)
            self.assertEqual(local.replace(tzinfo=None).replace(tzinfo=LONDON).astimezone(UTC), slot.start)

    def test_fall_back_offers_an_ambiguous_time_once_at_its_first_occurrence(self):
        sunday = AUTUMN_SUNDAY
        with time_machine.travel(_before(sunday), tick=False):
            slots = free_slots(self.therapist, Kind.CONSULTATION)
        clocks = _clocks(slots, sunday)
        self.assertEqual(clocks, self.grid + self.morning)  # 01:00 and 01:30 once each, on the grid
        one_am = next(s.start for s in slots if s.start.astimezone(LONDON) == datetime.combine(sunday, time(1), LONDON))
        self.assertEqual(one_am.astimezone(LONDON).utcoffset(), timedelta(hours=1))  # still summer time
        self.assertEqual(_clocks(slots, sunday - timedelta(days=1)), self.morning)
        self.assertEqual(_london(sunday, time(9)) - _london(sunday - timedelta(days=1), time(9)), timedelta(hours=25))

    def test_a_booking_across_the_change_blocks_by_real_time(self):
        sunday = AUTUMN_SUNDAY
        # 00:30 summer time, 80 minutes and a 10-minute break: blocked to 01:00 winter time (the second 01:00).
        _book(self.therapist, _london(sunday, time(0, 30)), 80)
        with time_machine.travel(_before(sunday), tick=False):
            clocks = _clocks(free_slots(self.therapist, Kind.CONSULTATION), sunday)
        self.assertEqual(clocks[:2], ["00:00", "02:00"])


class OldComputationTests(TendingTestCase):
    """With ordinary hours, the wall-clock computation gives exactly what the old one gave."""

    def setUp(self):
        practice = self.w.practice
        self.therapists = [self.w.therapist, self.w.colleague]
        rules = [
            dict(start=time(9), end=time(17), buffer_minutes=10, minimum_notice_hours=24),
            dict(start=time(8, 15), end=time(12, 40), buffer_minutes=0, consultation_minutes=30, horizon_days=21),
        ]
        for n in range(4):
            self.therapists.append(
                StaffFactory(practice=practice, user=UserFactory(email=f"o{n}@willow.test", name=f"Oracle {n}"))
            )
            rules.append(
                dict(
                    start=time(7 + n, 5 * n),
                    end=time(15 + n, 10 * n),
                    buffer_minutes=5 * n,
                    session_minutes=45 + 5 * n,
                    minimum_notice_hours=n * 7,
                    horizon_days=30 + n * 5,
                )
            )
        for therapist, own in zip(self.therapists, rules, strict=True):
            open_every_day(therapist, **own)
        # A second block on Wednesdays for one, and another who takes no consultations.
        WorkingHours.objects.create(therapist=self.therapists[2], weekday=2, start_time=time(18), end_time=time(21))
        Availability.objects.filter(therapist=self.therapists[3]).update(offers_consultation=False)

    def arrange(self, now: datetime):
        for n, therapist in enumerate(self.therapists):
            day = (now + timedelta(days=2 + n)).astimezone(LONDON).date()
            DayOff.objects.create(therapist=therapist, date=day)
            for k in range(12):
                _book(therapist, now + timedelta(days=k, hours=3 * n, minutes=7 * k), 20 + 15 * (k % 4))

    def test_the_free_times_equal_the_old_computation_in_ordinary_and_clock_change_weeks(self):
        for now in (timezone.now(), _before(SPRING_SUNDAY), _before(AUTUMN_SUNDAY)):
            with self.subTest(now=now), time_machine.travel(now, tick=False):
                self.arrange(now)
                for kind in (Kind.CONSULTATION, Kind.SESSION):
                    batch = free_slots_by_therapist(self.therapists, kind)
                    for therapist in self.therapists:
                        self.assertEqual(_plain(batch[therapist.id]), _old_free_slots(therapist, kind, now))
                self.assertTrue(batch[self.therapists[0].id])
            DayOff.objects.all().delete()
            Appointment.objects.all().delete()


# _days.html's linked times as the template wrote them before FreeDay.links: the oracle for the markup.
OLD_LINKS = (
    "{% for anchor, label, times in days %}[{% for _key, text, link, who in times %}\n"
    '    <li><a class="slot" href="{{ link }}">{{ text }}<span class="visually-hidden"> on {{ label }}</span>'
    '{% if who %}<span class="slot__who"> with {{ who }}</span>{% endif %}</a></li>\n'
    "    {% endfor %}]{% endfor %}"
)
NEW_LINKS = "{% for day in days %}[{{ day.links }}]{% endfor %}"


class MarkupTests(TendingTestCase):
    def test_the_links_made_in_python_are_the_markup_the_template_made(self):
        start = datetime.combine(AUTUMN_SUNDAY - timedelta(days=1), time(22), tzinfo=UTC)
        slots = []
        for n in range(12):
            at = start + timedelta(hours=2 * (n // 2))
            slots.append(Slot(n % 3, at, at + timedelta(minutes=20)))
        names = {0: "Ana", 1: "O'Brien & <Co>", 2: 'Bea "B"'}

        def who(therapist_id, key):
            return names[therapist_id], f"/p/w/book/{key}/?with={therapist_id}&tz=Europe/London"

        for days in (
            group_by_day(slots, "Europe/London", who=who),
            group_by_day(slots, "America/New_York", lambda key: f"/to/{key}/?a=1&b=<2>"),
        ):
            context = Context({"days": days})
            self.assertGreater(len(days), 1)
            self.assertEqual(Template(NEW_LINKS).render(context), Template(OLD_LINKS).render(context))


class PageQueryTests(TendingTestCase):
    def test_the_free_times_page_makes_the_same_queries_for_two_and_twenty_therapists(self):
        url = reverse("bookings:consult_slots", kwargs={"slug": "willow"})
        therapists = [self.w.therapist, self.w.colleague]
        for therapist in therapists:
            open_every_day(therapist, minimum_notice_hours=0)
        with time_machine.travel(timezone.now(), tick=False):
            for count in (2, 20):
                for n in range(len(therapists), count):
                    therapist = StaffFactory(
                        practice=self.w.practice, user=UserFactory(email=f"q{n}@willow.test", name=f"Q {n}")
                    )
                    open_every_day(therapist, start=time(8 + n % 3), end=time(16), minimum_notice_hours=0)
                    therapists.append(therapist)
                self.assertEqual(len(_consulting_therapists(self.w.practice)), count)
                for params in ({}, {"with": str(self.w.colleague.uuid)}, {"tz": "Pacific/Auckland"}):
                    with self.subTest(count=count, params=params), self.assertNumQueries(5):
                        response = self.client.get(url, params)
                    self.assertEqual(response.status_code, 200)
                    self.assertContains(response, 'class="slot"')
