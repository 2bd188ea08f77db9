"""Long money lists come a dozen at a time, so a page costs the same after years of sessions: the client's
"My invoices" and their therapist's page of their money both page invoices and receipts."""

import re

import pytest
from django.urls import reverse

from money.models import Charge
from money.paging import PAGE_SIZE
from money.services import charges_collect, invoice_issue, payment_record
from money.tests.helpers import billing_practice, past_session
from tending.testing.factories import ClientFactory

pytestmark = pytest.mark.django_db

MANY = PAGE_SIZE + 3


@pytest.fixture
def client_with_history():
    client = ClientFactory()
    billing_practice(client.practice)
    for n in range(MANY):
        past_session(client, days_ago=7 * n + 2)
    charges_collect(practice=client.practice)
    for charge in Charge.objects.for_client(client).order_by("day"):
        invoice = invoice_issue(client=client, charges=[charge])
        payment_record(
            client=client, amount=invoice.total, method="bank", received_on=invoice.tax_point, invoice=invoice
        )
    return client


def _references(html: str, prefix: str) -> set[str]:
    return set(re.findall(rf"{prefix}\d{{4}}", html))


@pytest.mark.parametrize("who", ["client", "therapist"])
def test_invoices_and_receipts_come_a_dozen_at_a_time(client, client_with_history, who):
    person = client_with_history.user if who == "client" else client_with_history.therapist.user
    client.force_login(person)
    url = reverse("money:mine") if who == "client" else reverse("money:client", args=[client_with_history.uuid])
    first = client.get(url).content.decode()
    assert len(_references(first, "INV-")) == PAGE_SIZE
    assert len(_references(first, "R-")) == PAGE_SIZE
    assert f"INV-{MANY:04d}" in first and "INV-0001" not in first  # newest first
    assert 'href="?page=2"' in first and 'href="?receipts=2"' in first
    earlier = client.get(url, {"page": 2}).content.decode()
    assert _references(earlier, "INV-") == {f"INV-{n:04d}" for n in range(1, MANY - PAGE_SIZE + 1)}
    receipts = client.get(url, {"receipts": 2}).content.decode()
    assert _references(receipts, "R-") == {f"R-{n:04d}" for n in range(1, MANY - PAGE_SIZE + 1)}
    assert client.get(url, {"page": "not a number"}).status_code == 200


def test_my_invoices_costs_the_same_queries_with_one_invoice_or_fifteen(client, client_with_history):
    """The client's list reads a page of documents and receipts, not their whole account: the same queries
    whatever the history, and what waits and the balance come from what the ledger stored."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    newcomer = ClientFactory(practice=client_with_history.practice, therapist=client_with_history.therapist)
    past_session(newcomer, days_ago=3)
    charges_collect(practice=newcomer.practice)
    invoice = invoice_issue(client=newcomer, charges=list(Charge.objects.for_client(newcomer)))
    payment_record(client=newcomer, amount=invoice.total // 2, method="bank", received_on=invoice.tax_point)
    counts = {}
    for person in (newcomer, client_with_history):
        client.force_login(person.user)
        client.get(reverse("money:mine"))  # warm
        with CaptureQueriesContext(connection) as captured:
            html = client.get(reverse("money:mine")).content.decode()
        counts[person.pk] = len(captured)
        if person is newcomer:
            assert "Part paid" in html and "waiting to be paid" in html and "How to pay" in html
        else:
            assert "There is nothing waiting to be paid." in html and "Paid" in html
    assert counts[newcomer.pk] == counts[client_with_history.pk], counts
