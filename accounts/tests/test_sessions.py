from datetime import UTC, datetime, timedelta
from importlib import import_module

import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from accounts.sessions import KeptSessionRead
from accounts.sessions.db import SessionStore
from tending.testing.personas import TendingTestCase

START = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


class SessionTimeoutTests(TendingTestCase):
    def visit(self, http, url):
        return http.get(url)

    def session_row(self, http):
        return Session.objects.get(session_key=http.cookies["sessionid"].value)

    def test_a_client_is_signed_out_after_30_idle_minutes(self):
        with time_machine.travel(START, tick=False) as clock:
            http = self.as_("client_a")
            self.assertEqual(http.get(reverse("practice:client_home")).status_code, 200)
            clock.shift(timedelta(minutes=29))
            self.assertEqual(http.get(reverse("practice:client_home")).status_code, 200)
            clock.shift(timedelta(minutes=31))
            response = http.get(reverse("practice:client_home"))
            self.assertEqual(response.status_code, 302)
            self.assertTrue(response["Location"].startswith(reverse("account_login")))
            # Still inside the travel: out of it, the session row has long expired in real time.
            login_page = http.get(response["Location"])
            self.assertContains(login_page, "signed out after a while without activity")

    def test_staff_are_signed_out_after_15_idle_minutes(self):
        with time_machine.travel(START, tick=False) as clock:
            http = self.as_("therapist")
            self.assertEqual(http.get(reverse("caseload:home")).status_code, 200)
            clock.shift(timedelta(minutes=16))
            response = http.get(reverse("caseload:home"))
        self.assertEqual(response.status_code, 302)

    def test_nobody_stays_signed_in_for_more_than_12_hours(self):
        with time_machine.travel(START, tick=False) as clock:
            http = self.as_("client_a")
            http.get(reverse("practice:client_home"))
            for _ in range(12 * 4 + 1):
                clock.shift(timedelta(minutes=15))
                response = http.get(reverse("practice:client_home"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("account_login")))

    def test_reading_pages_writes_the_idle_clock_at_most_once_a_minute(self):
        with time_machine.travel(START, tick=False) as clock:
            http = self.as_("client_a")
            http.get(reverse("practice:client_home"))
            saved = self.session_row(http).session_data
            for _ in range(5):
                clock.shift(timedelta(seconds=10))
                http.get(reverse("practice:client_home"))
            self.assertEqual(self.session_row(http).session_data, saved)
            clock.shift(timedelta(seconds=15))
            http.get(reverse("practice:client_home"))
            self.assertNotEqual(self.session_row(http).session_data, saved)

    def test_an_htmx_request_after_timeout_sends_the_page_to_sign_in(self):
        with time_machine.travel(START, tick=False) as clock:
            http = self.as_("client_a")
            http.get(reverse("practice:client_home"))
            clock.shift(timedelta(minutes=45))
            response = http.get(reverse("practice:client_home"), headers={"HX-Request": "true"})
        self.assertEqual(response["HX-Redirect"], reverse("account_login"))


class KeptSessionReadTests(TendingTestCase):
    """accounts/sessions: Django's store, reading the row through a kept read (core/compiled.py)."""

    def make(self, **data):
        store = SessionStore()
        store.update(data)
        store.create()
        return store.session_key

    def test_the_engine_is_ours(self):
        self.assertTrue(issubclass(import_module(settings.SESSION_ENGINE).SessionStore, KeptSessionRead))

    def test_each_key_loads_its_own_session(self):
        first, second = self.make(who="first"), self.make(who="second")
        self.assertEqual(SessionStore(first).load(), {"who": "first"})
        self.assertEqual(SessionStore(second).load(), {"who": "second"})
        self.assertEqual(SessionStore(first).load(), {"who": "first"})

    def test_an_expired_or_unknown_session_loads_as_empty_and_keeps_no_key(self):
        key = self.make(who="gone")
        Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
        for store in (SessionStore(key), SessionStore("x" * 32)):
            self.assertEqual(store.load(), {})
            self.assertIsNone(store.session_key)

    def test_expiry_is_judged_at_each_load_not_when_the_query_was_kept(self):
        key = self.make(who="here")
        self.assertEqual(SessionStore(key).load(), {"who": "here"})
        with time_machine.travel(timezone.now() + timedelta(days=30), tick=False):
            self.assertEqual(SessionStore(key).load(), {})

    def test_a_key_of_the_wrong_shape_reads_nothing(self):
        with self.assertNumQueries(0):
            self.assertEqual(SessionStore("short").load(), {})

    def test_the_cached_store_reads_the_database_through_the_same_read_when_the_cache_has_lost_it(self):
        # With Redis (accounts.sessions.cached_db): a restart of Redis loses the cache, never the session.
        from accounts.sessions import cached_db

        store = cached_db.SessionStore()
        store["who"] = "kept"
        store.create()
        caches[settings.SESSION_CACHE_ALIAS].delete(store.cache_key)
        self.assertEqual(cached_db.SessionStore(store.session_key).load(), {"who": "kept"})
        Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))
        caches[settings.SESSION_CACHE_ALIAS].delete(store.cache_key)
        self.assertEqual(cached_db.SessionStore(store.session_key).load(), {})
