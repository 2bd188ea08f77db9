"""Issue 20: "whoever is first free" is one list of times by day, each saying who it is with; a keyboard
user jumps from day to day; the time-zone picker finds a zone by typing."""

import re
from datetime import UTC, datetime, time

import time_machine
from django.urls import reverse

from bookings.free_times import COMMON_ZONES, zone_from_text, zone_order
from bookings.models import Kind
from bookings.slots import free_slots
from bookings.tests.helpers import open_every_day
from tending.testing.personas import TendingTestCase

NOW = datetime(2031, 5, 5, 8, 0, tzinfo=UTC)  # a Monday


def _times(html: str) -> list[tuple[str, str, str]]:
    """Each time's (href, clock, who) in page order."""
    return re.findall(
        r'<a class="slot" href="([^"]+)">(\d\d:\d\d)<span class="visually-hidden"> on [^<]+</span>'
        r'<span class="slot__who"> with ([^<]+)</span></a>',
        html,
    )


@time_machine.travel(NOW, tick=False)
class FirstFreeListTests(TendingTestCase):
    def setUp(self):
        self.url = reverse("bookings:consult_slots", kwargs={"slug": "willow"})
        # Two grids that interleave: Ana's times start on the hour, Ben's at a quarter past.
        open_every_day(self.w.therapist, minimum_notice_hours=0)
        open_every_day(self.w.colleague, start=time(9, 15), end=time(17, 0), minimum_notice_hours=0)

    def test_it_shows_one_list_by_day_in_time_order_each_time_naming_its_therapist(self):
        html = self.client.get(self.url, {"tz": "Europe/London"}).content.decode()
        shown = _times(html)
        self.assertTrue(shown)
        self.assertEqual(html.count('class="slot"'), len(shown))  # every time says who it is with
        self.assertEqual({who for _href, _clock, who in shown}, {"Ana Therapist", "Ben Therapist"})
        # Within each day the list runs in time order, Ana's and Ben's times in one sequence.
        for section in re.findall(r'<section class="slot-day".*?</section>', html, flags=re.S):
            clocks = [clock for _href, clock, _who in _times(section)]
            self.assertEqual(clocks, sorted(clocks))
        # Each time books with the therapist it names, not whoever happens to be first.
        ana, ben = str(self.w.therapist.uuid), str(self.w.colleague.uuid)
        for href, _clock, who in shown:
            self.assertIn(f"with={ana if who == 'Ana Therapist' else ben}", href)

    def test_each_therapists_free_time_is_listed_once(self):
        html = self.client.get(self.url, {"tz": "Europe/London"}).content.decode()
        first_day = re.search(r'<section class="slot-day".*?</section>', html, flags=re.S).group(0)
        day = re.search(r'id="day-(\d{8})"', first_day).group(1)
        expected = sorted(
            (s.start, name)
            for therapist, name in ((self.w.therapist, "Ana Therapist"), (self.w.colleague, "Ben Therapist"))
            for s in free_slots(therapist, Kind.CONSULTATION)
            if s.start.astimezone(self.w.practice.zone).strftime("%Y%m%d") == day
        )
        shown = [(clock, who) for _href, clock, who in _times(first_day)]
        self.assertEqual(
            shown, [(start.astimezone(self.w.practice.zone).strftime("%H:%M"), name) for start, name in expected]
        )

    def test_a_keyboard_user_can_jump_to_each_day_and_skip_past_a_days_times(self):
        html = self.client.get(self.url, {"tz": "Europe/London"}).content.decode()
        days = re.findall(r'<section class="slot-day" aria-labelledby="day-(\d{8})">', html)
        self.assertEqual(len(days), 7)
        nav = html[html.index('<nav class="slot-days"') : html.index("</nav>", html.index('<nav class="slot-days"'))]
        self.assertEqual(re.findall(r'href="#day-(\d{8})"', nav), days)
        # Every day but the last starts with a link past its times, to the next day.
        skips = re.findall(r'<a class="skip-day small" href="#after-(\d{8})">Skip to the next day</a>', html)
        self.assertEqual(skips, days[:-1])
        for anchor in days[:-1]:
            after = html.index(f'<span id="after-{anchor}"></span>')
            self.assertLess(after, html.index(f'aria-labelledby="day-{days[days.index(anchor) + 1]}"'))

    def test_one_therapist_chosen_shows_no_names_on_the_times(self):
        html = self.client.get(self.url, {"with": str(self.w.colleague.uuid), "tz": "Europe/London"}).content.decode()
        self.assertIn("Free times with Ben Therapist", html)
        self.assertNotIn('class="slot__who"', html)

    def test_asking_without_a_time_is_offered_beside_the_times_and_when_none_are_free(self):
        html = self.client.get(self.url).content.decode()
        self.assertIn("None of these times suit?", html)
        self.assertIn(reverse("bookings:consult_ask", kwargs={"slug": "willow"}), html)
        for therapist in (self.w.therapist, self.w.colleague):
            therapist.working_hours.all().delete()
        html = self.client.get(self.url).content.decode()
        self.assertIn("No free times just now", html)
        self.assertIn("A free first consultation is always available.", html)
        self.assertIn(reverse("bookings:consult_ask", kwargs={"slug": "willow"}), html)


class ZoneByTypingTests(TendingTestCase):
    def test_a_zone_is_found_by_its_name_with_spaces_any_case_or_its_city(self):
        self.assertEqual(zone_from_text("America/New_York"), "America/New_York")
        self.assertEqual(zone_from_text("america/new york"), "America/New_York")
        self.assertEqual(zone_from_text("  Auckland "), "Pacific/Auckland")
        self.assertEqual(zone_from_text("kolkata"), "Asia/Kolkata")
        self.assertIsNone(zone_from_text("Atlantis"))
        self.assertIsNone(zone_from_text(""))

    def test_the_practices_zone_and_the_visitors_lead_then_the_common_ones_then_the_rest_once_each(self):
        order = zone_order("Europe/London", "Asia/Tokyo", "not a zone")
        self.assertEqual(order[:2], ["Europe/London", "Asia/Tokyo"])
        common = [z for z in COMMON_ZONES if z not in ("Europe/London", "Asia/Tokyo")]
        self.assertEqual(order[2 : 2 + len(common)], common)
        self.assertEqual(len(order), len(set(order)))

    @time_machine.travel(NOW, tick=False)
    def test_a_typed_city_shows_times_in_its_zone_and_an_unknown_one_says_so_kindly(self):
        open_every_day(self.w.therapist)
        url = reverse("bookings:consult_slots", kwargs={"slug": "willow"})
        page = self.client.get(url, {"tz": "tokyo"})
        self.assertContains(page, "Times are shown in Asia/Tokyo.")
        self.assertEqual(page.cookies["tz"].value, "Asia/Tokyo")
        unknown = self.client.get(url, {"tz": "Atlantis"})
        self.assertContains(unknown, "We couldn't find a time zone called “Atlantis”")
        self.assertContains(unknown, 'aria-invalid="true"')
