from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.functional import empty


class PrivateCacheMiddleware:
    """Pages shown to a signed-in person are never stored by browsers or proxies (``no-store``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        # Only look at the user if something already loaded it: checking would
        # otherwise touch the session (and the database) on public pages.
        if user is not None and getattr(user, "_wrapped", empty) is not empty:
            try:
                signed_in = user.is_authenticated
            except Exception:  # noqa: BLE001 - a broken session store must not turn a page into a 500
                signed_in = False
            if signed_in:
                add_never_cache_headers(response)
                response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
                patch_vary_headers(response, ["Cookie"])
        return response
