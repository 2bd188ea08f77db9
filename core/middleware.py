import ipaddress

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.functional import LazyObject, empty


class PrivateCacheMiddleware:
    """Pages shown to a signed-in person are never stored by browsers or proxies (``no-store``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        # Only look at the user if something already loaded it: checking would
        # otherwise touch the session (and the database) on public pages. Loaded, they are either Django's lazy
        # wrapper with its object inside or (accounts.middleware.SessionTimeoutMiddleware) the object itself.
        if user is not None and (not isinstance(user, LazyObject) or user._wrapped is not empty):
            try:
                signed_in = user.is_authenticated
            except Exception:  # noqa: BLE001 - a broken session store must not turn a page into a 500
                signed_in = False
            if signed_in:
                add_never_cache_headers(response)
                response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
                patch_vary_headers(response, ["Cookie"])
        return response


class TrustedProxyMiddleware:
    """Behind ``TENDING_TRUSTED_PROXY_COUNT`` proxies, the visitor's address is that many hops from the right of X-Forwarded-For.

    gunicorn leaves ``REMOTE_ADDR`` as the proxy's own address, so without this every visitor
    shares one address: the audit log records the proxy, and the per-address limits (allauth's
    sign-in limits, free-consultation bookings) count everyone together. The load test found it:
    a busy minute of sign-ins was refused with 429 (docs/benchmarks.md). Only hops added by our
    own proxies are trusted; anything further left was written by the caller.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.count = settings.TENDING_TRUSTED_PROXY_COUNT
        if not self.count:
            raise MiddlewareNotUsed

    def __call__(self, request):
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= self.count:
            try:
                request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(hops[-self.count]))
            except ValueError:
                pass  # not an address: keep the proxy's
        return self.get_response(request)
