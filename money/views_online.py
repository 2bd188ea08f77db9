"""Paying online: the "Pay online" button's view and Stripe's webhook (money/online.py does the work).

The button posts to the invoice's signed link (money/links.py) plus ``pay/``, from the email-link page
and from the signed-in client's own invoice page alike: whoever may open the invoice may pay it.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from money import stripe_api
from money.links import document_uuid
from money.models import Invoice
from money.online import checkout_start, online_enabled, payable, stripe_event_receive
from money.services import MoneyError

logger = logging.getLogger(__name__)


def _invoice_for_link(token: str) -> Invoice | None:
    """The invoice a link names, or None when the link has ended, was altered, or its client is erased."""
    uuid = document_uuid("invoice", token)
    if uuid is None:
        return None
    try:
        found = (
            Invoice.objects.invoices()
            .select_related("client__user", "client__practice", "client__erasure", "supplier", "practice")
            .filter(uuid=uuid)
            .first()
        )
    except (ValidationError, ValueError):
        return None
    if found is None or found.client.is_erased:
        return None
    return found


def _back(request, invoice: Invoice, token: str) -> str:
    """Where the client comes back to, from Stripe or after a message: the page they pressed the button on."""
    if request.POST.get("back") == "mine":
        path = reverse("money:mine_document", kwargs={"invoice_uuid": invoice.uuid})
    else:
        path = reverse("money:document_link", kwargs={"what": "invoice", "token": token})
    return settings.SITE_URL + path


def _see_other(url: str) -> HttpResponse:
    response = HttpResponseRedirect(url, status=303)
    add_never_cache_headers(response)
    return response


@require_POST
def pay(request, what, token):
    if not online_enabled() or what != "invoice":
        raise Http404
    invoice = _invoice_for_link(token)
    if invoice is None:
        response = render(request, "money/client/link_gone.html", status=410)
        add_never_cache_headers(response)
        return response
    back = _back(request, invoice, token)
    if not payable(invoice):
        messages.info(request, "There is nothing waiting to be paid on this invoice now. Thank you.")
        return _see_other(back)
    try:
        session = checkout_start(invoice=invoice, return_url=back, request=request)
    except MoneyError as refused:
        messages.info(request, str(refused))
        return _see_other(back)
    except stripe_api.StripeUnavailable as error:
        logger.warning("Stripe Checkout could not be started for an invoice: %s", error)
        messages.error(
            request,
            "Sorry, the card payment page could not be opened just now. Please try again in a few minutes, "
            "or pay by bank transfer as shown on the invoice.",
        )
        return _see_other(back)
    return _see_other(session.url)


# Stripe cannot send our CSRF token: its signature, checked before anything else, proves the sender.
@csrf_exempt  # nosemgrep: tending-no-csrf-exempt
@require_POST
def stripe_webhook(request):
    if not online_enabled():
        raise Http404
    try:
        event = stripe_api.event_verified(request.body, request.headers.get("Stripe-Signature", ""))
    except stripe_api.BadEvent:
        return HttpResponse("Signature does not hold.", status=400, content_type="text/plain")
    stored, applied = stripe_event_receive(event=event)
    return HttpResponse(
        "Received." if applied else "Received before.", content_type="text/plain", headers={"X-Outcome": stored.outcome}
    )
