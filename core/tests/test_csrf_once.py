"""One masked CSRF token per request (core.context_processors.csrf_once), valid for every form of the page."""

import re
from collections import Counter

from django.middleware.csrf import CSRF_ALLOWED_CHARS, _get_new_csrf_string, _unmask_cipher_token, rotate_token
from django.test import RequestFactory, SimpleTestCase
from django.urls import reverse

from core.context_processors import csrf_once, mask
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


class MaskTests(SimpleTestCase):
    def test_a_mask_unmasks_to_its_secret_as_django_reads_it(self):
        for _ in range(200):
            secret = _get_new_csrf_string()
            token = mask(secret)
            self.assertEqual(len(token), 64)
            self.assertTrue(set(token) <= set(CSRF_ALLOWED_CHARS))
            self.assertEqual(_unmask_cipher_token(token), secret)

    def test_the_mask_is_drawn_afresh_and_from_every_allowed_character(self):
        secret = "a" * 32
        masks = [mask(secret)[:32] for _ in range(2000)]
        self.assertEqual(len(set(masks)), len(masks))
        counts = Counter("".join(masks))
        self.assertEqual(set(counts), set(CSRF_ALLOWED_CHARS))
        # 64,000 characters over 62: about 1,032 each, give or take 32. Taking byte % 62 of every byte would draw the
        # first eight characters (256 % 62 of them) five times in 256 and the rest four: 1,250 against 1,000.
        first, rest = CSRF_ALLOWED_CHARS[:8], CSRF_ALLOWED_CHARS[8:]
        ratio = (sum(counts[c] for c in first) / len(first)) / (sum(counts[c] for c in rest) / len(rest))
        self.assertLess(abs(ratio - 1), 0.1)

    def test_the_cookie_used_for_a_mask_is_sent_again_as_django_does(self):
        request = RequestFactory().get("/")
        request.META["CSRF_COOKIE"] = _get_new_csrf_string()
        token = str(csrf_once(request)["csrf_token"])
        self.assertIs(request.META["CSRF_COOKIE_NEEDS_UPDATE"], True)
        self.assertEqual(_unmask_cipher_token(token), request.META["CSRF_COOKIE"])


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
