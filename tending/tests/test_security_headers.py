"""Every page each persona can open carries the security headers; signed-in pages are never stored."""

from django.test import override_settings
from django.urls import path, reverse

from tending.testing.matrix import ANON, OK, all_routes
from tending.testing.personas import PERSONAS, TendingTestCase
from tending.tests._security import http_for, url_for


class HeaderTests(TendingTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.prepared = {r.name: r.setup(cls.w) if r.setup else None for r in all_routes()}

    def test_every_page_for_every_persona_carries_the_security_headers(self):
        checked = 0
        for route in all_routes():
            if "GET" not in route.methods:
                continue
            url = url_for(route, self.w, self.prepared) + (f"?{route.query}" if route.query else "")
            for persona in PERSONAS:
                if route.expected(persona) != OK:
                    continue
                response = http_for(self.w, persona).get(url)
                with self.subTest(route=route.name, persona=persona):
                    csp = response.get("Content-Security-Policy", "")
                    if route.not_a_page and "default-src 'none'" in csp and "sandbox" in csp:
                        pass  # a file served in a sandbox (a message's attachment): no script at all
                    else:
                        self.assertIn("script-src 'self'", csp)
                    self.assertIn("frame-ancestors 'none'", csp)
                    self.assertNotIn("unsafe-inline", csp)
                    self.assertNotIn("unsafe-eval", csp)
                    self.assertEqual(response.get("X-Content-Type-Options"), "nosniff")
                    self.assertEqual(response.get("Referrer-Policy"), "same-origin")
                    self.assertEqual(response.get("X-Frame-Options"), "DENY")
                    if persona != ANON and not route.not_a_page:
                        self.assertIn("no-store", response.get("Cache-Control", ""))
                checked += 1
        self.assertGreater(checked, 50)


def _explode(request):
    raise RuntimeError("secret-in-the-traceback zqc-clinical-words")


urlpatterns = [path("explode/", _explode)]
handler500 = "core.errors.server_error"


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
class ServerErrorTests(TendingTestCase):
    def test_an_unexpected_error_shows_a_generic_page_that_leaks_nothing(self):
        http = self.as_("client_a")
        http.raise_request_exception = False
        with self.assertLogs("django.request", level="ERROR"):
            response = http.get("/explode/")
        body = response.content.decode()
        self.assertEqual(response.status_code, 500)
        self.assertIn("Something went wrong on our side", body)
        self.assertIn("/crisis/", body)
        for leak in ("secret-in-the-traceback", "zqc", "RuntimeError", "Traceback", "cara@willow.test", "explode"):
            self.assertNotIn(leak, body)
        self.assertIn("no-store", response.get("Cache-Control", ""))


class LoginThrottleTests(TendingTestCase):
    def test_failed_sign_ins_from_one_address_are_throttled(self):
        http = self.as_("anonymous")
        pages = [
            http.post(reverse("account_login"), {"login": f"nobody{n}@example.test", "password": "wrong-password-x"})
            for n in range(11)
        ]
        self.assertEqual([p.status_code for p in pages], [200] * 11)
        self.assertNotContains(pages[9], "Too many failed login attempts")
        self.assertContains(pages[10], "Too many failed login attempts")
        # Even the right password for a different account is refused from that address for now.
        right = http.post(reverse("account_login"), {"login": "cara@willow.test", "password": "a-long-test-password"})
        self.assertEqual(right.status_code, 200)
        self.assertContains(right, "Too many failed login attempts")
