"""The client keeps their space after our work together has ended (issue 21).

Two worlds:

- ``EndedClientSpaceTests``: Fern (the "ended" persona, Ana's client whose care ended a month ago) opens
  every client page of the route lists (``<app>/tests/routes*.py``) and gets it, with the crisis link on
  each; booking a new session is refused (``tending.testing.matrix.ENDED_REFUSED``); nothing is a 500,
  reading or writing.
- ``FormerTherapistTests``: client A's own care has ended. Every route about her, and every client page,
  answers each persona what ``Route.expected_after_ending`` says: she keeps her pages, Ana (still her
  therapist on record) reads the record the practice keeps, and nobody else gains anything.
"""

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from tending.testing.db import assert_no_writes, written_tables
from tending.testing.matrix import (
    CLIENT,
    CLIENT_OBJECT,
    ENDED,
    ENDED_REFUSED,
    LOGIN,
    NOT_FOUND,
    OK,
    PUBLIC,
    SIGNED_IN,
    THERAPIST_OF_CLIENT,
    all_routes,
)
from tending.testing.personas import TendingTestCase, add_administrator_persona, add_ended_persona, end_care

CRISIS_LINK = 'href="/crisis/'


def _url(world, route, prepared) -> str:
    kwargs = route.kwargs(world, prepared) if route.kwargs else {}
    return reverse(route.name, kwargs=kwargs) + (f"?{route.query}" if route.query else "")


def _post_data(world, route, prepared) -> dict:
    return route.post_data(world, prepared) if callable(route.post_data) else route.post_data


def client_space_routes(routes):
    """The routes of a client's own space (their own pages, their account, the public ones)."""
    return [route for route in routes if route.kind in (CLIENT, SIGNED_IN, PUBLIC)]


def is_page(response) -> bool:
    return response.status_code == OK and response["Content-Type"].startswith("text/html")


class EndedWorldMixin:
    def assert_status(self, response, expected, what=""):
        if expected == LOGIN:
            self.assertEqual(response.status_code, 302, what)
            self.assertTrue(response["Location"].startswith(reverse("account_login")), what)
        elif expected == OK and response.status_code == 204:
            # A poll with nothing new answers 204 No Content: allowed, with nothing to show.
            self.assertEqual(response.content, b"", what)
        else:
            self.assertEqual(response.status_code, expected, f"{what}: {response.content[:300]!r}")


class EndedClientSpaceTests(EndedWorldMixin, TendingTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        add_ended_persona(cls.w)
        cls.routes = all_routes()
        cls.prepared = {route.name: route.setup(cls.w) if route.setup else None for route in cls.routes}

    def url_for(self, route):
        return _url(self.w, route, self.prepared[route.name])

    def test_fern_is_a_client_whose_care_has_ended(self):
        self.assertTrue(self.w.ended.care_has_ended)
        self.assertEqual(self.w.ended.therapist, self.w.therapist)
        self.assertEqual(self.w.ended.endings.get().state, "ended")

    def test_the_ended_client_keeps_every_page_of_their_space(self):
        fern = self.as_(ENDED)
        opened = []
        for route in client_space_routes(self.routes):
            if "GET" not in route.methods:
                continue
            url = self.url_for(route)
            with self.subTest(route=route.name):
                response = fern.get(url)
                if route.kind != PUBLIC:  # (a health check may say the jobs are not running here)
                    self.assertLess(response.status_code, 500)
                self.assert_status(response, route.expected(ENDED), route.name)
                if route.kind == CLIENT and not route.not_a_page and is_page(response):
                    opened.append(route.name)
                    self.assertContains(response, CRISIS_LINK, msg_prefix=f"{route.name} has no crisis link")
        # Her own space, named: practices and the player, what helps, self-care, journal, check-ins, the safety
        # plan, her data, her messages and her home.
        for name in (
            "practice:client_home",
            "mindfulness:library",
            "mindfulness:play",
            "mindfulness:what_helps",
            "selfcare:plan",
            "selfcare:reminders",
            "journal:list",
            "journal:new",
            "checkins:today",
            "safetyplan:mine",
            "safetyplan:edit",
            "dataprivacy:mine",
            "messaging:mine",
            "bookings:mine",
        ):
            self.assertIn(name, opened)

    def test_the_crisis_page_is_one_tap_away_and_opens(self):
        fern = self.as_(ENDED)
        home = fern.get(reverse("practice:client_home"))
        self.assertContains(home, CRISIS_LINK)
        self.assertEqual(fern.get(reverse("practice:crisis")).status_code, OK)

    def test_her_own_ending_pages_open(self):
        """Every page of the ending app a client opens (its CLIENT routes) opens for her too."""
        fern = self.as_(ENDED)
        opened = []
        for route in self.routes:
            if not route.name.startswith("ending:") or route.kind != CLIENT or "GET" not in route.methods:
                continue
            with self.subTest(route=route.name):
                response = fern.get(self.url_for(route))
                self.assert_status(response, route.expected(ENDED), route.name)
                opened.append(route.name)
        self.assertTrue({"ending:mine", "ending:summary_pdf", "ending:come_back"} <= set(opened), opened)
        summary = fern.get(reverse("ending:mine"))
        self.assertContains(summary, "I sleep most nights")
        self.assertContains(summary, CRISIS_LINK)
        # Her own follow-ups (chosen at the ending, planned at three and six months) open for her alone.
        for follow_up in self.w.ended.follow_ups.all():
            url = reverse("ending:follow_up", kwargs={"follow_up_uuid": follow_up.uuid})
            with self.subTest(follow_up=follow_up.months):
                self.assertEqual(fern.get(url).status_code, OK)
                self.assertEqual(self.as_("client_b").get(url).status_code, 404)
                self.assertEqual(self.as_("therapist").get(url).status_code, 404)

    def test_what_an_ended_client_may_no_longer_do_is_refused_kindly(self):
        """Booking a new session, writing to her former therapist: refused, nothing written; her sessions
        page says why, and where to ask about coming back."""
        fern = self.as_(ENDED)
        for name, status in ENDED_REFUSED.items():
            route = next(r for r in self.routes if r.name == name)
            url = self.url_for(route)
            with self.subTest(route=name):
                if "GET" in route.methods:
                    self.assertEqual(fern.get(url).status_code, status)
                if "POST" in route.methods:
                    with assert_no_writes(self, f"the ended client wrote through {url}"):
                        self.assertEqual(
                            fern.post(url, _post_data(self.w, route, self.prepared[name])).status_code, status
                        )
        sessions = fern.get(reverse("bookings:mine"))
        self.assertContains(sessions, "Our work together has ended")
        self.assertNotContains(sessions, reverse("bookings:book_session", kwargs={"slot": "x"}).rsplit("x", 1)[0])
        come_back = self.come_back_url()
        self.assertContains(sessions, f'href="{come_back}"' if come_back else "get in touch")

    def come_back_url(self) -> str | None:
        """The page to ask about coming back; her ending page while it is not there yet."""
        for name in ("ending:come_back", "ending:mine"):
            try:
                return reverse(name)
            except NoReverseMatch:
                continue
        return None

    def test_her_writes_in_her_own_space_never_fail(self):
        """Each write of a client page she may make answers without a server error (each rolled back)."""
        for route in client_space_routes(self.routes):
            if "POST" not in route.methods or route.kind != CLIENT or route.name in ENDED_REFUSED:
                continue
            url = self.url_for(route)
            with self.subTest(route=route.name), transaction.atomic():
                response = self.as_(ENDED).post(url, _post_data(self.w, route, self.prepared[route.name]))
                # Not refused, and never a server error (a 400 is a form shown again: some submissions name
                # client A's sessions, which Fern has not got).
                self.assertLess(response.status_code, 500, route.name)
                self.assertNotIn(response.status_code, (403, 404), f"{route.name}: {response.content[:300]!r}")
                transaction.set_rollback(True)

    def test_nothing_of_another_client_opens_for_her(self):
        fern = self.as_(ENDED)
        checked = 0
        for route in self.routes:
            if route.kind not in (CLIENT_OBJECT, THERAPIST_OF_CLIENT) or "GET" not in route.methods:
                continue
            with self.subTest(route=route.name):
                self.assertEqual(route.expected(ENDED), NOT_FOUND)
                self.assertEqual(fern.get(self.url_for(route)).status_code, NOT_FOUND)
                checked += 1
        self.assertGreater(checked, 20)


class FormerTherapistTests(EndedWorldMixin, TendingTestCase):
    """Client A's care has ended. Ana, her therapist on record, still reads the record the practice keeps
    (until the retention period ends); the client keeps her own pages; nobody gains anything."""

    PERSONAS = ("client_a", "client_b", "therapist", "colleague", "owner", "administrator", ENDED)

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        add_administrator_persona(cls.w)
        add_ended_persona(cls.w)
        routes = all_routes()
        prepared = {route.name: route.setup(cls.w) if route.setup else None for route in routes}
        cls.checked = [
            (route, _url(cls.w, route, prepared[route.name]))
            for route in routes
            if route.kind in (CLIENT, CLIENT_OBJECT, THERAPIST_OF_CLIENT) and "GET" in route.methods
        ]
        cls.ending = end_care(cls.w.client_a, by=cls.w.therapist, days_ago=1)

    def test_each_persona_gets_what_the_ending_leaves(self):
        browsers = {persona: self.as_(persona) for persona in self.PERSONAS}
        for route, url in self.checked:
            for persona in self.PERSONAS:
                with self.subTest(route=route.name, persona=persona):
                    response = browsers[persona].get(url)
                    self.assertLess(response.status_code, 500)
                    self.assert_status(response, route.expected_after_ending(persona), f"{route.name} {persona}")

    def test_the_former_therapist_still_reads_the_kept_record(self):
        ana = self.as_("therapist")
        reads = [r for r, _url in self.checked if r.kind == THERAPIST_OF_CLIENT and not r.write_form]
        self.assertGreater(len(reads), 10)
        for name in ("practice:client_detail", "notes:for_client", "journey:client", "formulation:detail"):
            route, url = next((r, u) for r, u in self.checked if r.name == name)
            with self.subTest(route=name):
                self.assertEqual(ana.get(url).status_code, route.expected_after_ending("therapist"))
                self.assertEqual(route.expected_after_ending("therapist"), OK)

    def test_the_former_therapist_reaches_out_with_nothing_new(self):
        """After the ending Ana may finish and correct the record (notes, formulation, a risk alert seen), but
        nothing reaches out to Cara as if care went on: no questionnaire, session, message or practice."""
        reaching = {
            "measures_measurerequest",
            "bookings_appointment",
            "messaging_message",
            "mindfulness_recommendation",
            "outbox_email",
        }
        routes = {route.name: route for route in all_routes()}
        for name in REACHING_OUT:
            route = routes[name]
            prepared = route.setup(self.w) if route.setup else None
            with self.subTest(route=name), transaction.atomic():
                with CaptureQueriesContext(connection) as queries:
                    response = self.as_("therapist").post(
                        _url(self.w, route, prepared), _post_data(self.w, route, prepared)
                    )
                self.assertLess(response.status_code, 500)
                self.assertEqual(set(written_tables(queries.captured_queries)) & reaching, set(), name)
                transaction.set_rollback(True)


# The former therapist's writes that would reach out to an ended client (tested above).
REACHING_OUT = (
    "measures:send",
    "bookings:book_for_client",
    "messaging:staff_send",
    "messaging:share",
    "mindfulness:recommend",
)
