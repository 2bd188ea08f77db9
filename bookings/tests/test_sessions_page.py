"""The client's Sessions page: the week it shows, its paging links and a fixed number of queries."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.test import RequestFactory
from django.urls import reverse

from bookings.free_times import window
from bookings.models import Appointment, DayOff, Kind
from bookings.services_sessions import session_book
from bookings.slots import free_slots
from bookings.tests.helpers import open_every_day
from bookings.views_sessions import _session_times, session_window
from tending.testing.personas import TendingTestCase

NOW = datetime(2031, 5, 5, 8, 0, tzinfo=UTC)  # a Monday
TODAY = date(2031, 5, 5)
ZONES = ("Europe/London", "Pacific/Auckland", "America/Los_Angeles")
ASKED = ("", "junk", "2031-05-01", "2031-05-05", "2031-05-06", "2031-05-09", "2031-05-20", "2031-06-10", "2031-06-30")


@time_machine.travel(NOW, tick=False)
class SessionWindowTests(TendingTestCase):
    """``session_window`` searches a fortnight where it can and answers as ``window`` over the whole horizon."""

    def setUp(self):
        open_every_day(self.w.therapist)

    def answers(self, asked: str, zone_name: str):
        request = RequestFactory().get("/sessions/", {"from": asked} if asked else {})
        zone = ZoneInfo(zone_name)
        searched = []

        def times(first, until):
            searched.append((first, until))
            return _session_times(self.w.therapist, zone, first, until)

        whole = window(free_slots(self.w.therapist, Kind.SESSION), request, zone_name)
        return session_window(times, request, zone_name), whole, searched

    def assert_same_as_the_whole_horizon(self):
        for zone_name in ZONES:
            for asked in ASKED:
                with self.subTest(zone=zone_name, asked=asked):
                    found, whole, _searched = self.answers(asked, zone_name)
                    self.assertEqual(found, whole)

    def test_it_shows_the_same_week_and_links_as_the_whole_horizon(self):
        for n, client in enumerate([self.w.client_a, self.w.client_b]):
            session_book(
                client=client, start=free_slots(self.w.therapist, Kind.SESSION)[n * 9].start, mode="online", by="client"
            )
        DayOff.objects.create(therapist=self.w.therapist, date=date(2031, 5, 13))
        self.assert_same_as_the_whole_horizon()

    def test_it_finds_the_first_free_week_when_the_first_fortnight_is_full(self):
        for offset in range(20):
            DayOff.objects.create(therapist=self.w.therapist, date=TODAY + timedelta(days=offset))
        (shown, earlier, later), _whole, _searched = self.answers("", "Europe/London")
        self.assertEqual(shown[0].start.date(), TODAY + timedelta(days=20))
        self.assertIsNone(earlier)
        self.assertEqual(later, TODAY + timedelta(days=27))
        self.assert_same_as_the_whole_horizon()

    def test_it_says_when_nothing_is_free_after_the_shown_week(self):
        open_every_day(self.w.therapist, horizon_days=8)
        (shown, earlier, later), _whole, _searched = self.answers("2031-05-07", "Europe/London")
        self.assertTrue(shown)
        self.assertIsNone(later)
        self.assertEqual(earlier, date(2031, 4, 30))
        self.assert_same_as_the_whole_horizon()

    def test_it_shows_nothing_free_when_the_therapist_takes_no_bookings(self):
        open_every_day(self.w.therapist, accepts_bookings=False)
        (shown, earlier, later), _whole, _searched = self.answers("", "Europe/London")
        self.assertEqual((shown, earlier, later), ([], None, None))

    def test_it_searches_only_a_fortnight_when_that_answers(self):
        _found, _whole, searched = self.answers("", "Europe/London")
        self.assertEqual(searched, [(TODAY, TODAY + timedelta(days=14))])
        _found, _whole, searched = self.answers("2031-05-20", "Europe/London")
        self.assertEqual(searched, [(TODAY, date(2031, 6, 3))])


@time_machine.travel(NOW, tick=False)
class SessionsPageTests(TendingTestCase):
    def setUp(self):
        open_every_day(self.w.therapist)

    def book(self, client, *indexes):
        slots = free_slots(self.w.therapist, Kind.SESSION)
        return [session_book(client=client, start=slots[i].start, mode="online", by="client") for i in indexes]

    def test_the_sessions_page_makes_the_same_queries_however_many_sessions_are_coming_up(self):
        self.book(self.w.client_a, 20)
        http = self.as_("client_a")
        http.get(reverse("bookings:mine"))  # warm the session
        # session; user with their client record (accounts.backends); the therapist with their practice and
        # rules; coming-up sessions with their therapist; working hours, days off, booked time; the notice.
        with self.assertNumQueries(8):
            response = http.get(reverse("bookings:mine"))
        self.assertContains(response, "Coming up")
        booked = self.book(self.w.client_a, 25, 30, 35, 40, 45, 50)
        with self.assertNumQueries(8):
            response = http.get(reverse("bookings:mine"))
        for appointment in booked:
            self.assertContains(response, reverse("bookings:session", kwargs={"appointment_uuid": appointment.uuid}))
        self.assertContains(response, 'class="slot"')

    def test_the_page_names_each_coming_session_and_its_therapist(self):
        (booked,) = self.book(self.w.client_a, 20)
        response = self.as_("client_a").get(reverse("bookings:mine"))
        local = booked.start.astimezone(ZoneInfo("Europe/London"))
        self.assertContains(
            response,
            f'<a href="{reverse("bookings:session", kwargs={"appointment_uuid": booked.uuid})}">'
            f"{local:%A} {local.day} {local:%B}, {local:%H:%M}</a>",
            html=False,
        )
        self.assertContains(response, "with Ana Therapist")

    def test_an_ended_client_sees_no_times_to_book(self):
        self.w.client_a.care_status = "ended"
        self.w.client_a.save(update_fields=["care_status"])
        response = self.as_("client_a").get(reverse("bookings:mine"))
        self.assertContains(response, "Our work together has ended")
        self.assertNotContains(response, 'class="slot"')

    def test_booking_a_session_reads_the_therapist_once(self):
        slot = free_slots(self.w.therapist, Kind.SESSION)[3]
        http = self.as_("client_a")
        http.get(reverse("bookings:mine"))  # warm the session
        url = reverse("bookings:book_session", kwargs={"slot": slot.key})
        # session, user with their client record; the therapist with their practice and rules; then session_book:
        # whether this form's key has booked already (a second tap), the slot check (rules, working hours, days off,
        # booked time), two reads of the rules, and the insert (two savepoints, insert, the caseload's change mark for
        # the client (practice.attention), two releases), and its email with the calendar file written to the outbox
        # (the rules for the video link and the calendar file, the insert).
        with self.captureOnCommitCallbacks(execute=False), self.assertNumQueries(19):
            response = http.post(url, {"mode": "online", "key": "k-once"})
        booked = Appointment.objects.get(idempotency_key="k-once")
        self.assertRedirects(response, reverse("bookings:session", kwargs={"appointment_uuid": booked.uuid}))
        self.assertEqual((booked.client, booked.start, booked.mode), (self.w.client_a, slot.start, "online"))
