"""Every state-changing URL refuses a POST without a CSRF token, and writes nothing."""

from django.urls import reverse

from tending.testing.db import assert_no_writes
from tending.testing.personas import TendingTestCase
from tending.tests._security import data_for, http_for, post_routes, url_for, writer_for


class CsrfTests(TendingTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.routes = post_routes()
        cls.prepared = {r.name: r.setup(cls.w) if r.setup else None for r in cls.routes}

    def test_there_are_state_changing_routes_to_check(self):
        self.assertGreater(len(self.routes), 10)

    def test_every_state_changing_url_refuses_a_post_without_a_csrf_token(self):
        for route in self.routes:
            persona = writer_for(route)
            with self.subTest(route=route.name, persona=persona):
                http = http_for(self.w, persona, enforce_csrf_checks=True)
                url = url_for(route, self.w, self.prepared)
                data = data_for(route, self.w, self.prepared)  # building it may create a settings row
                with assert_no_writes(self, f"{route.name} wrote without a CSRF token"):
                    response = http.post(url, data)
                self.assertEqual(response.status_code, 403, f"{route.name} answered {response.status_code}")

    def test_a_post_with_the_token_from_the_page_is_accepted(self):
        # The refusal above is about the token, not the persona: the same POST with a token goes through.

        http = http_for(self.w, "client_a", enforce_csrf_checks=True)
        page = http.get(reverse("safetyplan:edit"))
        token = page.context["csrf_token"]
        response = http.post(
            reverse("safetyplan:edit"), {"warning_signs": "Not sleeping", "csrfmiddlewaretoken": str(token)}
        )
        self.assertEqual(response.status_code, 302)
