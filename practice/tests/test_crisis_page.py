from unittest import mock

from django.db import OperationalError
from django.urls import reverse

from tending.testing.personas import TendingTestCase


class CrisisPageTests(TendingTestCase):
    def test_anyone_reaches_the_uk_numbers_as_tap_to_call_links(self):
        page = self.as_("anonymous").get(reverse("practice:crisis"))
        self.assertContains(page, 'href="tel:999"')
        self.assertContains(page, 'href="tel:116123"')
        self.assertContains(page, 'href="tel:111"')
        self.assertContains(page, 'href="sms:85258?&amp;body=SHOUT"')
        self.assertContains(page, "not an emergency service")
        self.assertContains(page, "not watched around the clock")
        self.assertContains(page, "last checked")

    def test_every_page_links_to_urgent_help(self):
        for persona, url in [
            ("anonymous", reverse("account_login")),
            ("client_a", reverse("practice:client_home")),
            ("therapist", reverse("caseload:home")),
            ("owner", reverse("practice:owner_home")),
        ]:
            self.assertContains(self.as_(persona).get(url), f'href="{reverse("practice:crisis")}"')

    def test_a_client_sees_their_practices_country_first(self):
        self.w.practice.country = "IE"
        self.w.practice.save(update_fields=["country"])
        page = self.as_("client_a").get(reverse("practice:crisis")).content.decode()
        self.assertLess(page.index("1800247247"), page.index("In another country?"))
        self.assertIn('href="tel:112"', page)

    def test_a_us_practice_shows_988(self):
        self.w.practice.country = "US"
        self.w.practice.save(update_fields=["country"])
        page = self.as_("client_a").get(reverse("practice:crisis")).content.decode()
        self.assertLess(page.index('href="tel:988"'), page.index("In another country?"))
        self.assertIn('href="sms:741741?&amp;body=HOME"', page)

    def test_an_eu_practice_shows_112_and_the_line_it_adds(self):
        self.w.practice.country = "EU"
        self.w.practice.extra_crisis_line = "TelefonSeelsorge"
        self.w.practice.extra_crisis_number = "0800 111 0 111"
        self.w.practice.save()
        page = self.as_("client_a").get(reverse("practice:crisis"))
        self.assertContains(page, 'href="tel:112"')
        self.assertContains(page, 'href="tel:08001110111"')

    def test_the_page_renders_when_the_database_is_down(self):
        http = self.as_("client_a")
        with mock.patch(
            "django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection",
            side_effect=OperationalError("database is down"),
        ):
            page = http.get(reverse("practice:crisis"))
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, 'href="tel:999"')
        self.assertContains(page, 'href="tel:116123"')
