"""The demo's money: Willow Tree's fee, Dev's concession, a year of invoices and payments, one monthly
statement, one invoice waiting to be paid and one credit note, and no email about any of it."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from money.ledger import account
from money.models import AgreedFee, Fee, Invoice, Payment
from outbox.models import Email
from practice.models import Client, Practice

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def test_the_demo_has_a_year_of_billing_and_a_second_run_adds_nothing():
    call_command("seed_demo", stdout=StringIO())
    practice = Practice.objects.get(slug="willow-tree")
    cara, dev, eli = (Client.objects.get(user__email=f"{n}@demo.tending.test") for n in ("cara", "dev", "eli"))

    fee = Fee.objects.get(practice=practice)
    assert (fee.amount, fee.minutes, fee.therapist) == (7000, 50, None)
    assert AgreedFee.objects.for_client(dev).get().amount == 4000
    assert set(Invoice.objects.for_client(dev).values_list("total", flat=True)) == {4000}
    assert set(Invoice.objects.for_client(cara).invoices().values_list("total", flat=True)) == {7000}

    invoices = Invoice.objects.filter(practice=practice).invoices()
    first, last = invoices.order_by("issued_at").first(), invoices.order_by("issued_at").last()
    assert (last.tax_point - first.tax_point).days > 330  # a year of them
    assert Payment.objects.filter(practice=practice).count() == invoices.count() - 1

    statement = invoices.get(period_start__isnull=False)
    assert statement.client == eli
    assert statement.lines.count() >= 1
    note = Invoice.objects.filter(practice=practice).credit_notes().get()
    assert note.credits.client == cara and note.reason

    waiting = [(c, s) for c in (cara, dev, eli) for s in account(c).invoices if s.waiting]
    assert [(c, s.invoice.total) for c, s in waiting] == [(cara, 7000)]
    assert waiting[0][1].invoice == Invoice.objects.for_client(cara).invoices().order_by("issued_at").last()
    for client in (cara, dev, eli):
        assert account(client).credit == 0
    assert not Email.objects.filter(about_type__startswith="money.").exists()

    numbers = sorted(invoices.values_list("number", flat=True))
    assert numbers == list(range(1, len(numbers) + 1))
    before = (Invoice.objects.count(), Payment.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Invoice.objects.count(), Payment.objects.count()) == before
    assert last.due_on == last.tax_point + timedelta(days=14)
