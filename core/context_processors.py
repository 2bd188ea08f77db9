"""Context for every template rendered with a request."""

from django.middleware.csrf import get_token
from django.utils.functional import SimpleLazyObject


def csrf_once(request):
    """The CSRF token masked once per request, for every template the request renders.

    Django's own processor masks the token again for each template, and a page of panels renders one template a
    panel: the client's record masked it four times, 0.1 ms each (``get_random_string`` draws its 32 characters
    from the system one at a time). One mask per response protects as much: masking stops a compressed response
    from giving the secret away across many responses, and every response still has a mask of its own. Masked
    again once the secret changes (signing in rotates it).
    """
    return {"csrf_token": SimpleLazyObject(lambda: _masked(request))}


def _masked(request) -> str:
    kept = getattr(request, "_csrf_masked", None)
    if kept is None or kept[0] != request.META.get("CSRF_COOKIE"):
        token = get_token(request)
        kept = request._csrf_masked = (request.META.get("CSRF_COOKIE"), token)
    return kept[1]
