"""Paying an invoice online through Stripe Checkout (docs/money.md, "Paying online").

A client presses "Pay online" on an invoice that is waiting to be paid; we make a Checkout Session
for exactly what is waiting and send them to Stripe's page. Stripe then tells us, by signed webhook
events, that the session was paid or has expired. Each event is stored by its id and applied once:
Stripe delivers at least once, in any order, sometimes at the same moment, and the end state must
not depend on any of that.

Stripe sees only "Invoice <reference> from <practice>", the amount and the invoice's uuid: never a
name, a clinical word or an email address. No customer is made and no card is kept.
"""

from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from money import stripe_api
from money.links import document_token
from money.models import CheckoutSession, Invoice, Payment, StripeEvent
from money.services import MoneyError, payment_record

# A session stays open at Stripe for 24 hours; one closer than this to its end is not offered again, so
# a client is never sent to a page that closes while they type their card number.
REUSE_MARGIN = timedelta(minutes=15)
# The events we act on. Stripe may send others (if the endpoint is set up for more): stored, acknowledged, ignored.
PAID_EVENTS = {"checkout.session.completed", "checkout.session.async_payment_succeeded"}
EXPIRED_EVENT = "checkout.session.expired"


def online_enabled() -> bool:
    return stripe_api.enabled()


def payable(invoice) -> bool:
    """Whether ``invoice`` can be paid online now: an issued invoice (not a credit note) with something waiting."""
    return (
        isinstance(invoice, Invoice)
        and not invoice.is_credit_note
        and not invoice.is_void
        and invoice.waiting > 0
        and not invoice.client.is_erased
    )


def pay_offer(document, *, token: str | None = None, back: str = "link") -> dict | None:
    """The "Pay online" form for a page showing ``document``, or None when it cannot be paid online.

    The form posts to the invoice's signed link (``token``, the one the page was opened with, so a link
    never outlives its email; the signed-in client's own page signs a new one), and ``back`` says which
    page the client returns to from Stripe.
    """
    if not online_enabled() or not payable(document):
        return None
    token = token or document_token("invoice", document.uuid)
    return {"action": reverse("money:document_link_pay", kwargs={"what": "invoice", "token": token}), "back": back}


def _stamp(seconds) -> datetime:
    return datetime.fromtimestamp(int(seconds), tz=UTC)


def _audit(invoice: Invoice, what: str, *, request=None, **detail) -> None:
    audit_record(
        action=AuditEvent.Action.UPDATE,
        object_type="money.invoice",
        object_id=invoice.uuid,
        request=request,
        client=invoice.client,
        practice=invoice.practice,
        detail={"online": what, **detail},
    )


def _checkout_params(invoice: Invoice, amount: int, return_url: str) -> dict:
    return {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": invoice.currency.lower(),
                    "unit_amount": amount,
                    # Shows on Stripe's page and in the practice's Stripe account: no clinical word, no name.
                    "product_data": {"name": f"Invoice {invoice.reference} from {invoice.practice.name}"},
                },
            }
        ],
        "client_reference_id": str(invoice.uuid),
        "metadata": {"invoice": str(invoice.uuid)},
        "success_url": f"{return_url}?online=thanks",
        "cancel_url": f"{return_url}?online=back",
    }


def checkout_start(*, invoice: Invoice, return_url: str, request=None) -> CheckoutSession:
    """A Checkout Session for what is waiting on ``invoice``: the open one already made for the same amount
    if Stripe still has it open, or a new one. Raises ``MoneyError`` when nothing is waiting, and
    ``stripe_api.StripeUnavailable`` when Stripe cannot be asked.
    """
    if not payable(invoice):
        raise MoneyError("This invoice has nothing waiting to be paid.")
    amount = invoice.waiting
    now = timezone.now()
    reusable = (
        invoice.checkout_sessions.filter(
            status=CheckoutSession.Status.OPEN, amount=amount, expires_at__gt=now + REUSE_MARGIN
        )
        .order_by("-created_at")
        .first()
    )
    if reusable is not None:
        # Ask Stripe: it may have been paid a moment ago (its event not here yet) or ended early.
        current = stripe_api.checkout_retrieve(reusable.stripe_id)
        if current.get("status") == "open":
            return reusable
        if current.get("status") == "expired":
            CheckoutSession.objects.filter(pk=reusable.pk, status=CheckoutSession.Status.OPEN).update(
                status=CheckoutSession.Status.EXPIRED
            )
        elif current.get("status") == "complete":
            # Paid, or a bank payment on its way: the webhook records it. A second session now could take
            # the money twice (it would become credit, but a client should not have to ask for it back).
            raise MoneyError("This invoice's payment is on its way: your receipt will come by email.")
    made = stripe_api.checkout_create(_checkout_params(invoice, amount, return_url))
    with transaction.atomic():
        session = CheckoutSession.objects.create(
            invoice=invoice,
            stripe_id=made["id"],
            url=made["url"],
            amount=made["amount_total"],
            currency=made["currency"].upper(),
            expires_at=_stamp(made["expires_at"]),
        )
        _audit(invoice, "checkout started", request=request, amount=session.amount)
    return session


# --- Stripe's webhook events -------------------------------------------------------------------------


def stripe_event_receive(*, event: dict) -> tuple[StripeEvent, bool]:
    """Store ``event`` (already verified, money/stripe_api.py) and apply it; (the stored event, applied now).

    A second delivery of the same event, even at the same moment, finds the first by its unique id
    (the insert waits on the first transaction's row and then fails) and changes nothing.
    """
    try:
        with transaction.atomic():
            stored = StripeEvent.objects.create(
                event_id=event["id"],
                type=event["type"][:100],
                created=_stamp(event.get("created") or timezone.now().timestamp()),
                livemode=bool(event.get("livemode")),
                payload=_kept(event),
            )
            stored.outcome = _apply(event, stored.created)[:200]
            stored.applied_at = timezone.now()
            stored.save(update_fields=["outcome", "applied_at"])
    except IntegrityError:
        found = StripeEvent.objects.filter(event_id=event["id"]).first()
        if found is None:
            raise
        return found, False
    return stored, True


# What is kept of an event: enough to see what happened and to apply it again. A paid session also
# carries ``customer_details`` (the payer's name, email, address): that stays at Stripe, not in a table
# that erasure does not reach.
_KEPT_EVENT = ("id", "object", "type", "created", "livemode", "api_version")
_KEPT_SESSION = (
    "id", "object", "amount_total", "currency", "status", "payment_status", "payment_intent",
    "metadata", "client_reference_id", "expires_at", "livemode",
)  # fmt: skip


def _kept(event: dict) -> dict:
    found = (event.get("data") or {}).get("object") or {}
    kept = {key: event[key] for key in _KEPT_EVENT if key in event}
    kept["data"] = {"object": {key: found[key] for key in _KEPT_SESSION if key in found}}
    return kept


def _apply(event: dict, created: datetime) -> str:
    """What the event changes, in the event's transaction; returns the outcome in plain words."""
    kind = event["type"]
    found = (event.get("data") or {}).get("object") or {}
    if kind not in PAID_EVENTS | {EXPIRED_EVENT} or found.get("object") != "checkout.session":
        return "ignored"
    session = _session_for(found)
    if session is None:
        return "ignored: not an invoice of ours"
    invoice = session.invoice
    if kind == EXPIRED_EVENT:
        # Never undoes a completed session: "expired" after "completed" (Stripe does not promise order).
        if session.status != CheckoutSession.Status.OPEN:
            return f"already {session.status}"
        session.status = CheckoutSession.Status.EXPIRED
        session.save(update_fields=["status"])
        _audit(invoice, "checkout expired")
        return "expired"
    if found.get("payment_status") != "paid":
        # A bank debit completes the session before the money arrives; async_payment_succeeded follows.
        return "waiting for the payment to clear"
    if session.payment_id is not None:
        return f"already recorded {session.payment.receipt_reference}"
    payment = _record(invoice, found, created)
    session.payment = payment
    session.status = CheckoutSession.Status.COMPLETE
    session.save(update_fields=["payment", "status"])
    _audit(invoice, "paid online", receipt=payment.receipt_reference)
    return f"recorded {payment.receipt_reference}"


def _session_for(found: dict) -> CheckoutSession | None:
    """Our row for the session Stripe names, locked so that events about it apply one at a time.

    A session Stripe made for one of our invoices whose row we never stored (our transaction ended after
    Stripe answered) is stored now from the event, so that money is never dropped.
    """
    locked = CheckoutSession.objects.select_for_update(of=("self",)).select_related(
        "invoice__client", "invoice__practice"
    )
    session = locked.filter(stripe_id=found.get("id")).first()
    if session is not None:
        return session
    try:
        invoice = Invoice.objects.invoices().filter(uuid=(found.get("metadata") or {}).get("invoice")).first()
    except (ValidationError, ValueError):
        invoice = None
    if invoice is None or not found.get("id") or not found.get("amount_total"):
        return None
    CheckoutSession.objects.get_or_create(
        stripe_id=found["id"],
        defaults={
            "invoice": invoice,
            "url": found.get("url") or "",
            "amount": found["amount_total"],
            "currency": (found.get("currency") or invoice.currency).upper(),
            "expires_at": _stamp(found.get("expires_at") or timezone.now().timestamp()),
        },
    )
    return locked.get(stripe_id=found["id"])


def _record(invoice: Invoice, found: dict, created: datetime) -> Payment:
    """Record what Stripe took, once per payment intent (``payment_record``'s idempotency key).

    What was taken is recorded even when the invoice was paid by bank meanwhile (it becomes credit) or
    voided (then it is paid against no invoice, and is credit too): never drop money.
    """
    return payment_record(
        client=invoice.client,
        amount=found["amount_total"],
        method=Payment.Method.ONLINE,
        received_on=timezone.localtime(created, invoice.practice.zone).date(),
        invoice=None if invoice.is_void else invoice,
        supplier=invoice.supplier,
        key=f"stripe:{found.get('payment_intent') or found['id']}",
    )
