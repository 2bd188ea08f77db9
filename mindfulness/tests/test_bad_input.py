"""Odd input to any of issue 5's forms gets a kind answer, never a server error."""

from django.urls import reverse

from tending.testing.matrix import all_routes
from tending.testing.personas import TendingTestCase

APPS = ("mindfulness:", "selfcare:", "journal:")
ODD_VALUES = ["", " ", "-1", "11", "3.5", "x" * 30_000, "\x00", "<script>alert(1)</script>", "😀" * 50, "not-a-uuid"]
OWNER_OF_ROUTE = {
    "therapist_of_client": "therapist",
    "therapist_object": "therapist",
    "therapist": "therapist",
    "client_object": "client_a",
    "client": "client_a",
}
FIELDS = [
    "length",
    "calm_before",
    "calm_after",
    "kindness_before",
    "kindness_after",
    "word",
    "title",
    "summary",
    "steps_text",
    "step_seconds",
    "practice",
    "note",
    "text",
    "area",
    "rhythm",
    "is_on",
    "time_of_day",
    "days",
    "message",
    "prompt",
    "entry",
    "body",
]


class BadInputTests(TendingTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.routes = [r for r in all_routes() if r.name.startswith(APPS) and "POST" in r.methods]
        cls.prepared = {r.name: r.setup(cls.w) if r.setup else None for r in cls.routes}

    def test_odd_values_in_every_field_never_cause_a_server_error(self):
        self.assertGreaterEqual(len(self.routes), 10)
        for route in self.routes:
            http = self.as_(OWNER_OF_ROUTE[route.kind])
            kwargs = route.kwargs(self.w, self.prepared[route.name]) if route.kwargs else {}
            url = reverse(route.name, kwargs=kwargs)
            for value in ODD_VALUES:
                with self.subTest(route=route.name, value=value[:20]):
                    response = http.post(url, {name: value for name in FIELDS}, headers={"HX-Request": "true"})
                    self.assertLess(response.status_code, 500)
