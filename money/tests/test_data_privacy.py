"""Money and the client's data rights: the export, erasure (financial records kept, restricted) and retention."""

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone

from audit.models import AuditEvent
from dataprivacy import registry
from dataprivacy.models import ErasureRequest, PrivacySettings
from dataprivacy.services import (
    FINANCIAL_RETENTION_YEARS,
    erasure_complete,
    erasure_request,
    retention_run,
)
from money.models import AgreedFee, Charge, ClientBilling, Invoice, InvoiceLine, Payment
from money.reports import Period, practice_report
from money.selectors import waiting_totals
from money.services import charges_collect, credit_note_issue, invoices_issue_due, payment_record
from money.tests.helpers import billing_practice, past_session
from practice.models import Client
from tending.testing.factories import ClientFactory, StaffFactory

pytestmark = pytest.mark.django_db

MONEY_MODELS = {"money.invoice", "money.invoiceline", "money.payment", "money.charge", "money.agreedfee"}
# Kept with the financial records, though not yet purged by their own date (they go with their invoice, or are
# few): paying online, superbills.
KEPT_WITH_THEM = {"money.checkoutsession", "money.superbill"}


@pytest.fixture
def billed():
    """A client with an invoice, a part payment and a credit note, and their practice's owner."""
    client = ClientFactory(user__name="Cara Lewis")
    billing_practice(client.practice)
    ClientBilling.objects.create(client=client, address="1 Willow Lane\nLeeds")
    AgreedFee.objects.create(
        client=client, amount=4000, agreed_on=timezone.localdate() - timedelta(days=60), reason="lost her job"
    )
    past_session(client, days_ago=3)
    assert invoices_issue_due(practice=client.practice) == 1
    invoice = Invoice.objects.get(client=client)
    payment = payment_record(
        client=client,
        amount=1500,
        method=Payment.Method.BANK_TRANSFER,
        received_on=timezone.localdate(),
        invoice=invoice,
    )
    note = credit_note_issue(
        invoice=invoice, amounts={invoice.lines.get().pk: 500}, reason="A shorter session", by=None
    )
    owner = StaffFactory(practice=client.practice, is_owner=True, is_therapist=False)
    return client, invoice, payment, note, owner


def _noon(day):
    return datetime.combine(day, time(12), tzinfo=UTC)


def _after_years(day, years):
    return day.replace(year=day.year + years)


def test_every_money_model_that_points_at_a_client_is_classified():
    classified = set(registry.BY_LABEL)
    found = {m._meta.label_lower for m in registry.client_models() if m._meta.app_label == "money"}
    assert found == MONEY_MODELS | KEPT_WITH_THEM | {"money.clientbilling"}
    assert found <= classified


def test_the_export_holds_the_clients_invoices_credit_notes_and_payments(billed):
    client, invoice, payment, note, _owner = billed
    other = ClientFactory(therapist=client.therapist)
    past_session(other, days_ago=2)
    invoices_issue_due(practice=client.practice)

    data = registry.collect(client)
    assert sorted(row["reference"] for row in data["invoices"]) == sorted([invoice.reference, note.reference])
    credit = next(row for row in data["invoices"] if row["kind"] == "credit")
    assert credit["credits"] == str(invoice.uuid)
    assert credit["reason"] == "A shorter session"
    assert [row["receipt_reference"] for row in data["payments"]] == [payment.receipt_reference]
    assert data["payments"][0]["amount"] == 1500
    assert {row["invoice"] for row in data["invoice_lines"]} == {str(invoice.uuid), str(note.uuid)}
    assert data["invoices"][0]["billed_name"] == "Cara Lewis"
    assert [row["status"] for row in data["charges"]] == [Charge.Status.INVOICED]
    # The agreed fee, as the client was told it; the therapist's reason stays with the practice.
    assert [(row["amount"], set(row)) for row in data["agreed_fees"]] == [
        (4000, {"uuid", "amount", "agreed_on", "ends_on"})
    ]
    assert "lost her job" not in str(data)
    assert data["billing_preferences"][0]["address"] == "1 Willow Lane\nLeeds"
    # Nothing of the other client's.
    other_invoice = Invoice.objects.get(client=other)
    assert other_invoice.reference not in str(data)
    assert str(other_invoice.uuid) not in str(data)


def test_after_erasure_the_invoices_are_kept_as_billed_and_the_billing_details_go(billed):
    client, invoice, payment, note, owner = billed
    erasure_complete(erasure=erasure_request(client=client), owner=owner)

    client.refresh_from_db()
    assert client.display_name != "Cara Lewis"
    assert client.user.name == ""
    invoice.refresh_from_db()
    assert invoice.billed_name == "Cara Lewis"
    assert invoice.billed_address == "1 Willow Lane\nLeeds"
    assert Invoice.objects.for_client(client).count() == 2
    assert Payment.objects.for_client(client).get() == payment
    assert InvoiceLine.objects.filter(invoice__client=client).count() == 2
    assert AgreedFee.objects.for_client(client).count() == 1
    assert not ClientBilling.objects.filter(client=client).exists()
    # Restricted: an erased client is never invoiced again.
    past_session(client, days_ago=1)
    assert invoices_issue_due(practice=client.practice) == 0


def test_retention_deletes_financial_records_six_years_after_each_documents_date_and_not_before(billed):
    client, invoice, payment, note, owner = billed
    later_payment = payment_record(
        client=client,
        amount=1000,
        method=Payment.Method.CARD,
        received_on=timezone.localdate() + timedelta(days=40),
        invoice=invoice,
    )
    erasure_complete(erasure=erasure_request(client=client), owner=owner)
    kept_until = _after_years(invoice.tax_point, FINANCIAL_RETENTION_YEARS)

    with time_machine.travel(_noon(kept_until), tick=False):
        retention_run()
    assert Invoice.objects.for_client(client).count() == 2
    assert Payment.objects.for_client(client).count() == 2

    with time_machine.travel(_noon(kept_until + timedelta(days=1)), tick=False):
        retention_run()
    # The credit note and the first payment have gone; the invoice waits for the payment that still points at it.
    assert list(Invoice.objects.for_client(client)) == [invoice]
    assert list(Payment.objects.for_client(client)) == [later_payment]

    with time_machine.travel(
        _noon(_after_years(later_payment.received_on, FINANCIAL_RETENTION_YEARS) + timedelta(days=1))
    ):
        retention_run()
    assert not Invoice.objects.for_client(client).exists()
    assert not Payment.objects.for_client(client).exists()
    assert not Charge.objects.for_client(client).exists()
    assert not InvoiceLine.objects.filter(invoice__client=client).exists()
    # The rest of the restricted record keeps its own, longer period (20 years by default).
    assert Client.objects.filter(pk=client.pk).exists()
    assert AgreedFee.objects.for_client(client).exists()
    events = AuditEvent.objects.filter(object_type="dataprivacy.retention")
    assert events.count() == 2
    assert all("financial" in event.detail["reason"] for event in events)


def test_a_shorter_practice_retention_keeps_the_client_row_until_the_financial_records_go(billed):
    client, invoice, payment, note, owner = billed
    PrivacySettings.objects.update_or_create(practice=client.practice, defaults={"retention_years": 1})
    erasure_complete(erasure=erasure_request(client=client), owner=owner)
    retain_until = ErasureRequest.objects.get(client=client).retain_until

    with time_machine.travel(_noon(retain_until + timedelta(days=1)), tick=False):
        assert retention_run()["restricted_records"] == 0
    assert Client.objects.filter(pk=client.pk).exists()
    assert not AgreedFee.objects.for_client(client).exists()  # the rest of the record has gone
    assert Invoice.objects.for_client(client).count() == 2  # the financial records are still kept

    last_document = max(invoice.tax_point, note.tax_point, payment.received_on)
    with time_machine.travel(_noon(_after_years(last_document, FINANCIAL_RETENTION_YEARS) + timedelta(days=1))):
        assert retention_run()["restricted_records"] == 1
    assert not Client.objects.filter(pk=client.pk).exists()
    assert not Invoice.objects.filter(pk=invoice.pk).exists()


def test_every_money_change_is_audited_against_the_client(billed):
    client, invoice, payment, note, _owner = billed
    events = AuditEvent.objects.filter(client_id=client.uuid, action=AuditEvent.Action.CREATE)
    audited = {(event.object_type, event.object_id) for event in events}
    charge = Charge.objects.for_client(client).get()
    for obj in (charge, invoice, payment, note):
        assert (obj._meta.label_lower, str(obj.uuid)) in audited
    # What was billed stays out of the log: references only.
    assert "Cara" not in str([event.detail for event in events])


def test_an_erased_clients_documents_leave_the_offices_waiting_totals_and_the_reports(billed):
    client, invoice, payment, note, owner = billed
    past_session(client, days_ago=2)
    assert charges_collect(practice=client.practice) == 1  # a session not yet invoiced
    today = timezone.localdate(timezone=client.practice.zone)
    period = Period.month(today.year, today.month)
    totals = waiting_totals(owner)
    assert (totals["unpaid"], totals["charges"]) == (1, 1)
    assert practice_report(client.practice, period, today).waiting_count == 1
    erasure_complete(erasure=erasure_request(client=client), owner=owner)
    totals = waiting_totals(owner)
    assert (totals["unpaid"], totals["unpaid_total"], totals["charges"]) == (0, 0, 0)
    assert practice_report(client.practice, period, today).waiting_count == 0
