from datetime import UTC, datetime, timedelta

import time_machine
from django.contrib.sessions.models import Session
from django.urls import reverse

from tending.testing.personas import TendingTestCase

START = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


class SessionTimeoutTests(TendingTestCase):
    def visit(self, http, url):
        return http.get(url)

    def session_row(self, http):
        return Session.objects.get(session_key=http.cookies["sessionid"].value)

    def test_a_client_is_signed_out_after_30_idle_minutes(self):
        with time_machine.travel(START, tick=False) as clock:
            http = self.as_("client_a")
            self.assertEqual(http.get(reverse("practice:client_home")).status_code, 200)
            clock.shift(timedelta(minutes=29))
            self.assertEqual(http.get(reverse("practice:client_home")).status_code, 200)
            clock.shift(timedelta(minutes=31))
            response = http.get(reverse("practice:client_home"))
            self.assertEqual(response.status_code, 302)
            self.assertTrue(response["Location"].startswith(reverse("account_login")))
            # Still inside the travel: out of it, the session row has long expired in real time.
            login_page = http.get(response["Location"])
            self.assertContains(login_page, "signed out after a while without activity")

    def test_staff_are_signed_out_after_15_idle_minutes(self):
        with time_machine.travel(START, tick=False) as clock:
            http = self.as_("therapist")
            self.assertEqual(http.get(reverse("caseload:home")).status_code, 200)
            clock.shift(timedelta(minutes=16))
            response = http.get(reverse("caseload:home"))
        self.assertEqual(response.status_code, 302)

    def test_nobody_stays_signed_in_for_more_than_12_hours(self):
        with time_machine.travel(START, tick=False) as clock:
            http = self.as_("client_a")
            http.get(reverse("practice:client_home"))
            for _ in range(12 * 4 + 1):
                clock.shift(timedelta(minutes=15))
                response = http.get(reverse("practice:client_home"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("account_login")))

    def test_reading_pages_writes_the_idle_clock_at_most_once_a_minute(self):
        with time_machine.travel(START, tick=False) as clock:
            http = self.as_("client_a")
            http.get(reverse("practice:client_home"))
            saved = self.session_row(http).session_data
            for _ in range(5):
                clock.shift(timedelta(seconds=10))
                http.get(reverse("practice:client_home"))
            self.assertEqual(self.session_row(http).session_data, saved)
            clock.shift(timedelta(seconds=15))
            http.get(reverse("practice:client_home"))
            self.assertNotEqual(self.session_row(http).session_data, saved)

    def test_an_htmx_request_after_timeout_sends_the_page_to_sign_in(self):
        with time_machine.travel(START, tick=False) as clock:
            http = self.as_("client_a")
            http.get(reverse("practice:client_home"))
            clock.shift(timedelta(minutes=45))
            response = http.get(reverse("practice:client_home"), headers={"HX-Request": "true"})
        self.assertEqual(response["HX-Redirect"], reverse("account_login"))
