"""core.panels.shared: what the client record's panels read once per request and share."""

from django.test import RequestFactory, SimpleTestCase

from core.panels import shared


class SharedTests(SimpleTestCase):
    def test_a_value_is_worked_out_once_per_request_and_key(self):
        request, calls = RequestFactory().get("/"), []

        def compute():
            calls.append(1)
            return ["rows"]

        first = shared(request, ("rows", 1), compute)
        again = shared(request, ("rows", 1), compute)
        self.assertIs(first, again)
        self.assertEqual(len(calls), 1)

    def test_another_key_or_another_request_works_it_out_again(self):
        request = RequestFactory().get("/")
        shared(request, ("rows", 1), lambda: "one")
        self.assertEqual(shared(request, ("rows", 2), lambda: "two"), "two")
        # Nothing outlives its request: the next one (or another person's) asks afresh.
        self.assertEqual(shared(RequestFactory().get("/"), ("rows", 1), lambda: "fresh"), "fresh")

    def test_a_falsy_answer_is_remembered_too(self):
        request, calls = RequestFactory().get("/"), []
        for _ in range(3):
            shared(request, "none", lambda: calls.append(1))
        self.assertEqual(len(calls), 1)
