"""Paying online: the "Pay online" button makes a Stripe Checkout Session through the real ``stripe`` library
(pointed at a local stand-in), and Stripe's signed webhook events record the payment once."""

import json
import re
import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from money.ledger import account
from money.links import document_token
from money.models import Charge, CheckoutSession, Invoice, Payment, StripeEvent
from money.services import invoice_issue, payment_record
from money.tests.helpers import billing_practice
from money.tests.stripe_standin import WEBHOOK_SECRET, StripeStandIn, sign
from outbox.models import Email
from tending.testing.factories import ClientFactory, PracticeFactory, StaffFactory

pytestmark = pytest.mark.django_db

# Words Stripe must never see: anything clinical, or who the client is.
CLINICAL = re.compile(r"therap|session|counsel|psych|clinic|mental|health|diagnos", re.I)
WEBHOOK = "/money/stripe/webhook/"


@pytest.fixture
def stand_in(settings):
    with StripeStandIn() as running:
        for name, value in running.settings().items():
            setattr(settings, name, value)
        yield running


@pytest.fixture
def world():
    practice = PracticeFactory()
    billing_practice(practice, payment_instructions="Sort code 12-34-56, account 12345678")
    therapist = StaffFactory(practice=practice)
    cara = ClientFactory(therapist=therapist)
    charge = Charge.objects.create(
        practice=practice, client=cara, therapist=therapist, day=timezone.localdate() - timedelta(days=3), amount=7000
    )
    invoice = invoice_issue(client=cara, charges=[charge])
    return {"practice": practice, "therapist": therapist, "cara": cara, "invoice": invoice}


def link(invoice, token=None) -> str:
    token = token or document_token("invoice", invoice.uuid)
    return reverse("money:document_link", kwargs={"what": "invoice", "token": token})


def pay_url(invoice, token=None) -> str:
    token = token or document_token("invoice", invoice.uuid)
    return reverse("money:document_link_pay", kwargs={"what": "invoice", "token": token})


def deliver(client, payload: bytes, *, secret=WEBHOOK_SECRET, timestamp=None):
    return client.post(
        WEBHOOK, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(payload, secret, timestamp)
    )


def started(client, invoice, stand_in) -> dict:
    """Press "Pay online" from the link; Stripe's session as the stand-in holds it."""
    response = client.post(pay_url(invoice), {"back": "link"})
    assert response.status_code == 303, response.content[:300]
    return stand_in.sessions[CheckoutSession.objects.filter(invoice=invoice).latest("created_at").stripe_id]


def refreshed(invoice) -> Invoice:
    return Invoice.objects.get(pk=invoice.pk)


def receipts(client) -> int:
    return Email.objects.filter(
        about_type="money.payment", about_id__in=[str(p.uuid) for p in client.payments.all()]
    ).count()


# --- pressing "Pay online" ------------------------------------------------------------------------


def test_a_client_pays_from_the_signed_link_without_signing_in(client, world, stand_in):
    invoice = world["invoice"]
    token = document_token("invoice", invoice.uuid)
    page = client.get(link(invoice, token))
    assert page.status_code == 200
    assert b"Pay online" in page.content
    assert pay_url(invoice, token).encode() in page.content  # the link's own token: no longer-lived one
    assert b"Sort code 12-34-56" in page.content  # bank transfer stays on offer beside it

    response = client.post(pay_url(invoice, token), {"back": "link"})

    assert response.status_code == 303
    session = CheckoutSession.objects.get(invoice=invoice)
    assert response["Location"] == session.url
    assert session.url.startswith("https://checkout.stripe.com/")
    assert (session.amount, session.currency, session.status) == (7000, invoice.currency, CheckoutSession.Status.OPEN)
    assert session.expires_at > timezone.now() + timedelta(hours=23)
    [seen] = stand_in.created
    params = seen.params
    assert params["mode"] == "payment"
    [item] = params["line_items"]
    assert item["quantity"] == "1"
    assert item["price_data"]["unit_amount"] == "7000"
    assert item["price_data"]["currency"] == invoice.currency.lower()
    assert item["price_data"]["product_data"] == {"name": f"Invoice {invoice.reference} from {world['practice'].name}"}
    assert params["metadata"] == {"invoice": str(invoice.uuid)}
    assert params["client_reference_id"] == str(invoice.uuid)
    back = django_settings.SITE_URL + link(invoice, token)
    assert (params["success_url"], params["cancel_url"]) == (f"{back}?online=thanks", f"{back}?online=back")
    # No customer is made, no card kept, nothing about the client or their care.
    assert not set(params) & {
        "customer",
        "customer_email",
        "customer_creation",
        "payment_intent_data",
        "setup_intent_data",
    }
    assert "setup_future_usage" not in seen.body and "saved_payment_method" not in seen.body
    cara = world["cara"]
    for secret in (cara.user.email, cara.display_name, world["therapist"].user.email):
        assert secret not in seen.body
    assert not CLINICAL.search(seen.body)
    assert seen.headers["authorization"] == "Bearer sk_test_standin"
    assert AuditEvent.objects.filter(object_id=str(invoice.uuid), detail__online="checkout started").exists()


def test_pressing_again_reuses_the_open_session(client, world, stand_in):
    invoice = world["invoice"]
    first = client.post(pay_url(invoice), {"back": "link"})
    second = client.post(pay_url(invoice), {"back": "link"})
    assert first["Location"] == second["Location"]
    assert len(stand_in.created) == 1
    assert CheckoutSession.objects.filter(invoice=invoice).count() == 1
    # Stripe was asked whether the session is still open before it was offered again.
    asked = [seen.path for seen in stand_in.requests if seen.method == "GET"]
    assert asked == [f"/v1/checkout/sessions/{CheckoutSession.objects.get().stripe_id}"]


def test_a_session_stripe_has_ended_is_not_offered_again(client, world, stand_in):
    invoice = world["invoice"]
    client.post(pay_url(invoice), {"back": "link"})
    old = CheckoutSession.objects.get()
    stand_in.expire(old.stripe_id)
    response = client.post(pay_url(invoice), {"back": "link"})
    assert len(stand_in.created) == 2
    assert response["Location"] != old.url
    old.refresh_from_db()
    assert old.status == CheckoutSession.Status.EXPIRED


def test_a_part_payment_by_bank_makes_a_new_session_for_what_is_left(client, world, stand_in):
    invoice, cara = world["invoice"], world["cara"]
    client.post(pay_url(invoice), {"back": "link"})
    payment_record(client=cara, amount=2500, method="bank", received_on=timezone.localdate(), invoice=invoice)
    client.post(pay_url(invoice), {"back": "link"})
    assert [s.params["line_items"][0]["price_data"]["unit_amount"] for s in stand_in.created] == ["7000", "4500"]
    assert sorted(CheckoutSession.objects.values_list("amount", flat=True)) == [4500, 7000]


def test_the_signed_in_client_pays_from_their_own_page(client, world, stand_in):
    invoice = world["invoice"]
    client.force_login(world["cara"].user)
    mine = reverse("money:mine_document", kwargs={"invoice_uuid": invoice.uuid})
    page = client.get(mine)
    assert b"Pay online" in page.content and b'value="mine"' in page.content
    response = client.post(pay_url(invoice), {"back": "mine"})
    assert response.status_code == 303
    assert stand_in.created[0].params["success_url"] == f"{django_settings.SITE_URL}{mine}?online=thanks"
    assert client.get(f"{mine}?online=thanks").content.count(b"Thank you. Stripe is confirming") == 1


def test_nothing_to_pay_online_on_a_paid_or_void_invoice_or_a_receipt(client, world, stand_in):
    invoice, cara = world["invoice"], world["cara"]
    payment = payment_record(client=cara, amount=7000, method="bank", received_on=timezone.localdate(), invoice=invoice)
    assert b"Pay online" not in client.get(link(invoice)).content
    receipt = reverse(
        "money:document_link", kwargs={"what": "receipt", "token": document_token("receipt", payment.uuid)}
    )
    assert b"Pay online" not in client.get(receipt).content
    response = client.post(pay_url(invoice), {"back": "link"}, follow=True)
    assert response.status_code == 200
    assert b"nothing waiting to be paid on this invoice" in response.content
    assert stand_in.created == []


def test_an_altered_or_ended_link_cannot_pay(client, world, stand_in):
    token = document_token("invoice", world["invoice"].uuid)
    altered = reverse("money:document_link_pay", kwargs={"what": "invoice", "token": token[:-2] + "xx"})
    assert client.post(altered).status_code == 410
    receipt_kind = reverse("money:document_link_pay", kwargs={"what": "receipt", "token": token})
    assert client.post(receipt_kind).status_code == 404
    assert client.get(pay_url(world["invoice"])).status_code == 405
    assert stand_in.requests == []


def test_without_keys_there_is_no_pay_button_and_the_post_is_not_found(client, world, settings):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    invoice = world["invoice"]
    assert b"Pay online" not in client.get(link(invoice)).content
    client.force_login(world["cara"].user)
    page = client.get(reverse("money:mine_document", kwargs={"invoice_uuid": invoice.uuid}))
    assert b"Pay online" not in page.content and b"Sort code 12-34-56" in page.content
    assert client.post(pay_url(invoice), {"back": "mine"}).status_code == 404
    payload = json.dumps({"id": "evt_1", "object": "event", "type": "checkout.session.completed"}).encode()
    assert deliver(client, payload).status_code == 404
    assert not CheckoutSession.objects.exists() and not StripeEvent.objects.exists()


@pytest.mark.parametrize("status", [400, 402, 500])
def test_a_stripe_error_gives_a_kind_message_and_no_error_page(client, world, stand_in, status):
    for _ in range(2):  # the library retries once on a 500
        stand_in.fail_next(status, "api_error" if status == 500 else "invalid_request_error", "Stripe said no.")
    response = client.post(pay_url(world["invoice"]), {"back": "link"}, follow=True)
    assert response.status_code == 200
    assert b"the card payment page could not be opened just now" in response.content
    assert b"Stripe said no" not in response.content
    assert not CheckoutSession.objects.exists()


def test_stripe_out_of_reach_gives_a_kind_message(client, world, settings):
    with StripeStandIn() as gone:
        base = gone.base
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "sk_test_standin", WEBHOOK_SECRET
    settings.STRIPE_API_BASE = base  # nothing listens there any more
    response = client.post(pay_url(world["invoice"]), {"back": "link"}, follow=True)
    assert response.status_code == 200
    assert b"the card payment page could not be opened just now" in response.content


# --- Stripe's webhook -----------------------------------------------------------------------------


def test_a_completed_checkout_records_the_payment_and_sends_the_receipt(client, world, stand_in):
    invoice, cara = world["invoice"], world["cara"]
    paid = stand_in.pay(started(client, invoice, stand_in)["id"])

    response = deliver(client, stand_in.event("checkout.session.completed", paid))

    assert response.status_code == 200
    payment = Payment.objects.get(client=cara)
    assert (payment.amount, payment.method, payment.invoice) == (7000, Payment.Method.ONLINE, invoice)
    assert payment.idempotency_key == f"stripe:{paid['payment_intent']}"
    assert refreshed(invoice).waiting == 0
    session = CheckoutSession.objects.get()
    assert (session.status, session.payment) == (CheckoutSession.Status.COMPLETE, payment)
    assert receipts(cara) == 1
    event = StripeEvent.objects.get()
    assert event.outcome == f"recorded {payment.receipt_reference}" and event.applied_at is not None
    assert AuditEvent.objects.filter(object_id=str(invoice.uuid), detail__online="paid online").exists()
    assert b"Pay online" not in client.get(link(invoice)).content


def test_a_bank_debit_is_recorded_when_it_clears(client, world, stand_in):
    invoice, cara = world["invoice"], world["cara"]
    session_id = started(client, invoice, stand_in)["id"]
    deliver(client, stand_in.event("checkout.session.completed", stand_in.pay(session_id, paid=False)))
    assert not Payment.objects.exists()
    assert StripeEvent.objects.get().outcome == "waiting for the payment to clear"
    # Pressing again meanwhile sends nobody to pay twice.
    again = client.post(pay_url(invoice), {"back": "link"}, follow=True)
    assert b"payment is on its way" in again.content and len(stand_in.created) == 1
    deliver(client, stand_in.event("checkout.session.async_payment_succeeded", stand_in.pay(session_id)))
    assert Payment.objects.get().amount == 7000
    assert refreshed(invoice).waiting == 0 and receipts(cara) == 1


def test_a_duplicate_delivery_is_acknowledged_and_not_applied_again(client, world, stand_in):
    paid = stand_in.pay(started(client, world["invoice"], stand_in)["id"])
    payload = stand_in.event("checkout.session.completed", paid)
    first, second = deliver(client, payload), deliver(client, payload)
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.content == b"Received before."
    assert Payment.objects.count() == 1 and StripeEvent.objects.count() == 1 and receipts(world["cara"]) == 1


def test_expired_after_completed_leaves_it_complete(client, world, stand_in):
    session_id = started(client, world["invoice"], stand_in)["id"]
    paid = stand_in.pay(session_id)
    deliver(client, stand_in.event("checkout.session.completed", paid))
    deliver(client, stand_in.event("checkout.session.expired", {**paid, "status": "expired"}))
    session = CheckoutSession.objects.get()
    assert session.status == CheckoutSession.Status.COMPLETE and session.payment is not None
    assert StripeEvent.objects.get(type="checkout.session.expired").outcome == "already complete"
    assert Payment.objects.count() == 1


def test_completed_after_expired_still_records_the_payment(client, world, stand_in):
    session_id = started(client, world["invoice"], stand_in)["id"]
    paid = stand_in.pay(session_id)
    deliver(client, stand_in.event("checkout.session.expired", {**paid, "status": "expired"}))
    assert CheckoutSession.objects.get().status == CheckoutSession.Status.EXPIRED
    deliver(client, stand_in.event("checkout.session.completed", paid))
    session = CheckoutSession.objects.get()
    assert session.status == CheckoutSession.Status.COMPLETE and session.payment.amount == 7000


def test_an_expired_session_is_marked_expired(client, world, stand_in):
    session_id = started(client, world["invoice"], stand_in)["id"]
    response = deliver(client, stand_in.event("checkout.session.expired", stand_in.expire(session_id)))
    assert response.status_code == 200
    assert CheckoutSession.objects.get().status == CheckoutSession.Status.EXPIRED
    assert not Payment.objects.exists()


def test_paid_by_bank_meanwhile_the_online_payment_becomes_credit(client, world, stand_in):
    invoice, cara = world["invoice"], world["cara"]
    paid = stand_in.pay(started(client, invoice, stand_in)["id"])
    payment_record(client=cara, amount=7000, method="bank", received_on=timezone.localdate(), invoice=invoice)
    deliver(client, stand_in.event("checkout.session.completed", paid))
    assert sorted(Payment.objects.values_list("method", flat=True)) == ["bank", "online"]
    assert account(cara).credit == 7000
    assert refreshed(invoice).waiting == 0


def test_paid_online_after_the_invoice_was_voided_is_kept_as_credit(client, world, stand_in):
    from money.services import invoice_void

    invoice, cara = world["invoice"], world["cara"]
    paid = stand_in.pay(started(client, invoice, stand_in)["id"])
    invoice_void(invoice=invoice, by=world["therapist"], reason="Issued in error")
    deliver(client, stand_in.event("checkout.session.completed", paid))
    payment = Payment.objects.get()
    assert payment.invoice is None and payment.method == Payment.Method.ONLINE
    assert account(cara).credit == 7000


def test_a_session_we_never_stored_is_recorded_from_its_event(client, world, stand_in):
    """Stripe made the session but our write after it was lost: the money is still recorded."""
    started(client, world["invoice"], stand_in)
    stripe_id = CheckoutSession.objects.get().stripe_id
    CheckoutSession.objects.all().delete()
    deliver(client, stand_in.event("checkout.session.completed", stand_in.pay(stripe_id)))
    assert CheckoutSession.objects.get(stripe_id=stripe_id).payment.amount == 7000


def test_unknown_events_are_stored_acknowledged_and_ignored(client, world, stand_in):
    payload = json.dumps(
        {
            "id": "evt_other",
            "object": "event",
            "type": "charge.refunded",
            "created": int(time.time()),
            "data": {"object": {}},
        }
    ).encode()
    response = deliver(client, payload)
    assert response.status_code == 200
    assert StripeEvent.objects.get().outcome == "ignored"
    stranger = stand_in.event(
        "checkout.session.completed",
        {"id": "cs_test_else", "object": "checkout.session", "payment_status": "paid", "metadata": {}},
    )
    assert deliver(client, stranger).status_code == 200
    assert not Payment.objects.exists()


def test_a_bad_signature_is_refused_and_nothing_is_stored(client, world, stand_in):
    paid = stand_in.pay(started(client, world["invoice"], stand_in)["id"])
    payload = stand_in.event("checkout.session.completed", paid)
    refused = [
        deliver(client, payload, secret="whsec_someone_else"),
        deliver(client, payload, timestamp=int(time.time()) - 3600),  # a replay of an old delivery
        client.post(WEBHOOK, payload, content_type="application/json"),
        client.post(WEBHOOK, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE="t=1,v1=abc"),
        deliver(client, b"not json"),
    ]
    assert [r.status_code for r in refused] == [400] * 5
    tampered = payload.replace(b'"amount_total": 7000', b'"amount_total": 1')
    assert (
        client.post(WEBHOOK, tampered, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(payload)).status_code
        == 400
    )
    assert not StripeEvent.objects.exists() and not Payment.objects.exists()
    assert client.get(WEBHOOK).status_code == 405


def test_the_invoice_email_says_it_can_be_paid_online_only_when_it_can(world, settings):
    cara, therapist = world["cara"], world["therapist"]

    def emailed_invoice():
        charge = Charge.objects.create(
            practice=world["practice"], client=cara, therapist=therapist, day=timezone.localdate(), amount=7000
        )
        invoice = invoice_issue(client=cara, charges=[charge])
        return Email.objects.get(about_type="money.invoice", about_id=str(invoice.uuid))

    settings.STRIPE_SECRET_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    off = emailed_invoice()
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "sk_test_standin", WEBHOOK_SECRET
    on = emailed_invoice()
    assert "pay it online by card" not in off.body
    assert "pay it online by card" in on.body


def test_coming_back_without_paying_says_nothing_was_taken(client, world, stand_in):
    page = client.get(link(world["invoice"]) + "?online=back")
    assert b"Nothing was taken" in page.content and b"Pay online" in page.content


def test_the_payers_details_stripe_sends_are_not_kept(client, world, stand_in):
    paid = stand_in.pay(started(client, world["invoice"], stand_in)["id"])
    paid["customer_details"] = {"email": "cara@example.com", "name": "Cara Client", "address": {"line1": "1 Lane"}}
    deliver(client, stand_in.event("checkout.session.completed", paid))
    stored = StripeEvent.objects.get()
    assert "cara@example.com" not in json.dumps(stored.payload) and "Cara Client" not in json.dumps(stored.payload)
    assert stored.payload["data"]["object"]["amount_total"] == 7000
    assert Payment.objects.get().amount == 7000


@pytest.mark.parametrize("keys", [True, False])
def test_the_owner_sees_whether_paying_online_is_on(client, world, settings, keys):
    settings.STRIPE_SECRET_KEY = "sk_test_123" if keys else ""
    settings.STRIPE_WEBHOOK_SECRET = "whsec_123" if keys else ""
    owner = StaffFactory(practice=world["practice"], is_owner=True, is_therapist=False)
    client.force_login(owner.user)
    page = client.get(reverse("money:settings")).content.decode()
    if keys:
        assert "Paying online through Stripe is on" in page
    else:
        assert "Paying online is off" in page and "STRIPE_SECRET_KEY" in page
