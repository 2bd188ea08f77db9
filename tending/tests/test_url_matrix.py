"""Every URL is classified, and every persona gets exactly what its role allows."""

from django.urls import reverse

from tending.testing.db import assert_no_writes
from tending.testing.matrix import ANON, LOGIN, all_routes
from tending.testing.personas import CARE_PERSONAS, PERSONAS, TendingTestCase, add_care_personas
from tending.testing.urls import is_third_party, walk_urls

EVERYONE = PERSONAS + CARE_PERSONAS


class UrlMatrixTests(TendingTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        add_care_personas(cls.w)
        cls.routes = all_routes()
        cls.prepared = {route.name: route.setup(cls.w) if route.setup else None for route in cls.routes}

    def url_for(self, route):
        kwargs = route.kwargs(self.w, self.prepared[route.name]) if route.kwargs else {}
        url = reverse(route.name, kwargs=kwargs)
        return url + (f"?{route.query}" if route.query else "")

    def test_every_url_is_classified(self):
        classified = {route.name for route in self.routes}
        missing = sorted(
            name for name, _route, callback in walk_urls() if name not in classified and not is_third_party(callback)
        )
        self.assertEqual(missing, [], "Add these URLs to their app's matrix.py")

    def test_no_route_is_classified_twice(self):
        names = [route.name for route in self.routes]
        self.assertEqual(sorted({n for n in names if names.count(n) > 1}), [])

    def test_each_persona_gets_what_its_role_allows(self):
        browsers = {persona: self.as_(persona) for persona in EVERYONE}
        for route in self.routes:
            if "GET" not in route.methods:
                continue
            url = self.url_for(route)
            for persona in EVERYONE:
                with self.subTest(route=route.name, persona=persona):
                    response = browsers[persona].get(url)
                    self.assert_status(response, route.expected(persona))

    def test_refused_writes_change_nothing(self):
        browsers = {persona: self.as_(persona) for persona in EVERYONE}
        for route in self.routes:
            if "POST" not in route.methods:
                continue
            url = self.url_for(route)
            data = route.post_data(self.w, self.prepared[route.name]) if callable(route.post_data) else route.post_data
            for persona in EVERYONE:
                if persona in route.allowed():
                    continue
                with self.subTest(route=route.name, persona=persona):
                    with assert_no_writes(self, f"{persona} changed data through {url}"):
                        response = browsers[persona].post(url, data)
                    self.assert_status(response, route.expected(persona))

    def test_third_party_pages_never_fail(self):
        for name, route, callback in walk_urls():
            if not is_third_party(callback) or "<" in route:
                continue
            for persona in (ANON, "client_a", "therapist"):
                with self.subTest(url=name, persona=persona):
                    response = self.as_(persona).get(reverse(name))
                    self.assertLess(response.status_code, 500)

    def assert_status(self, response, expected):
        if expected == LOGIN:
            self.assertEqual(response.status_code, 302)
            self.assertTrue(response["Location"].startswith(reverse("account_login")), response["Location"])
        else:
            self.assertEqual(response.status_code, expected, response.content[:300])


class NoWritesGuardTests(TendingTestCase):
    def test_the_guard_notices_a_write(self):
        with self.assertRaises(AssertionError), assert_no_writes(self):
            self.w.practice.save(update_fields=["name"])
