"""The page shell's navigation (practice.context_processors.tending): worked out once per request and person."""

from unittest import mock

from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from practice import context_processors
from tending.testing.personas import TendingTestCase


class NavOncePerRequestTests(TendingTestCase):
    def test_every_template_of_a_request_shares_one_nav(self):
        request = self.staff_request()
        with mock.patch.object(context_processors, "nav_for", wraps=context_processors.nav_for) as nav_for:
            first = context_processors.tending(request)["nav"]
            second = context_processors.tending(request)["nav"]
        self.assertIs(first, second)
        self.assertEqual(nav_for.call_count, 1)
        self.assertTrue(first.is_therapist)
        self.assertEqual(first.practice, self.w.therapist.practice)

    def test_signing_out_within_the_request_changes_the_shell(self):
        request = self.staff_request()
        self.assertTrue(context_processors.tending(request)["nav"].is_therapist)
        request.user = AnonymousUser()  # as django.contrib.auth.logout() leaves it
        self.assertIsNone(context_processors.tending(request)["nav"])

    def test_another_person_signing_in_gets_their_own_shell(self):
        request = self.staff_request()
        context_processors.tending(request)
        request.user = self.w.user("client_a")  # as django.contrib.auth.login() leaves it
        nav = context_processors.tending(request)["nav"]
        self.assertTrue(nav.is_client)
        self.assertFalse(nav.is_therapist)

    def test_a_database_error_shows_a_plain_shell_and_is_not_kept(self):
        request = self.staff_request()
        with mock.patch.object(context_processors, "nav_for", side_effect=DatabaseError("gone")):
            self.assertIsNone(context_processors.tending(request)["nav"])
        self.assertTrue(context_processors.tending(request)["nav"].is_therapist)

    def test_panels_rendered_with_the_request_ask_once(self):
        request = RequestFactory().get("/")
        request.user = self.w.user("client_a")
        with mock.patch.object(context_processors, "nav_for", wraps=context_processors.nav_for) as nav_for:
            for _ in range(3):
                render_to_string("base.html", request=request)
        self.assertEqual(nav_for.call_count, 1)

    def test_a_client_page_shows_their_practice_and_their_navigation(self):
        response = self.as_("client_a").get(reverse("practice:client_home"))
        self.assertContains(response, f"· {self.w.practice.name}</title>", html=False)
        self.assertContains(response, 'aria-label="Main"')
