"""Behind our proxy, each visitor keeps their own address (audit log, per-address limits)."""

from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpResponse
from django.test import RequestFactory, SimpleTestCase, override_settings

from core.middleware import TrustedProxyMiddleware


def seen_address(request):
    return HttpResponse(request.META["REMOTE_ADDR"])


class TrustedProxyTests(SimpleTestCase):
    def request(self, forwarded=None):
        headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
        return RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", **headers)

    @override_settings(TENDING_TRUSTED_PROXY_COUNT=1)
    def test_behind_one_proxy_the_visitor_is_the_last_hop_the_proxy_added(self):
        middleware = TrustedProxyMiddleware(seen_address)
        response = middleware(self.request("198.51.100.7, 203.0.113.9"))
        self.assertEqual(response.content, b"203.0.113.9")

    @override_settings(TENDING_TRUSTED_PROXY_COUNT=1)
    def test_a_header_that_is_not_an_address_keeps_the_proxys_address(self):
        middleware = TrustedProxyMiddleware(seen_address)
        self.assertEqual(middleware(self.request("not-an-address")).content, b"127.0.0.1")
        self.assertEqual(middleware(self.request()).content, b"127.0.0.1")

    @override_settings(TENDING_TRUSTED_PROXY_COUNT=2)
    def test_fewer_hops_than_trusted_proxies_changes_nothing(self):
        middleware = TrustedProxyMiddleware(seen_address)
        self.assertEqual(middleware(self.request("203.0.113.9")).content, b"127.0.0.1")

    @override_settings(TENDING_TRUSTED_PROXY_COUNT=0)
    def test_without_a_trusted_proxy_it_is_not_used_at_all(self):
        with self.assertRaises(MiddlewareNotUsed):
            TrustedProxyMiddleware(seen_address)
