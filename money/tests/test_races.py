"""Real concurrency: invoices issued at the same moment get consecutive numbers, and payments
recorded at the same moment are all kept. Run on SQLite (the default) and on PostgreSQL
(DATABASE_URL=postgres://...): one locked counter row per supplier on both."""

import pytest

from money.models import Charge, Invoice, Payment
from money.services import charges_collect, invoice_issue, payment_record, practice_supplier
from money.tests.helpers import billing_practice, past_session
from tending.testing.concurrency import race
from tending.testing.factories import ClientFactory, PracticeFactory, StaffFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

AT_ONCE = 50


def test_fifty_invoices_issued_at_once_get_fifty_consecutive_numbers():
    practice = PracticeFactory()
    billing_practice(practice)
    therapist = StaffFactory(practice=practice)
    clients = [ClientFactory(therapist=therapist) for _ in range(AT_ONCE)]
    for position, client in enumerate(clients):
        past_session(client, days_ago=2 + position)
    assert charges_collect(practice=practice) == AT_ONCE
    charges = {charge.client_id: charge for charge in Charge.objects.all()}

    def issue(client):
        return lambda: invoice_issue(client=client, charges=[charges[client.pk]]).number

    results, errors = race([issue(client) for client in clients])
    assert errors == []
    assert sorted(results) == list(range(1, AT_ONCE + 1))
    numbers = sorted(Invoice.objects.filter(supplier=practice_supplier(practice)).values_list("number", flat=True))
    assert numbers == list(range(1, AT_ONCE + 1))
    assert Charge.objects.filter(status=Charge.Status.INVOICED).count() == AT_ONCE


def test_two_payments_recorded_at_once_are_both_kept():
    practice = PracticeFactory()
    billing_practice(practice)
    client = ClientFactory(therapist=StaffFactory(practice=practice))
    past_session(client)
    charges_collect(practice=practice)
    invoice = invoice_issue(client=client, charges=list(Charge.objects.all()))
    today = invoice.tax_point

    def pay(amount, key):
        return lambda: payment_record(
            client=client, amount=amount, method="bank", received_on=today, invoice=invoice, key=key
        ).receipt_reference

    for round_ in range(5):
        results, errors = race([pay(1000, f"a{round_}"), pay(2000, f"b{round_}")])
        assert errors == []
        assert len(set(results)) == 2
    payments = Payment.objects.filter(client=client)
    assert payments.count() == 10
    assert sorted(payments.values_list("number", flat=True)) == list(range(1, 11))
    assert sum(payments.values_list("amount", flat=True)) == 15000


def test_the_same_payment_submitted_twice_at_once_is_recorded_once():
    practice = PracticeFactory()
    billing_practice(practice)
    client = ClientFactory(therapist=StaffFactory(practice=practice))
    today = client.therapist.today()

    def pay():
        return payment_record(client=client, amount=5000, method="cash", received_on=today, key="same-form").pk

    results, errors = race([pay, pay, pay])
    assert errors == []
    assert len(set(results)) == 1
    assert Payment.objects.filter(client=client).count() == 1
