"""The sign-out page is Tending's own: the site's layout, plain words, sentence case."""

from django.urls import reverse

from tending.testing.personas import TendingTestCase


class SignOutPageTests(TendingTestCase):
    def test_it_asks_warmly_in_the_sites_own_layout(self):
        page = self.as_("client_a").get(reverse("account_logout"))
        self.assertContains(page, "<h1>Sign out</h1>", html=True)
        self.assertContains(page, "<title>Sign out", html=False)
        self.assertContains(page, '<button class="button" type="submit">Sign out</button>', html=True)
        self.assertContains(page, "Everything you have saved stays here for next time.")
        self.assertContains(page, "Stay signed in")
        self.assertContains(page, "Skip to main content")  # base.html, not the library's bare layout
        self.assertNotContains(page, "Sign Out")
        self.assertNotContains(page, "Are you sure")

    def test_signing_out_ends_the_session(self):
        http = self.as_("therapist")
        response = http.post(reverse("account_logout"))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(http.get(reverse("practice:home")).status_code, 302)
