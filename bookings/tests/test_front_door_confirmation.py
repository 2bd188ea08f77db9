"""Issue 20: the "thank you" page repeats what was asked for (with whom, when in the visitor's zone, how)
and the next step, and is the same whether or not a booking was made; the email says which.
A refused form starts with an error summary linking to each field, and the title says there is a problem."""

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail
from django.urls import reverse

from bookings.models import Appointment, Kind
from bookings.slots import free_slots
from bookings.tests.helpers import open_every_day
from tending.testing.personas import TendingTestCase

NOW = datetime(2031, 5, 5, 8, 0, tzinfo=UTC)  # a Monday


def _main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


@time_machine.travel(NOW, tick=False)
class ConfirmationTests(TendingTestCase):
    def setUp(self):
        open_every_day(self.w.therapist)
        self.slots = free_slots(self.w.therapist, Kind.CONSULTATION)

    def book(self, email="rae@example.test", slot=None, **extra):
        slot = slot or self.slots[0]
        url = reverse("bookings:consult_form", kwargs={"slug": "willow", "slot": slot.key})
        url += f"?with={self.w.therapist.uuid}&tz=America/New_York"
        data = {"name": "Rae", "email": email, "mode": "online", "key": "", "tz": "America/New_York", **extra}
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(url, data)

    def test_the_page_repeats_with_whom_when_in_the_visitors_zone_and_how_and_the_next_step(self):
        response = self.book()
        page = self.client.get(response.url)
        # The time asked for, in the zone the visitor chose (New York), not the practice's.
        local = self.slots[0].start.astimezone(ZoneInfo("America/New_York"))
        self.assertContains(page, "What you asked for")
        self.assertContains(page, "<dt>With</dt><dd>Ana Therapist</dd>", html=False)
        self.assertContains(page, f"{local:%A} {local.day} {local:%B %Y} at {local:%H:%M} (America/New_York)")
        self.assertContains(page, "<dt>How</dt><dd>Online</dd>", html=False)
        self.assertContains(page, "What happens next")

    def test_a_booking_and_a_refusal_for_an_address_that_has_one_show_the_same_page(self):
        first = self.book(slot=self.slots[2])
        self.assertEqual(Appointment.objects.count(), 1)
        second = self.book(email="RAE@example.test", slot=self.slots[2])
        self.assertEqual(Appointment.objects.count(), 1)
        # The same address and the same words: nothing says the second booked nothing.
        self.assertEqual(first.url, second.url)
        self.assertEqual(
            _main(self.client.get(first.url).content.decode()), _main(self.client.get(second.url).content.decode())
        )
        # The emails say which.
        booked, refused = mail.outbox[-2], mail.outbox[-1]
        self.assertIn("Thank you for booking a free consultation", booked.body)
        self.assertIn("already has a free consultation", refused.body)

    def test_an_altered_or_missing_summary_shows_only_the_next_step(self):
        url = reverse("bookings:consult_booked", kwargs={"slug": "willow"})
        for query in ("", "?asked=nonsense"):
            with self.subTest(query=query):
                page = self.client.get(url + query)
                self.assertEqual(page.status_code, 200)
                self.assertNotContains(page, "What you asked for")
                self.assertContains(page, "What happens next")

    def test_the_honeypot_answers_with_the_same_page(self):
        response = self.book(website="http://spam.example")
        self.assertEqual(Appointment.objects.count(), 0)
        self.assertContains(self.client.get(response.url), "What you asked for")


@time_machine.travel(NOW, tick=False)
class ErrorSummaryTests(TendingTestCase):
    def setUp(self):
        open_every_day(self.w.therapist)
        slot = free_slots(self.w.therapist, Kind.CONSULTATION)[0]
        self.url = reverse("bookings:consult_form", kwargs={"slug": "willow", "slot": slot.key})
        self.url += f"?with={self.w.therapist.uuid}"

    def test_a_refused_booking_starts_with_a_summary_linking_to_each_field_and_says_so_in_the_title(self):
        response = self.client.post(self.url, {"name": "", "email": "not an address", "mode": "online"})
        self.assertEqual(response.status_code, 400)
        html = response.content.decode()
        title = re.search(r"<title>(.*?)</title>", html, flags=re.S).group(1)
        self.assertTrue(title.startswith("There is a problem: Your details"), title)
        summary = html[html.index("data-error-summary") : html.index("</div>", html.index("data-error-summary"))]
        self.assertIn('tabindex="-1"', html[html.index('<div class="form-errors error-summary"') :][:200])
        self.assertIn("There is a problem", summary)
        links = re.findall(r'<a href="#(id_\w+)">([^<]+)</a>', summary)
        self.assertEqual([target for target, _text in links], ["id_name", "id_email"])
        self.assertIn("Your name: This field is required.", [text for _target, text in links])
        # Each link's target is the field, and the script that moves focus to the summary is loaded.
        self.assertIn('id="id_name"', html)
        self.assertIn('id="id_email"', html)
        self.assertIn("js/error-summary.js", html)
        # What was typed is shown again.
        self.assertIn('value="not an address"', html)

    def test_a_radio_choice_links_to_its_first_option(self):
        response = self.client.post(reverse("bookings:consult_ask", kwargs={"slug": "willow"}), {"name": "Rae"})
        html = response.content.decode()
        self.assertIn('<a href="#id_reach_by_0">', html)
        self.assertIn('id="id_reach_by_0"', html)

    def test_every_form_using_the_shared_include_gets_the_summary(self):
        browser = self.as_("owner")
        response = browser.post(reverse("bookings:practice_rules"), {"consultations_per_email": "99"})
        html = response.content.decode()
        self.assertIn("data-error-summary", html)
        self.assertIn("<title>There is a problem: ", html)
        self.assertIn('<a href="#id_consultations_per_email">', html)

    def test_a_page_without_problems_has_no_summary_and_a_plain_title(self):
        html = self.client.get(self.url).content.decode()
        self.assertNotIn("data-error-summary", html)
        self.assertNotIn("There is a problem", html)
