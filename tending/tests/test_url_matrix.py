"""Every URL is classified, and every persona gets exactly what its role allows."""

import uuid

from django.apps import apps
from django.db import transaction
from django.forms import BaseForm, BaseFormSet
from django.urls import reverse

from dataprivacy.services import erasure_complete, erasure_request
from practice.models import Client
from tending.testing.db import assert_no_writes, assert_writes
from tending.testing.matrix import (
    ADMINISTRATOR,
    ANON,
    BILLING_OF_CLIENT,
    CARE_TEAM,
    CLIENT,
    CLIENT_OBJECT,
    LOGIN,
    NOT_FOUND,
    OFFICE,
    OFFICE_OF_CLIENT,
    OFFICE_OF_STAFF,
    OK,
    OWNER,
    OWNER_OF_CLIENT,
    OWNER_OF_STAFF,
    PUBLIC,
    THERAPIST,
    THERAPIST_OBJECT,
    THERAPIST_OF_CLIENT,
    all_routes,
)
from tending.testing.personas import (
    ADMINISTRATOR_PERSONAS,
    CARE_PERSONAS,
    EMERGENCY_PERSONAS,
    ENDED_PERSONAS,
    PERSONAS,
    TendingTestCase,
    add_administrator_persona,
    add_care_personas,
    add_emergency_persona,
    add_ended_persona,
)
from tending.testing.urls import is_third_party, walk_urls

EVERYONE = PERSONAS + CARE_PERSONAS + EMERGENCY_PERSONAS + ADMINISTRATOR_PERSONAS + ENDED_PERSONAS

# The apps whose every page is about a client's care: the administrator opens none of them.
CLINICAL_APPS = (
    "formulation",
    "notes",
    "measures",
    "journal",
    "checkins",
    "risk",
    "safetyplan",
    "mindfulness",
    "selfcare",
    "journey",
    "caseload",
    "care",
)
# Kinds of page that are the office's (bookings and money), and kinds that are clinical or the owner's alone.
OFFICE_KINDS = {OFFICE, OFFICE_OF_CLIENT, OFFICE_OF_STAFF, BILLING_OF_CLIENT}
NOT_THE_OFFICES = {
    CLIENT,
    CLIENT_OBJECT,
    THERAPIST,
    THERAPIST_OF_CLIENT,
    THERAPIST_OBJECT,
    CARE_TEAM,
    OWNER,
    OWNER_OF_CLIENT,
    OWNER_OF_STAFF,
}


def _url(world, route, prepared) -> str:
    kwargs = route.kwargs(world, prepared) if route.kwargs else {}
    return reverse(route.name, kwargs=kwargs) + (f"?{route.query}" if route.query else "")


def _post_data(world, route, prepared) -> dict:
    return route.post_data(world, prepared) if callable(route.post_data) else route.post_data


class MatrixTestCase(TendingTestCase):
    def assert_status(self, response, expected):
        if expected == LOGIN:
            self.assertEqual(response.status_code, 302)
            self.assertTrue(response["Location"].startswith(reverse("account_login")), response["Location"])
        elif expected == OK and response.status_code == 204:
            # A poll with nothing new answers 204 No Content: allowed, with nothing to show.
            self.assertEqual(response.content, b"")
        else:
            self.assertEqual(response.status_code, expected, response.content[:300])


class UrlMatrixTests(MatrixTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        add_care_personas(cls.w)
        add_emergency_persona(cls.w)
        add_administrator_persona(cls.w)
        add_ended_persona(cls.w)
        cls.routes = all_routes()
        cls.prepared = {route.name: route.setup(cls.w) if route.setup else None for route in cls.routes}

    def url_for(self, route):
        return _url(self.w, route, self.prepared[route.name])

    def post_data_for(self, route):
        return _post_data(self.w, route, self.prepared[route.name])

    def test_every_url_is_classified(self):
        classified = {route.name for route in self.routes}
        missing = sorted(
            name for name, _route, callback in walk_urls() if name not in classified and not is_third_party(callback)
        )
        self.assertEqual(missing, [], "Add these URLs to their app's tests/routes.py")

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
            data = self.post_data_for(route)
            for persona in EVERYONE:
                if persona in route.allowed("POST"):
                    continue
                with self.subTest(route=route.name, persona=persona):
                    with assert_no_writes(self, f"{persona} changed data through {url}"):
                        response = browsers[persona].post(url, data)
                    self.assert_status(response, route.expected(persona, "POST"))

    def test_allowed_writes_succeed(self):
        """Each write, made by someone allowed to, with a valid submission, succeeds and writes something.

        Each runs in a savepoint rolled back afterwards, so one write (a therapist leaving, an entry
        deleted) cannot change what the next one finds."""
        for route in self.routes:
            if "POST" not in route.methods or route.post_skip:
                continue
            writer = route.post_writer()
            url = self.url_for(route)
            with self.subTest(route=route.name, writer=writer):
                self.assertIn(writer, route.allowed("POST"), f"{route.name}: {writer} may not write here")
                with transaction.atomic():
                    browser = self.as_(writer)
                    data = self.post_data_for(route)
                    with assert_writes(self, f"{writer} wrote nothing through {url}", tables=route.post_writes):
                        response = browser.post(url, data)
                    self.assert_write_succeeded(route, response)
                    transaction.set_rollback(True)

    def test_few_writes_are_left_out(self):
        """The allowed-writes check leaves out only the routes that say why (post_skip), and they are few."""
        skipped = [route.name for route in self.routes if "POST" in route.methods and route.post_skip]
        writes = [route.name for route in self.routes if "POST" in route.methods]
        self.assertLessEqual(len(skipped), 5, skipped)
        self.assertGreater(len(writes), 50)

    def test_an_emergency_reader_reads_client_as_record_and_changes_none_of_it(self):
        """Eve (emergency access to Cara) opens the pages of Cara's record, and every write there is refused."""
        reads = [r for r in self.routes if r.kind == THERAPIST_OF_CLIENT and "GET" in r.methods and not r.write_form]
        writes = [r for r in self.routes if r.kind == THERAPIST_OF_CLIENT and "POST" in r.methods]
        self.assertGreater(len(reads), 10)
        for route in reads:
            self.assertEqual(route.expected("emergency"), route.ok_status, route.name)
        for route in writes:
            if route.expect.get("owner") == route.ok_status:
                continue  # the owner may make this write as an owner, not through emergency access
            self.assertEqual(route.expected("emergency", "POST"), NOT_FOUND, route.name)

    def test_the_administrator_reaches_every_booking_and_money_page(self):
        """Issue 18's proof, first half: every page of the office's kinds in bookings and money opens for Sam."""
        sam = self.as_(ADMINISTRATOR)
        office = [r for r in self.routes if r.name.split(":")[0] in ("bookings", "money") and r.kind in OFFICE_KINDS]
        self.assertGreaterEqual(len([r for r in office if r.name.startswith("bookings:")]), 6)
        self.assertGreaterEqual(len([r for r in office if r.name.startswith("money:")]), 15)
        for route in office:
            with self.subTest(route=route.name):
                self.assertEqual(route.expected(ADMINISTRATOR), route.ok_status)
                if "GET" in route.methods:
                    self.assert_status(sam.get(self.url_for(route)), route.ok_status)
        self.assert_status(sam.get(reverse("money:overview")), 200)

    def test_the_administrator_opens_no_clinical_page_and_no_owner_only_one(self):
        """Issue 18's proof, second half: every route of a clinical app, and every clinical or owner-only kind
        of page anywhere, is a 404 for Sam, and her POSTs there change nothing."""
        sam = self.as_(ADMINISTRATOR)
        refused = [
            r
            for r in self.routes
            if (r.name.split(":")[0] in CLINICAL_APPS and r.kind != PUBLIC) or r.kind in NOT_THE_OFFICES
        ]
        apps_seen = {r.name.split(":")[0] for r in refused}
        self.assertEqual(set(CLINICAL_APPS) - apps_seen, set(), "a clinical app has no routes checked")
        self.assertGreater(len(refused), 60)
        for route in refused:
            url = self.url_for(route)
            with self.subTest(route=route.name):
                self.assertEqual(route.expected(ADMINISTRATOR), NOT_FOUND)
                if "GET" in route.methods:
                    self.assert_status(sam.get(url), NOT_FOUND)
                if "POST" in route.methods:
                    data = self.post_data_for(route)  # some make what a valid form needs (booking settings)
                    with assert_no_writes(self, f"the administrator changed data through {url}"):
                        self.assert_status(sam.post(url, data), NOT_FOUND)

    def test_third_party_pages_never_fail(self):
        for name, route, callback in walk_urls():
            if not is_third_party(callback) or "<" in route:
                continue
            for persona in (ANON, "client_a", "therapist"):
                with self.subTest(url=name, persona=persona):
                    response = self.as_(persona).get(reverse(name))
                    self.assertLess(response.status_code, 500)

    def assert_write_succeeded(self, route, response):
        status = response.status_code
        if route.post_ok_status is not None and status == route.post_ok_status:
            return
        self.assertTrue(200 <= status < 400, f"{route.name} answered {status}: {response.content[:500]!r}")
        # A form shown again with its errors is not a success, whatever its status.
        for form in _forms_in(response):
            self.assertEqual(form.errors, {}, f"{route.name}: the submission was not valid")
        if 300 <= status < 400:
            self.assertFalse(response["Location"].startswith(reverse("account_login")), response["Location"])


def _forms_in(response):
    """The bound forms a response rendered (its template context), to tell a success from a form shown again."""
    for context in response.context or []:
        for value in context.flatten().values() if hasattr(context, "flatten") else context.values():
            if isinstance(value, (BaseForm, BaseFormSet)) and value.is_bound:
                yield value


def _client_owned_models():
    """Models with a public uuid that belong to one client (a ``client`` foreign key)."""
    for model in apps.get_models():
        names = {f.name for f in model._meta.get_fields()}
        client_field = next((f for f in model._meta.get_fields() if f.name == "client"), None)
        if "uuid" in names and client_field is not None and getattr(client_field, "related_model", None) is Client:
            yield model


def about_client_a(world, route, prepared) -> bool:
    """Whether the route's URL names client A, or an object of hers (an entry, a note, a risk alert…)."""
    if route.kwargs is None:
        return False
    uuids = [value for value in route.kwargs(world, prepared).values() if isinstance(value, uuid.UUID)]
    if world.client_a.uuid in uuids:
        return True
    models = list(_client_owned_models())
    return any(model.objects.filter(uuid=value, client=world.client_a).exists() for value in uuids for model in models)


class ErasedClientMatrixTests(MatrixTestCase):
    """Once Cara's erasure is done, her kept record opens for nobody: not Ana, her former therapist, nor
    the owner holding emergency access, nor anyone else; and nothing about her can be changed."""

    # Cara herself can no longer sign in (her account is closed), so she is sent to sign in like a visitor.
    SIGNED_OUT = {ANON, "deactivated", "client_a"}

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()

        add_care_personas(cls.w)
        add_emergency_persona(cls.w)
        add_administrator_persona(cls.w)
        add_ended_persona(cls.w)
        routes = all_routes()
        prepared = {route.name: route.setup(cls.w) if route.setup else None for route in routes}
        cls.about_a = [
            (route, _url(cls.w, route, prepared[route.name]), _post_data(cls.w, route, prepared[route.name]))
            for route in routes
            if route.kind in (THERAPIST_OF_CLIENT, CLIENT_OBJECT) and about_client_a(cls.w, route, prepared[route.name])
        ]
        erasure_complete(erasure=erasure_request(client=cls.w.client_a), owner=cls.w.owner)

    def expected(self, persona):
        return LOGIN if persona in self.SIGNED_OUT else NOT_FOUND

    def test_the_routes_about_her_are_found(self):
        names = {route.name for route, _url, _data in self.about_a}
        for name in ("practice:client_detail", "notes:detail", "notes:for_client", "risk:alert", "journal:detail"):
            self.assertIn(name, names)
        self.assertNotIn("notes:template_edit", names)  # Ana's own template is not Cara's

    def test_her_record_opens_for_nobody(self):
        browsers = {persona: self.as_(persona) for persona in EVERYONE}
        for route, url, _data in self.about_a:
            if "GET" not in route.methods:
                continue
            for persona in EVERYONE:
                with self.subTest(route=route.name, persona=persona):
                    self.assert_status(browsers[persona].get(url), self.expected(persona))

    def test_nobody_changes_her_record(self):
        browsers = {persona: self.as_(persona) for persona in EVERYONE}
        for route, url, data in self.about_a:
            if "POST" not in route.methods:
                continue
            for persona in EVERYONE:
                with self.subTest(route=route.name, persona=persona):
                    with assert_no_writes(self, f"{persona} changed data through {url}"):
                        response = browsers[persona].post(url, data)
                    self.assert_status(response, self.expected(persona))


class NoWritesGuardTests(TendingTestCase):
    def test_the_guard_notices_a_write(self):
        with self.assertRaises(AssertionError), assert_no_writes(self):
            self.w.practice.save(update_fields=["name"])

    def test_the_writes_guard_notices_nothing_was_written(self):
        with self.assertRaises(AssertionError), assert_writes(self):
            list(Client.objects.all())

    def test_the_writes_guard_passes_a_write(self):
        with assert_writes(self):
            self.w.practice.save(update_fields=["name"])
