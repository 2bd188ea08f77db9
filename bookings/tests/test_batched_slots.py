"""Free times for several therapists at once: the answers of one at a time, in a fixed number of queries.

The public consultation page computes only the weeks it shows; its week and its
paging links must still match what the whole horizon would give.
"""

import re
from datetime import UTC, date, datetime, time, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import time_machine
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from bookings.free_times import DAYS_SHOWN, window
from bookings.models import Appointment, Availability, DayOff, Kind, WorkingHours
from bookings.slots import _Booked, _local_to_utc, _Seconds, free_at, free_slots, free_slots_by_therapist, slot_is_free
from bookings.tests.helpers import open_every_day
from bookings.views_front_door import _consulting_therapists, consult_window
from tending.testing.factories import StaffFactory, UserFactory
from tending.testing.personas import TendingTestCase

LONDON = ZoneInfo("Europe/London")
BASE = datetime(2031, 1, 1, tzinfo=UTC)
# The Thursday before the spring-forward night (Sunday 30 March 2031) and before the autumn one (26 October).
SPRING = datetime(2031, 3, 27, 12, 0, tzinfo=UTC)
AUTUMN = datetime(2031, 10, 23, 12, 0, tzinfo=UTC)


def _minutes(n: int) -> datetime:
    return BASE + timedelta(minutes=n)


span_strategy = st.tuples(st.integers(0, 600), st.integers(1, 240))


@given(spans=st.lists(span_strategy, max_size=12), probe=span_strategy)
@example(spans=[(0, 300), (60, 10)], probe=(120, 30))  # a short span inside a long one, probed after it
@example(spans=[(0, 30), (30, 30)], probe=(30, 30))  # back to back
def test_the_bisect_check_agrees_with_checking_every_span(spans, probe):
    booked = [(_minutes(start), _minutes(start + length)) for start, length in spans]
    start, end = _minutes(probe[0]), _minutes(probe[0] + probe[1])
    expected = any(s < end and b > start for s, b in booked)
    assert _Booked(list(booked)).meets(start, end) == expected


def _reference_slots(therapist, kind: str, now: datetime) -> list[tuple]:
    """The slow way: every candidate of the whole horizon against every booked span."""
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
            # Stepped on the wall clock (09:00 stays 09:00 on a clock-change day); a time in the
            # spring-forward gap never happens, an ambiguous one counts once (its first occurrence).
            clock = datetime.combine(day, hours.start_time)
            while clock + length <= datetime.combine(day, hours.end_time):
                start = _local_to_utc(day, clock.time(), LONDON)
                free = start is not None and not any(s < start + step and b > start for s, b in spans)
                if free and earliest <= start <= horizon and day not in off:
                    found.append((therapist.id, start, start + length))
                clock += step
        day += timedelta(days=1)
    return sorted(found, key=lambda slot: slot[1])


def _plain(slots) -> list[tuple]:
    return [(slot.therapist_id, slot.start, slot.end) for slot in slots]


def _book(therapist, start: datetime, minutes: int, buffer: int = 0, **fields) -> Appointment:
    return Appointment.objects.create(
        practice=therapist.practice,
        therapist=therapist,
        kind=Kind.CONSULTATION,
        start=start,
        end=start + timedelta(minutes=minutes),
        **{"blocked_until": start + timedelta(minutes=minutes + buffer), **fields},
    )


def _london(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=LONDON).astimezone(UTC)


class BatchedCoreTests(TendingTestCase):
    def setUp(self):
        willow = self.w.practice
        self.ana, self.ben = self.w.therapist, self.w.colleague
        self.cleo = StaffFactory(practice=willow, user=UserFactory(email="cleo@willow.test", name="Cleo Therapist"))
        self.dan = StaffFactory(practice=willow, user=UserFactory(email="dan@willow.test", name="Dan Therapist"))
        self.eve = StaffFactory(practice=willow, user=UserFactory(email="eve@willow.test", name="Eve Therapist"))
        self.everyone = [self.ana, self.ben, self.cleo, self.dan, self.eve]
        open_every_day(self.ana, minimum_notice_hours=0, buffer_minutes=10)
        for weekday in range(5):
            WorkingHours.objects.create(therapist=self.ben, weekday=weekday, start_time=time(8), end_time=time(12))
            WorkingHours.objects.create(therapist=self.ben, weekday=weekday, start_time=time(13), end_time=time(18))
            WorkingHours.objects.create(therapist=self.dan, weekday=weekday, start_time=time(9), end_time=time(17))
        Availability.objects.create(therapist=self.ben, buffer_minutes=0, consultation_minutes=30, horizon_days=21)
        # Cleo works through both clock-change nights (Sunday 00:30–03:30) and on Saturdays.
        WorkingHours.objects.create(therapist=self.cleo, weekday=6, start_time=time(0, 30), end_time=time(3, 30))
        WorkingHours.objects.create(therapist=self.cleo, weekday=5, start_time=time(10), end_time=time(14))
        Availability.objects.create(therapist=self.cleo, buffer_minutes=5, minimum_notice_hours=0)
        # Dan has no Availability row: the defaults apply. Eve takes no bookings at all.
        open_every_day(self.eve, accepts_bookings=False)

    def arrange(self, now: datetime):
        """Days off and bookings in the fortnight after ``now``: back to back, long, cancelled."""
        monday = (now.astimezone(LONDON) + timedelta(days=7 - now.astimezone(LONDON).weekday())).date()
        DayOff.objects.create(therapist=self.ben, date=monday)  # Ana works that day
        DayOff.objects.create(therapist=self.ana, date=monday + timedelta(days=1))
        DayOff.objects.create(therapist=self.cleo, date=monday - timedelta(days=2))  # a Saturday
        first = _book(self.ana, _london(monday, time(10)), 20, 10)
        _book(self.ana, first.blocked_until, 20, 10)  # back to back
        _book(self.ana, _london(monday, time(11, 5)), 20, 10)  # off the slot grid
        _book(self.ben, _london(monday + timedelta(days=2), time(13)), 120)
        _book(self.dan, _london(monday + timedelta(days=3), time(9, 30)), 50, status=Appointment.Status.CANCELLED)
        _book(self.cleo, _london(monday - timedelta(days=1), time(2, 0)), 20)
        # Starts just after Ben's 21-day horizon, yet blocks a time at the horizon (in spring: 13:00 BST).
        _book(self.ben, now + timedelta(days=21, minutes=10), 20)
        return monday

    def test_the_batch_gives_each_therapist_the_slots_they_get_alone(self):
        for now in (SPRING, AUTUMN):
            with self.subTest(now=now), time_machine.travel(now, tick=False):
                monday = self.arrange(now)
                for kind in (Kind.CONSULTATION, Kind.SESSION):
                    batch = free_slots_by_therapist(self.everyone, kind)
                    self.assertEqual(set(batch), {t.id for t in self.everyone})
                    for therapist in self.everyone:
                        alone = _plain(free_slots(therapist, kind))
                        self.assertEqual(_plain(batch[therapist.id]), alone, (kind, therapist))
                        self.assertEqual(alone, _reference_slots(therapist, kind, now), (kind, therapist))
                consultations = free_slots_by_therapist(self.everyone, Kind.CONSULTATION)
                days = {t.id: {s.start.astimezone(LONDON).date() for s in consultations[t.id]} for t in self.everyone}
                self.assertNotIn(monday, days[self.ben.id])
                self.assertIn(monday, days[self.ana.id])
                self.assertEqual(consultations[self.eve.id], [])
                self.assertTrue(consultations[self.dan.id])
                # Back to back at 10:00 and 10:30, then 11:05–11:25 (blocked to 11:35) off the grid.
                starts = {s.start for s in consultations[self.ana.id]}
                offered = [
                    _london(monday, time(h, m)) in starts for h, m in ((10, 0), (10, 30), (11, 0), (11, 30), (12, 0))
                ]
                self.assertEqual(offered, [False, False, False, False, True])
                # A cancelled booking frees its time again.
                dan = {s.start for s in consultations[self.dan.id]}
                self.assertTrue(_london(monday + timedelta(days=3), time(9, 30)) in dan)
            DayOff.objects.all().delete()
            Appointment.objects.all().delete()
        self.assertFalse(Availability.objects.filter(therapist=self.dan).exists(), "a read wrote a row")

    @time_machine.travel(SPRING, tick=False)
    def test_the_spring_forward_night_offers_no_time_that_never_happens(self):
        sunday = date(2031, 3, 30)
        batch = free_slots_by_therapist(self.everyone, Kind.CONSULTATION, first_day=sunday, last_day=sunday)
        starts = [s.start.astimezone(LONDON).strftime("%H:%M") for s in batch[self.cleo.id]]
        self.assertTrue(starts)
        self.assertFalse([clock for clock in starts if clock.startswith("01:")])
        alone = free_slots(self.cleo, Kind.CONSULTATION, around=_london(sunday, time(12)))
        self.assertEqual(_plain(batch[self.cleo.id]), _plain(alone))

    @time_machine.travel(SPRING, tick=False)
    def test_free_at_names_the_same_therapists_as_asking_each(self):
        monday = self.arrange(SPRING)
        batch = free_slots_by_therapist(self.everyone, Kind.CONSULTATION)
        probes = {s.start for slots in batch.values() for s in slots[:60:5]}
        probes |= {_london(monday, time(10)), _london(monday, time(13)), _london(monday, time(0, 5))}
        for start in sorted(probes):
            expected = [t for t in self.everyone if slot_is_free(t, Kind.CONSULTATION, start)]
            self.assertEqual(free_at(self.everyone, Kind.CONSULTATION, start), expected, start)

    @time_machine.travel(SPRING, tick=False)
    def test_the_query_count_does_not_grow_with_the_therapists(self):
        self.arrange(SPRING)
        for therapists in (self.everyone[:2], self.everyone):
            with self.subTest(count=len(therapists)), self.assertNumQueries(4):
                free_slots_by_therapist(therapists, Kind.CONSULTATION)

    def test_booked_time_is_read_in_whole_seconds_rounded_outwards(self):
        """A span's start rounds down and its end up, so a candidate on the minute meets what it met as a moment."""
        nine = datetime(2031, 1, 6, 9, 0, tzinfo=UTC)
        _book(
            self.ana,
            nine + timedelta(microseconds=400_000),
            50,
            blocked_until=nine + timedelta(minutes=50, seconds=0.5),
        )
        _book(self.ben, nine, 50)
        whole = int(nine.timestamp())
        expected = {self.ana.id: (whole, whole + 3001), self.ben.id: (whole, whole + 3000)}
        self.assertEqual(_read_in_seconds(), expected)
        if connection.vendor == "sqlite":
            # SQLite before 3.38 has no unixepoch(): the same seconds come from strftime().
            with mock.patch.object(connection.Database, "sqlite_version_info", (3, 37, 2)):
                self.assertIn("strftime", str(Appointment.objects.values_list(_Seconds("start")).query))
                self.assertEqual(_read_in_seconds(), expected)

    def test_therapists_of_two_practices_are_refused(self):
        with self.assertRaises(ValueError):
            free_slots_by_therapist([self.ana, self.w.outsider], Kind.CONSULTATION)


def _read_in_seconds() -> dict[int, tuple[int, int]]:
    """Each therapist's booked start and end as ``free_slots_by_therapist`` reads them: whole seconds, outwards."""
    found = Appointment.objects.values_list("therapist_id", _Seconds("start"), _Seconds("blocked_until", up=True))
    return {therapist_id: (start, until) for therapist_id, start, until in found}


NOW = datetime(2031, 5, 5, 8, 0, tzinfo=UTC)  # Monday 5 May, 09:00 in London
TODAY = date(2031, 5, 5)


def _paging(response) -> dict[str, date]:
    """The dates the "Earlier dates" and "Later dates" links go to."""
    found = re.findall(r'href="\?from=(\d{4}-\d\d-\d\d)[^"]*">(Earlier|Later) dates</a>', response.content.decode())
    return {label: date.fromisoformat(day) for day, label in found}


def _shown_days(response) -> list[date]:
    return [
        datetime.strptime(day, "%Y%m%d").date()
        for day in re.findall(r'<section class="slot-day" aria-labelledby="day-(\d{8})">', response.content.decode())
    ]


@time_machine.travel(NOW, tick=False)
class ConsultationPageTests(TendingTestCase):
    def setUp(self):
        self.url = reverse("bookings:consult_slots", kwargs={"slug": "willow"})
        self.therapists = [self.w.therapist, self.w.colleague]
        for therapist in self.therapists:
            open_every_day(therapist, minimum_notice_hours=0)

    def add_therapists(self, count: int):
        for n in range(count):
            therapist = StaffFactory(
                practice=self.w.practice, user=UserFactory(email=f"t{n}@willow.test", name=f"Therapist {n}")
            )
            open_every_day(therapist, start=time(8 + n % 3), end=time(15 + n % 4), buffer_minutes=5 * n)
            _book(therapist, _london(TODAY + timedelta(days=n + 1), time(12)), 20)
            self.therapists.append(therapist)

    def book_whole_days(self, first: date, days: int):
        for therapist in self.therapists:
            for n in range(days):
                day = first + timedelta(days=n)
                _book(therapist, _london(day, time(9)), 8 * 60)

    def test_the_page_makes_the_same_queries_for_two_and_six_therapists(self):
        for extra in (0, 4):
            self.add_therapists(extra)
            self.assertEqual(len(_consulting_therapists(self.w.practice)), 2 + extra)
            for params in ({}, {"with": str(self.w.colleague.uuid)}, {"from": str(TODAY + timedelta(days=9))}):
                with self.subTest(therapists=2 + extra, params=params), self.assertNumQueries(5):
                    response = self.client.get(self.url, params)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(len(_shown_days(response)), DAYS_SHOWN)

    def test_a_fully_booked_first_week_starts_the_page_at_the_first_free_day(self):
        self.book_whole_days(TODAY, DAYS_SHOWN)
        first_free = TODAY + timedelta(days=DAYS_SHOWN)
        page = self.client.get(self.url, {"tz": "Europe/London"})
        self.assertEqual(_shown_days(page)[0], first_free)
        self.assertEqual(_paging(page), {"Later": first_free + timedelta(days=DAYS_SHOWN)})

        booked_week = self.client.get(self.url, {"from": str(TODAY), "tz": "Europe/London"})
        self.assertContains(booked_week, "There are no free times in these dates. Try the later dates below.")
        self.assertEqual(_paging(booked_week), {"Later": first_free})

        # Nothing is free between today and the first free day, so there is no way back.
        following = self.client.get(self.url, {"from": str(first_free), "tz": "Europe/London"})
        self.assertEqual(_shown_days(following)[0], first_free)
        self.assertEqual(_paging(following), {"Later": first_free + timedelta(days=DAYS_SHOWN)})

        further = self.client.get(self.url, {"from": str(first_free + timedelta(days=DAYS_SHOWN))})
        self.assertEqual(_paging(further)["Earlier"], first_free)

    def test_the_later_link_reaches_past_a_long_fully_booked_stretch(self):
        self.book_whole_days(TODAY + timedelta(days=3), 25)
        page = self.client.get(self.url, {"from": str(TODAY), "tz": "Europe/London"})
        self.assertEqual(_shown_days(page), [TODAY, TODAY + timedelta(days=1), TODAY + timedelta(days=2)])
        self.assertEqual(_paging(page), {"Later": TODAY + timedelta(days=28)})

    def test_the_week_and_links_match_those_from_the_whole_horizon(self):
        self.add_therapists(2)
        self.book_whole_days(TODAY + timedelta(days=4), 6)
        self.book_whole_days(TODAY + timedelta(days=20), 12)
        DayOff.objects.create(therapist=self.w.therapist, date=TODAY + timedelta(days=12))
        therapists = _consulting_therapists(self.w.practice)
        # Whoever is first free: each therapist's times, one list in time order (issue 20).
        order = {t.id: i for i, t in enumerate(therapists)}
        every = sorted(
            (slot for therapist in therapists for slot in free_slots(therapist, Kind.CONSULTATION)),
            key=lambda slot: (slot.start, order[slot.therapist_id]),
        )
        factory = RequestFactory()
        for zone_name in ("Europe/London", "Asia/Tokyo", "America/Los_Angeles", "Pacific/Auckland"):
            for offset in [None, *range(-1, 46)]:
                params = {} if offset is None else {"from": str(TODAY + timedelta(days=offset))}
                request = factory.get("/", params)
                with self.subTest(zone=zone_name, offset=offset):
                    shown, earlier, later = consult_window(therapists, request, zone_name)
                    whole_shown, whole_earlier, whole_later = window(every, request, zone_name)
                    self.assertEqual(_plain(shown), _plain(whole_shown))
                    self.assertEqual(later, whole_later)
                    if earlier is None or earlier <= TODAY:
                        self.assertEqual(earlier, whole_earlier)
                    else:  # further out, "Earlier dates" pages back a week whether or not it has free times
                        self.assertIn(whole_earlier, (earlier, None))

    def test_an_unknown_or_malformed_choice_is_not_found(self):
        Availability.objects.filter(therapist=self.w.colleague).update(offers_consultation=False)
        for choice in (str(self.w.colleague.uuid), str(self.w.outsider.uuid), "not-a-uuid"):
            with self.subTest(choice=choice):
                self.assertEqual(self.client.get(self.url, {"with": choice}).status_code, 404)
        self.assertEqual(self.client.get(self.url, {"with": str(self.w.therapist.uuid)}).status_code, 200)
