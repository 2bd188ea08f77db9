"""Real concurrency: invoices issued at the same moment get consecutive numbers, and payments
recorded at the same moment are all kept, and counted in the month's books. Run on SQLite (the default)
and on PostgreSQL (DATABASE_URL=postgres://...): one locked counter row per supplier on both."""

from datetime import datetime, time
from time import sleep

import pytest
from django.db import transaction

from money.books import payment_booked
from money.models import Charge, Invoice, IssuedMonth, Payment, TakingsMonth
from money.services import charges_collect, invoice_issue, payment_record, practice_supplier, therapist_billing
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
    books = TakingsMonth.objects.get(practice=practice)
    assert (books.month, books.payments, books.received) == (today.replace(day=1), 10, 15000)


def test_a_months_first_takings_added_at_once_by_many_are_all_counted():
    """The row for a month is made by whichever transaction comes first; the others (refused its twin on
    PostgreSQL, or waiting on SQLite) add to it. Each holds its transaction open a moment, as a service does."""
    practice = PracticeFactory()
    therapist = StaffFactory(practice=practice)
    day = therapist.today()

    def add(amount):
        def job():
            with transaction.atomic():
                payment = Payment(practice=practice, kind="payment", method="card", amount=amount, received_on=day)
                payment_booked(payment, therapist_id=therapist.pk)
                sleep(0.05)
            return amount

        return job

    results, errors = race([add(100 + n) for n in range(AT_ONCE // 5)])
    assert errors == [] and len(results) == AT_ONCE // 5
    books = TakingsMonth.objects.get(practice=practice)
    assert (books.payments, books.received) == (AT_ONCE // 5, sum(results))


def test_invoices_of_two_suppliers_issued_at_once_both_count_in_the_months_books():
    """Two suppliers' invoices do not wait for each other's numbers: the first of a month's books is made by
    whichever comes first, and the other adds to it."""
    practice = PracticeFactory()
    billing_practice(practice)
    own_name, practices = StaffFactory(practice=practice), StaffFactory(practice=practice)
    billing = therapist_billing(own_name)
    billing.invoices_in_own_name = True
    billing.save()
    clients = [ClientFactory(therapist=therapist) for therapist in (own_name, practices)]
    today = own_name.today()
    months = [(today.year - (today.month - 1 - back < 0), (today.month - 1 - back) % 12 + 1) for back in range(6)]

    def issue(client, day):
        charge = Charge.objects.create(
            practice=practice, client=client, therapist=client.therapist, day=day, amount=7000 + client.pk
        )
        when = datetime.combine(day, time(12), tzinfo=practice.zone)
        return lambda: invoice_issue(client=client, charges=[charge], now=when).supplier_id

    for year, month in months:
        day = today.replace(year=year, month=month, day=1)
        results, errors = race([issue(client, day) for client in clients])
        assert errors == [] and len(set(results)) == 2
    books = sorted(IssuedMonth.objects.filter(practice=practice).values_list("month", "invoices", "invoiced"))
    expected = 2 * 7000 + sum(client.pk for client in clients)
    assert books == sorted((today.replace(year=year, month=month, day=1), 2, expected) for year, month in months)


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
