"""Fees, charges, invoices, credit notes and payments, through the services."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from bookings.models import Kind
from bookings.services_appointments import appointment_cancel
from money.fees import fee_for, practice_fee
from money.ledger import account
from money.models import AgreedFee, BillingMode, Charge, ClientBilling, Fee, Invoice, Payment, Register, TaxStatus
from money.services import (
    MoneyError,
    charge_reinstate,
    charge_waive,
    charges_collect,
    credit_note_issue,
    invoice_issue,
    invoice_void,
    invoices_issue_due,
    payment_record,
    practice_supplier,
    supplier_for,
    therapist_billing,
)
from money.tests.helpers import LONG_AGO, billing_practice, past_session
from practice.models import Client
from tending.testing.factories import ClientFactory, StaffFactory, session_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_():
    client = ClientFactory()
    billing_practice(client.practice)
    return client


def _issue(client, **kwargs):
    charges_collect(practice=client.practice)
    return invoice_issue(client=client, charges=list(Charge.objects.for_client(client).waiting()), **kwargs)


def test_the_most_specific_fee_in_force_on_the_day_applies(client_):
    practice, ana = client_.practice, client_.therapist
    ben = StaffFactory(practice=practice)
    Fee.objects.create(practice=practice, therapist=ana, amount=8000, valid_from=LONG_AGO)
    Fee.objects.create(practice=practice, therapist=ana, mode="online", amount=6500, valid_from=LONG_AGO)
    Fee.objects.create(practice=practice, therapist=ana, amount=9000, valid_from=date(2024, 6, 1))
    assert practice_fee(therapist=ana, on=date(2024, 5, 31), minutes=50, mode="in_person").amount == 8000
    assert practice_fee(therapist=ana, on=date(2024, 6, 1), minutes=50, mode="in_person").amount == 9000
    assert practice_fee(therapist=ana, on=date(2024, 6, 1), minutes=50, mode="online").amount == 6500
    assert practice_fee(therapist=ben, on=date(2024, 6, 1), minutes=50, mode="online").amount == 7000
    assert practice_fee(therapist=ben, on=date(2019, 12, 31), minutes=50, mode="online") is None


def test_an_agreed_fee_applies_from_its_day_until_it_ends(client_):
    session = past_session(client_, days_ago=10)
    day = session.start.date()
    AgreedFee.objects.create(client=client_, amount=4000, agreed_on=day - timedelta(days=30), reason="Student")
    assert fee_for(session, on=day) == 4000
    AgreedFee.objects.create(client=client_, amount=4500, agreed_on=day + timedelta(days=1))
    assert fee_for(session, on=day) == 4000
    ended = AgreedFee.objects.create(client=client_, amount=3000, agreed_on=day, ends_on=day - timedelta(days=0))
    assert fee_for(session, on=day) == 3000
    ended.ends_on = day - timedelta(days=1)
    ended.save()
    assert fee_for(session, on=day) == 7000  # the newest agreement has ended: the practice fee again


def test_a_later_fee_change_leaves_an_earlier_sessions_charge_alone(client_):
    session = past_session(client_, days_ago=20)
    charges_collect(practice=client_.practice)
    Fee.objects.create(practice=client_.practice, amount=9900, valid_from=timezone.localdate() - timedelta(days=5))
    past_session(client_, days_ago=2)
    charges_collect(practice=client_.practice)
    amounts = dict(Charge.objects.for_client(client_).values_list("appointment_id", "amount"))
    assert amounts[session.pk] == 7000
    assert sorted(amounts.values()) == [7000, 9900]
    assert charges_collect(practice=client_.practice) == 0  # nothing is charged twice


def test_consultations_cancelled_sessions_and_future_sessions_are_not_charged(client_):
    past_session(client_, days_ago=4, kind=Kind.CONSULTATION)
    past_session(client_, days_ago=5, status="cancelled")
    session_for(client_, timezone.now() + timedelta(days=2))
    assert charges_collect(practice=client_.practice) == 0


@pytest.mark.parametrize(
    "tax_status,register,treatment,vat",
    [
        (TaxStatus.NONE, Register.BACP, "none", 0),
        (TaxStatus.VAT, Register.BACP, "standard", 1167),
        (TaxStatus.VAT, Register.UKCP, "standard", 1167),
        (TaxStatus.VAT, Register.HCPC, "exempt", 0),
        (TaxStatus.RATE, Register.NONE, "rate", 1167),
    ],
)
def test_tax_follows_the_supplier_and_the_therapists_register(client_, tax_status, register, treatment, vat):
    supplier = practice_supplier(client_.practice)
    supplier.tax_status, supplier.vat_number = tax_status, "GB123456789"
    supplier.save()
    billing = therapist_billing(client_.therapist)
    billing.register, billing.registration_number = register, "12345"
    billing.save()
    past_session(client_)
    invoice = _issue(client_)
    (line,) = invoice.lines.all()
    assert (line.tax_treatment, line.tax, line.net + line.tax, invoice.total) == (treatment, vat, 7000, 7000)
    assert invoice.supplier_details["vat_number"] == ("" if tax_status == TaxStatus.NONE else "GB123456789")


def test_a_therapist_who_invoices_in_their_own_name_numbers_their_own_invoices(client_):
    other = ClientFactory(therapist=StaffFactory(practice=client_.practice))
    billing = therapist_billing(client_.therapist)
    billing.invoices_in_own_name = True
    billing.save()
    past_session(client_)
    past_session(other)
    mine, theirs = _issue(client_), _issue(other)
    assert mine.supplier == supplier_for(client_.therapist) != practice_supplier(client_.practice)
    assert theirs.supplier == practice_supplier(client_.practice)
    assert (mine.number, theirs.number) == (1, 1)


def test_an_issued_invoice_never_changes_and_keeps_what_was_billed(client_):
    ClientBilling.objects.create(client=client_, address="1 High Street\nLeeds")
    past_session(client_)
    invoice = _issue(client_)
    name = invoice.billed_name
    invoice.total = 1
    with pytest.raises(ValueError, match="never changes"):
        invoice.save()
    client_.preferred_name = "Renamed"
    client_.save()
    invoice.refresh_from_db()
    assert (invoice.billed_name, invoice.billed_address, invoice.total) == (name, "1 High Street\nLeeds", 7000)
    assert AuditEvent.objects.filter(object_type="money.invoice", action="create", object_id=invoice.uuid).exists()


def test_a_void_keeps_its_number_and_reason_and_the_session_can_be_invoiced_again(client_):
    past_session(client_)
    invoice = _issue(client_)
    with pytest.raises(MoneyError):
        invoice_void(invoice=invoice, by=client_.therapist, reason="  ")
    invoice_void(invoice=invoice, by=client_.therapist, reason="Sent to the wrong person")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.number, invoice.void_reason) == ("void", 1, "Sent to the wrong person")
    again = _issue(client_)
    assert again.number == 2
    assert account(client_).balance == 7000


def test_a_paid_invoice_is_corrected_by_a_credit_note_not_a_void(client_):
    past_session(client_)
    invoice = _issue(client_)
    payment_record(client=client_, amount=7000, method="card", received_on=invoice.tax_point, invoice=invoice)
    with pytest.raises(MoneyError, match="credit note"):
        invoice_void(invoice=invoice, by=client_.therapist, reason="Wrong")
    (line,) = invoice.lines.all()
    with pytest.raises(MoneyError):
        credit_note_issue(invoice=invoice, amounts={line.pk: 7001}, reason="Too much", by=None)
    note = credit_note_issue(invoice=invoice, amounts={line.pk: 2000}, reason="Shorter session", by=None)
    assert (note.kind, note.credits, note.total, note.reference) == ("credit", invoice, 2000, "CN-0001")
    assert account(client_).credit == 2000
    with pytest.raises(MoneyError):
        payment_record(client=client_, amount=7001, method="bank", received_on=invoice.tax_point, kind="refund")
    payment_record(client=client_, amount=2000, method="bank", received_on=invoice.tax_point, kind="refund")
    assert account(client_).balance == 0


def test_part_payments_and_an_overpayment_becomes_credit(client_):
    past_session(client_, days_ago=9)
    past_session(client_, days_ago=2)
    charges_collect(practice=client_.practice)
    first, second = (invoice_issue(client=client_, charges=[c]) for c in Charge.objects.for_client(client_))
    payment_record(client=client_, amount=3000, method="cash", received_on=first.tax_point)
    state = account(client_)
    assert (state.state_of(first).waiting, state.state_of(second).waiting) == (4000, 7000)
    payment_record(client=client_, amount=9000, method="bank", received_on=first.tax_point, invoice=second)
    state = account(client_)
    assert state.state_of(second).is_paid and state.state_of(first).waiting == 2000
    payment_record(client=client_, amount=5000, method="bank", received_on=first.tax_point)
    assert account(client_).credit == 3000


def test_paused_and_ended_clients_are_never_invoiced(client_):
    past_session(client_)
    for status in (Client.CareStatus.PAUSED, Client.CareStatus.ENDED):
        client_.care_status = status
        client_.save()
        assert invoices_issue_due(practice=client_.practice) == 0
        with pytest.raises(MoneyError):
            _issue(client_)
    assert Invoice.objects.count() == 0


def test_a_client_not_invoiced_makes_no_charge(client_):
    ClientBilling.objects.create(client=client_, mode=BillingMode.NOT_INVOICED)
    past_session(client_)
    assert charges_collect(practice=client_.practice) == 0


def test_a_late_cancellation_by_the_client_is_charged_and_can_be_waived_in_one_step(client_):
    billing_practice(client_.practice, late_cancel_enabled=True, late_cancel_hours=48, late_cancel_fee=3000)
    soon = session_for(client_, timezone.now() + timedelta(hours=30))
    later = session_for(client_, timezone.now() + timedelta(days=5))
    appointment_cancel(appointment=soon, by="client")
    appointment_cancel(appointment=later, by="client")
    (charge,) = Charge.objects.for_client(client_)
    assert (charge.kind, charge.amount, charge.status) == ("late_cancel", 3000, "waiting")
    charge_waive(charge=charge, by=client_.therapist, reason="Unwell")
    charge.refresh_from_db()
    assert (charge.status, charge.waived_reason) == ("waived", "Unwell")
    charge_reinstate(charge=charge, by=client_.therapist)
    assert Charge.objects.get(pk=charge.pk).status == "waiting"


def test_a_late_cancellation_waived_by_default_is_kept_with_its_reason(client_):
    billing_practice(
        client_.practice, late_cancel_enabled=True, late_cancel_fee=3000, late_cancel_waived_by_default=True
    )
    appointment_cancel(appointment=session_for(client_, timezone.now() + timedelta(hours=3)), by="client")
    appointment_cancel(appointment=session_for(client_, timezone.now() + timedelta(hours=5)), by="therapist")
    (charge,) = Charge.objects.for_client(client_)
    assert charge.status == "waived" and charge.waived_reason


def test_a_retried_payment_records_once(client_):
    today = timezone.localdate()
    first = payment_record(client=client_, amount=5000, method="cash", received_on=today, key="k1")
    again = payment_record(client=client_, amount=5000, method="cash", received_on=today, key="k1")
    assert first.pk == again.pk and Payment.objects.count() == 1
    assert first.receipt_reference == "R-0001"


def test_vat_inside_a_fee_rounds_half_up_to_the_penny(client_):
    supplier = practice_supplier(client_.practice)
    supplier.tax_status, supplier.vat_number, supplier.tax_rate = TaxStatus.VAT, "GB1", Decimal("20")
    supplier.save()
    Fee.objects.create(practice=client_.practice, amount=6500, valid_from=LONG_AGO + timedelta(days=1))
    past_session(client_)
    (line,) = _issue(client_).lines.all()
    assert (line.net, line.tax, line.tax_rate) == (5417, 1083, Decimal("20.00"))  # 65 × 20/120 = 10.833…
