"""Context for every template rendered with a request."""

import secrets

from django.middleware.csrf import CSRF_ALLOWED_CHARS, get_token
from django.utils.functional import SimpleLazyObject

_CHARS = CSRF_ALLOWED_CHARS
_INDEX = {char: n for n, char in enumerate(_CHARS)}
# Random bytes below this are taken, each as one character of the mask (byte % 62): every character equally likely.
_BELOW = 256 - 256 % len(_CHARS)


def csrf_once(request):
    """The CSRF token masked once per request, for every template the request renders.

    Django's own processor masks the token again for each template, and a page of panels renders one template a
    panel: the client's record masked it four times, 0.1 ms each (``get_random_string`` draws its 32 characters
    from the system one at a time). One mask per response protects as much: masking stops a compressed response
    from giving the secret away across many responses, and every response still has a mask of its own. Masked
    again once the secret changes (signing in rotates it).

    The mask is drawn from one read of the system's random bytes (``mask``), not 32 (Django's ``get_random_string``
    asks the system once a character): 45 microseconds a page.
    """
    return {"csrf_token": SimpleLazyObject(lambda: _masked(request))}


def _masked(request) -> str:
    kept = getattr(request, "_csrf_masked", None)
    if kept is None or kept[0] != request.META.get("CSRF_COOKIE"):
        token = _token(request)
        kept = request._csrf_masked = (request.META.get("CSRF_COOKIE"), token)
    return kept[1]


def _token(request) -> str:
    """``django.middleware.csrf.get_token``, with the mask drawn by ``mask``."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        # No secret yet: Django makes one and sets its cookie. The middleware has checked any secret it was sent.
        return get_token(request)
    # As get_token: the cookie is used, so it is sent again with the response, renewing its expiry.
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    return mask(secret)


def mask(secret: str) -> str:
    """The token a page carries for ``secret``, as Django's ``_mask_cipher_secret`` makes it: a random mask of
    32 allowed characters, then each of the secret's characters shifted by the mask's at the same place."""
    drawn: list[int] = []
    while len(drawn) < len(secret):
        drawn.extend(byte % len(_CHARS) for byte in secrets.token_bytes(2 * len(secret)) if byte < _BELOW)
    shifts = drawn[: len(secret)]
    return "".join(_CHARS[n] for n in shifts) + "".join(
        _CHARS[(_INDEX[char] + n) % len(_CHARS)] for char, n in zip(secret, shifts, strict=True)
    )
