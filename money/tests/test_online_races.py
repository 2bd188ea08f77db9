"""Stripe delivers each webhook event at least once, in any order, sometimes several at the same moment.
Whatever the order and the overlap, one payment is recorded, one receipt sent, and the invoice is paid.

Real threads, each with its own database connection, posting signed deliveries to the webhook view.
Run on SQLite (the default) and on PostgreSQL (DATABASE_URL=postgres://...)."""

import random
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from money.models import Charge, CheckoutSession, Invoice, Payment, StripeEvent
from money.online import checkout_start
from money.services import invoice_issue
from money.tests.helpers import billing_practice
from money.tests.stripe_standin import StripeStandIn, sign
from outbox.models import Email
from tending.testing.concurrency import race
from tending.testing.factories import ClientFactory, PracticeFactory, StaffFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

DELIVERIES = 5  # of each event
AT_ONCE = 5  # deliveries released together


@pytest.fixture
def stand_in(settings):
    with StripeStandIn() as running:
        for name, value in running.settings().items():
            setattr(settings, name, value)
        yield running


def _invoice():
    practice = PracticeFactory()
    billing_practice(practice)
    therapist = StaffFactory(practice=practice)
    client = ClientFactory(therapist=therapist)
    charge = Charge.objects.create(
        practice=practice, client=client, therapist=therapist, day=timezone.localdate() - timedelta(days=2), amount=7000
    )
    return invoice_issue(client=client, charges=[charge])


def _deliver(payload: bytes):
    def job():
        response = Client().post(
            "/money/stripe/webhook/", payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(payload)
        )
        return response.status_code

    return job


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_event_five_times_in_any_order_records_one_payment(stand_in, seed):
    invoice = _invoice()
    session = checkout_start(invoice=invoice, return_url="https://tending.example/back")
    paid = stand_in.pay(session.stripe_id)
    events = [
        stand_in.event("checkout.session.completed", paid),
        stand_in.event("checkout.session.async_payment_succeeded", paid),
        stand_in.event("checkout.session.expired", {**paid, "status": "expired"}),
    ]
    deliveries = [payload for payload in events for _ in range(DELIVERIES)]
    random.Random(seed).shuffle(deliveries)

    statuses, errors = [], []
    for start in range(0, len(deliveries), AT_ONCE):
        results, failed = race([_deliver(payload) for payload in deliveries[start : start + AT_ONCE]])
        statuses += results
        errors += failed

    assert errors == []
    assert statuses == [200] * len(deliveries)
    payment = Payment.objects.get(client=invoice.client)
    assert (payment.amount, payment.method) == (7000, Payment.Method.ONLINE)
    assert Email.objects.filter(about_type="money.payment", about_id=str(payment.uuid)).count() == 1
    assert Invoice.objects.get(pk=invoice.pk).waiting == 0
    session.refresh_from_db()
    assert (session.status, session.payment_id) == (CheckoutSession.Status.COMPLETE, payment.pk)
    assert StripeEvent.objects.count() == len(events)


def test_the_same_event_delivered_five_times_at_once_is_applied_once(stand_in):
    invoice = _invoice()
    session = checkout_start(invoice=invoice, return_url="https://tending.example/back")
    payload = stand_in.event("checkout.session.completed", stand_in.pay(session.stripe_id))

    statuses, errors = race([_deliver(payload) for _ in range(DELIVERIES)])

    assert errors == []
    assert statuses == [200] * DELIVERIES
    assert StripeEvent.objects.count() == 1
    payment = Payment.objects.get(client=invoice.client)
    assert Email.objects.filter(about_type="money.payment", about_id=str(payment.uuid)).count() == 1
    assert Invoice.objects.get(pk=invoice.pk).waiting == 0
