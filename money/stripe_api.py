"""The thin edge between Tending and Stripe: a client built from settings, and the three calls money/online.py makes.

Everything Stripe answers comes back as plain dicts, so the services and the stored events never hold
the library's objects. Any Stripe failure (refused, unreachable, slow) becomes ``StripeUnavailable``,
whose message is for the logs, never for the client.
"""

import json

import stripe
from django.conf import settings

# A client waits on the "Pay online" button while we talk to Stripe: well under the library's 80 s.
TIMEOUT_SECONDS = 20


class StripeUnavailable(Exception):
    """Stripe refused the request or could not be reached."""


class BadEvent(Exception):
    """A webhook delivery whose signature does not hold, or which is not an event."""


def enabled() -> bool:
    """Whether paying online is on: both keys are set (docs/deploy.md)."""
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET)


def _client() -> stripe.StripeClient:
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": settings.STRIPE_API_BASE},
        # One retry, with the idempotency key the library adds, so a blip never makes two sessions.
        max_network_retries=1,
        http_client=stripe.new_default_http_client(timeout=TIMEOUT_SECONDS),
    )


def checkout_create(params: dict) -> dict:
    """Create a Checkout Session with ``params`` (Stripe's own names); returns Stripe's answer."""
    try:
        return _client().v1.checkout.sessions.create(params=params).to_dict()
    except stripe.StripeError as error:
        raise StripeUnavailable(f"{type(error).__name__}: {error.user_message or error}") from error


def checkout_retrieve(stripe_id: str) -> dict:
    """Stripe's current view of one Checkout Session."""
    try:
        return _client().v1.checkout.sessions.retrieve(stripe_id).to_dict()
    except stripe.StripeError as error:
        raise StripeUnavailable(f"{type(error).__name__}: {error.user_message or error}") from error


def event_verified(payload: bytes, signature: str) -> dict:
    """The event a webhook delivered, once its ``Stripe-Signature`` holds for our webhook secret.

    Stripe signs ``"<t>.<payload>"`` with HMAC-SHA256; the library also refuses a timestamp older
    than five minutes, so a captured delivery cannot be replayed later.
    """
    try:
        stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, ValueError) as error:
        raise BadEvent(str(error)) from error
    if not isinstance(event, dict) or event.get("object") != "event" or not event.get("id") or not event.get("type"):
        raise BadEvent("not an event")
    return event
