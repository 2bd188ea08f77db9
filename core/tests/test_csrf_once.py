"""One masked CSRF token per request (core.context_processors.csrf_once), valid for every form of the page."""

import re

from django.middleware.csrf import _unmask_cipher_token, rotate_token
from django.test import RequestFactory, SimpleTestCase
from django.urls import reverse

from core.context_processors import csrf_once
from measures.models import MeasureRequest
from tending.testing.personas import TendingTestCase
from tending.tests._security import http_for

TOKENS = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class OneTokenPerRequestTests(SimpleTestCase):
    def token(self, request) -> str:
        return str(csrf_once(request)["csrf_token"])

    def test_every_template_of_a_request_gets_the_same_masked_token(self):
        request = RequestFactory().get("/")
        first, second = self.token(request), self.token(request)
        self.assertEqual(first, second)
        self.assertEqual(len(first), 64)
        self.assertEqual(_unmask_cipher_token(first), request.META["CSRF_COOKIE"])

    def test_another_request_gets_another_mask_of_the_same_secret(self):
        one, two = RequestFactory().get("/"), RequestFactory().get("/")
        first = self.token(one)
        two.META["CSRF_COOKIE"] = one.META["CSRF_COOKIE"]
        second = self.token(two)
        self.assertNotEqual(first, second)
        self.assertEqual(_unmask_cipher_token(first), _unmask_cipher_token(second))

    def test_a_rotated_secret_is_masked_afresh(self):
        request = RequestFactory().get("/")
        before = self.token(request)
        rotate_token(request)  # as signing in does
        after = self.token(request)
        self.assertNotEqual(before, after)
        self.assertEqual(_unmask_cipher_token(after), request.META["CSRF_COOKIE"])


class PageOfPanelsTests(TendingTestCase):
    def test_the_forms_of_every_panel_share_one_token_and_it_is_accepted(self):
        http = http_for(self.w, "therapist", enforce_csrf_checks=True)
        page = http.get(reverse("practice:client_detail", args=[self.w.client_a.uuid]))
        tokens = TOKENS.findall(page.content.decode())
        self.assertGreaterEqual(len(tokens), 2, "the record shows several panels' forms")
        self.assertEqual(len(set(tokens)), 1)
        sent = http.post(
            reverse("measures:send", args=[self.w.client_a.uuid]),
            {"instrument": "phq9", "rhythm": "once", "csrfmiddlewaretoken": tokens[0]},
        )
        self.assertEqual(sent.status_code, 302)
        self.assertTrue(MeasureRequest.objects.filter(client=self.w.client_a, instrument="phq9").exists())
