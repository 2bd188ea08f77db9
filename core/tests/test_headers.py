from unittest import mock

from django.db import OperationalError
from django.test import RequestFactory
from django.urls import reverse

from core.errors import server_error
from tending.testing.personas import TendingTestCase


class ResponseHeaderTests(TendingTestCase):
    def test_every_page_carries_a_strict_content_security_policy(self):
        response = self.as_("anonymous").get(reverse("practice:crisis"))
        policy = response["Content-Security-Policy"]
        self.assertIn("default-src 'self'", policy)
        self.assertIn("script-src 'self'", policy)
        self.assertNotIn("unsafe-inline", policy)
        self.assertIn("frame-ancestors 'none'", policy)
        self.assertIn("object-src 'none'", policy)

    def test_pages_forbid_sniffing_and_framing_and_limit_the_referrer(self):
        response = self.as_("anonymous").get(reverse("account_login"))
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response["Referrer-Policy"], "same-origin")
        self.assertEqual(response["X-Frame-Options"], "DENY")

    def test_signed_in_pages_are_never_stored(self):
        for persona, url in [("client_a", "practice:client_home"), ("therapist", "caseload:home")]:
            response = self.as_(persona).get(reverse(url))
            self.assertIn("no-store", response["Cache-Control"])
            self.assertIn("private", response["Cache-Control"])

    def test_public_pages_for_visitors_are_not_marked_private(self):
        response = self.as_("anonymous").get(reverse("practice:crisis"))
        self.assertNotIn("no-store", response.get("Cache-Control", ""))

    def test_pages_have_no_inline_scripts(self):
        for persona, url in [("anonymous", "account_login"), ("client_a", "practice:client_home")]:
            html = self.as_(persona).get(reverse(url)).content.decode()
            for chunk in html.split("<script")[1:]:
                self.assertIn("src=", chunk.split(">")[0], "every <script> must load a static file")


class HealthzTests(TendingTestCase):
    def test_healthz_reports_the_database(self):
        response = self.as_("anonymous").get("/healthz")
        self.assertEqual(response.json(), {"status": "ok", "database": "ok"})

    def test_healthz_says_unavailable_when_the_database_is_down(self):
        with mock.patch(
            "django.db.backends.base.base.BaseDatabaseWrapper.cursor", side_effect=OperationalError("down")
        ):
            response = self.as_("anonymous").get("/healthz")
        self.assertEqual(response.status_code, 503)


class ErrorPageTests(TendingTestCase):
    def test_an_unknown_page_is_a_kind_404(self):
        response = self.as_("client_a").get("/no-such-page/")
        self.assertContains(response, "couldn", status_code=404)
        self.assertContains(response, "Need urgent help?", status_code=404)

    def test_the_500_page_leaks_nothing_and_offers_help(self):
        response = server_error(RequestFactory().get("/"))
        body = response.content.decode()
        self.assertEqual(response.status_code, 500)
        self.assertIn("/crisis/", body)
        self.assertNotIn("Traceback", body)
