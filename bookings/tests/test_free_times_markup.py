"""The free-times list (bookings/public/_days.html): each time's link or form, and its day for screen readers.

The days' labels and the times' links are made in Python (``group_by_day``); these tests
build what the page should say with Django's own date filters and URL reversing.
"""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import time as time_filter
from django.urls import reverse

from bookings.forms import zone_choices
from bookings.free_times import DAYS_SHOWN, group_by_day
from bookings.models import Kind
from bookings.services_sessions import session_book
from bookings.slots import Slot, free_slots
from bookings.tests.helpers import open_every_day
from tending.testing.personas import TendingTestCase

NOW = datetime(2031, 5, 5, 8, 0, tzinfo=UTC)  # a Monday


def _first_week(slots, zone_name: str):
    """The free times the page shows: the week from the first free day, in the visitor's zone."""
    zone = ZoneInfo(zone_name)
    first = slots[0].start.astimezone(zone).date()
    return [s for s in slots if s.start.astimezone(zone).date() < first + timedelta(days=DAYS_SHOWN)]


def _day_label(slot, zone_name: str) -> str:
    return date_filter(slot.start.astimezone(ZoneInfo(zone_name)), "l j F")


def _clock(slot, zone_name: str) -> str:
    return time_filter(slot.start.astimezone(ZoneInfo(zone_name)), "H:i")


@time_machine.travel(NOW, tick=False)
class FreeTimesMarkupTests(TendingTestCase):
    def setUp(self):
        open_every_day(self.w.therapist)

    def test_each_consultation_time_links_to_its_form_and_names_its_day_for_screen_readers(self):
        zone_name = "Asia/Tokyo"  # nine hours ahead: the visitor's days are not the practice's
        page = self.client.get(
            reverse("bookings:consult_slots", kwargs={"slug": "willow"}),
            {"with": str(self.w.therapist.uuid), "tz": zone_name},
        )
        html = page.content.decode()
        shown = _first_week(free_slots(self.w.therapist, Kind.CONSULTATION), zone_name)
        self.assertEqual(html.count('class="slot"'), len(shown))
        for slot in shown:
            href = reverse("bookings:consult_form", kwargs={"slug": "willow", "slot": slot.key})
            expected = (
                f'<li><a class="slot" href="{href}?with={self.w.therapist.uuid}&amp;tz={zone_name}">'
                f'{_clock(slot, zone_name)}<span class="visually-hidden"> on {_day_label(slot, zone_name)}</span></a></li>'
            )
            self.assertIn(expected, html)
        days = sorted({slot.start.astimezone(ZoneInfo(zone_name)).date() for slot in shown})
        for day in days:
            self.assertIn(
                f'<section class="slot-day" aria-labelledby="day-{day:%Y%m%d}">\n'
                f'  <h3 id="day-{day:%Y%m%d}">{date_filter(day, "l j F")}</h3>',
                html,
            )

    def test_the_zone_picker_suggests_every_zone_once_the_practices_first_and_shows_the_visitors(self):
        url = reverse("bookings:consult_slots", kwargs={"slug": "willow"})
        for zone_name in ("Asia/Tokyo", "America/Argentina/Buenos_Aires", "Asia/Tokyo"):
            with self.subTest(zone=zone_name):
                html = self.client.get(url, {"tz": zone_name}).content.decode()
                self.assertIn(f'<input type="text" name="tz" id="id_tz" list="tz-zones" value="{zone_name}"', html)
                picker = html[html.index('<datalist id="tz-zones">') : html.index("</datalist>")]
                options = re.findall(r'<option value="([^"]+)" label="([^"]+)"></option>', picker)
                values = [value for value, _label in options]
                self.assertEqual(sorted(values), [value for value, _label in zone_choices()])
                self.assertEqual(values[0], "Europe/London")  # the practice's own zone leads
                # The zone the times are shown in comes next (then the one remembered, then common ones).
                self.assertEqual(values[1], zone_name)
                self.assertIn(("America/New_York", "America/New York"), options)

    def test_the_sessions_page_links_each_time_to_booking_it(self):
        html = self.as_("client_a").get(reverse("bookings:mine")).content.decode()
        zone_name = "Europe/London"
        self.assertIn(f"shown in {zone_name}", html)
        shown = _first_week(free_slots(self.w.therapist, Kind.SESSION), zone_name)
        self.assertEqual(html.count('class="slot"'), len(shown))
        for slot in shown:
            href = reverse("bookings:book_session", kwargs={"slot": slot.key})
            self.assertIn(
                f'<a class="slot" href="{href}">{_clock(slot, zone_name)}'
                f'<span class="visually-hidden"> on {_day_label(slot, zone_name)}</span></a>',
                html,
            )

    def test_the_move_page_offers_each_time_as_a_form_with_its_day_for_screen_readers(self):
        first = free_slots(self.w.therapist, Kind.SESSION)[0]
        appointment = session_book(
            client=self.w.client_a, start=first.start + timedelta(days=3), mode="online", by="client"
        )
        url = reverse("bookings:session_move", kwargs={"appointment_uuid": appointment.uuid})
        html = self.as_("client_a").get(url).content.decode()
        zone_name = "Europe/London"
        buttons = re.findall(
            r'<li><form method="post" action="([^"]+)"><input type="hidden" name="csrfmiddlewaretoken" value="[^"]+">'
            r'<input type="hidden" name="slot" value="([^"]+)"><input type="hidden" name="tz" value="([^"]+)">'
            r'<button class="slot" type="submit">([^<]+)<span class="visually-hidden"> on ([^<]+)</span></button>'
            r"</form></li>",
            html,
        )
        self.assertEqual(html.count('class="slot"'), len(buttons))
        self.assertTrue(buttons)
        slots = {s.key: s for s in free_slots(self.w.therapist, Kind.SESSION, ignore=appointment)}
        for action, key, tz, clock, day in buttons:
            self.assertEqual((action, tz), (url, zone_name))
            self.assertNotEqual(slots[key].start, appointment.start)
            self.assertEqual((clock, day), (_clock(slots[key], zone_name), _day_label(slots[key], zone_name)))


class GroupByDayTests(TendingTestCase):
    def test_it_groups_times_by_the_visitors_day_and_makes_each_link_once(self):
        def at(hour: int, day: int = 5) -> Slot:
            start = datetime(2031, 5, day, hour, 30, tzinfo=UTC)
            return Slot(therapist_id=1, start=start, end=start + timedelta(minutes=20))

        # 14:30 UTC on the 5th is already the 6th in Auckland (UTC+12 in May).
        slots = [at(9), at(14), at(9, day=6)]
        links = []

        def link(key: str) -> str:
            links.append(key)
            return f"/to/{key}/"

        days = group_by_day(slots, "Pacific/Auckland", link)
        self.assertEqual(links, [s.key for s in slots])
        self.assertEqual(
            days,
            [
                ("20310505", "Monday 5 May", [(slots[0].key, "21:30", f"/to/{slots[0].key}/", "")]),
                (
                    "20310506",
                    "Tuesday 6 May",
                    [
                        (slots[1].key, "02:30", f"/to/{slots[1].key}/", ""),
                        (slots[2].key, "21:30", f"/to/{slots[2].key}/", ""),
                    ],
                ),
            ],
        )
        self.assertEqual(group_by_day(slots[:1], "Europe/London")[0].times, [(slots[0].key, "10:30", "", "")])
