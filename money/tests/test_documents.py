"""The invoice, credit note and receipt PDFs carry what the law and the issue ask, for each tax case, and
nothing clinical; the emails link to them, and attach the PDF only when the client chose that."""

import base64
import io
import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from money.links import document_url
from money.models import Charge, Invoice, Payment, Register, Supplier, TaxStatus
from money.pdf import EXEMPT_WORDING, document_pdf
from money.services import (
    client_billing,
    credit_note_issue,
    invoice_issue,
    invoice_void,
    payment_record,
    practice_supplier,
    therapist_billing,
)
from money.tests.helpers import billing_practice
from outbox.models import Email
from tending.testing.factories import ClientFactory, PracticeFactory, StaffFactory

pytestmark = pytest.mark.django_db

CLINICAL = ["anxiety", "depression", "phq", "gad", "risk", "diagnosis", "formulation", "note", "notes", "symptom"]


def pdf_text(document) -> str:
    data = document_pdf(document)
    assert data.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def clinical_words(text: str) -> list[str]:
    """Clinical words in ``text``; "credit note" is a document's name, not a clinical note."""
    text = re.sub(r"credit notes?", "", text, flags=re.I)
    return [word for word in CLINICAL if re.search(rf"\b{word}\b", text, re.I)]


def long_date(day) -> str:
    return f"{day.day} {day:%B %Y}"


def short_date(day) -> str:
    return f"{day.day} {day:%b %Y}"


def make_invoice(
    *,
    tax_status=TaxStatus.NONE,
    register=Register.BACP,
    rate=Decimal("20"),
    label="VAT",
    vat_number="",
    country="GB",
    currency="GBP",
    fee=7000,
):
    practice = PracticeFactory(country=country)
    billing_practice(
        practice,
        fee=fee,
        currency=currency,
        payment_instructions="Bank transfer to Willow Tree Ltd, sort code 12-34-56, account 12345678",
    )
    therapist = StaffFactory(practice=practice, user__name="Ana Therapist")
    registration = therapist_billing(therapist)
    registration.register = register
    registration.registration_number = "123456"
    registration.save()
    supplier = practice_supplier(practice)
    Supplier.objects.filter(pk=supplier.pk).update(
        name="Willow Tree Counselling",
        address="1 Orchard Lane\nLeeds LS1 1AA",
        tax_status=tax_status,
        tax_rate=rate,
        tax_label=label,
        vat_number=vat_number,
    )
    client = ClientFactory(therapist=therapist)
    billing = client_billing(client)
    billing.billing_name = "Cara Client"
    billing.address = "2 River Street\nYork YO1 2BB"
    billing.save()
    day = timezone.localdate() - timedelta(days=3)
    charge = Charge.objects.create(practice=practice, client=client, therapist=therapist, day=day, amount=fee)
    return invoice_issue(client=client, charges=[charge])


def assert_common(text: str, invoice: Invoice, amount: str):
    for expected in [
        "Willow Tree Counselling",
        "1 Orchard Lane",
        "Leeds LS1 1AA",
        "Cara Client",
        "2 River Street",
        "York YO1 2BB",
        "Counselling session",
        invoice.reference,
        long_date(invoice.issued_at.date()),
        short_date(invoice.lines.get().day),
        amount,
        "sort code 12-34-56",
    ]:
        assert expected in text, expected
    assert clinical_words(text) == []


def test_an_invoice_outside_vat_has_no_vat_line_at_all():
    invoice = make_invoice(tax_status=TaxStatus.NONE)
    text = pdf_text(invoice)
    assert_common(text, invoice, "£70.00")
    assert "BACP registration 123456" in text
    assert long_date(invoice.due_on) in text
    assert "VAT" not in text and "Tax point" not in text


def test_a_standard_rated_vat_invoice_shows_number_tax_point_and_each_lines_rate_and_vat():
    invoice = make_invoice(tax_status=TaxStatus.VAT, register=Register.BACP, vat_number="GB123456789")
    text = pdf_text(invoice)
    assert_common(text, invoice, "£70.00")
    assert "BACP registration 123456" in text
    assert "VAT number: GB123456789" in text
    assert f"Tax point {long_date(invoice.tax_point)}" in text
    assert "VAT rate" in text and "20%" in text
    assert "£58.33" in text and "£11.67" in text  # net and VAT inside £70 at 20%
    assert "Exempt" not in text


def test_an_exempt_invoice_of_a_statutory_registrant_says_why():
    invoice = make_invoice(tax_status=TaxStatus.VAT, register=Register.HCPC, vat_number="GB123456789")
    assert invoice.lines.get().tax_treatment == "exempt"
    text = pdf_text(invoice)
    assert_common(text, invoice, "£70.00")
    assert "HCPC registration 123456" in text
    assert "VAT number: GB123456789" in text
    assert EXEMPT_WORDING in text
    assert "£0.00" in text


def test_another_countrys_tax_shows_its_label_and_rate_in_the_practices_locale():
    invoice = make_invoice(
        tax_status=TaxStatus.RATE,
        rate=Decimal("15"),
        label="GST",
        country="IE",
        currency="EUR",
        register=Register.OTHER,
    )
    text = pdf_text(invoice)
    assert_common(text, invoice, "€70.00")
    assert "GST rate" in text and "15%" in text
    assert "€60.87" in text and "€9.13" in text
    assert "VAT" not in text and "Tax point" not in text


def test_a_credit_note_names_the_invoice_it_credits_and_why():
    invoice = make_invoice()
    line = invoice.lines.get()
    note = credit_note_issue(invoice=invoice, amounts={line.pk: 7000}, reason="Charged twice by mistake", by=None)
    text = pdf_text(note)
    assert f"Credit note {note.reference}" in text
    assert f"credits invoice {invoice.reference}" in text
    assert "Reason: Charged twice by mistake" in text
    assert "Total credited £70.00" in text
    assert "How to pay" not in text
    assert clinical_words(text) == []


def test_a_void_invoice_says_void_and_why():
    invoice = make_invoice()
    invoice_void(invoice=invoice, by=None, reason="Issued to the wrong person")
    text = pdf_text(Invoice.objects.get(pk=invoice.pk))
    assert "Void." in text and "Issued to the wrong person" in text
    assert "How to pay" not in text


def test_a_receipt_and_a_refund():
    invoice = make_invoice()
    paid = payment_record(
        client=invoice.client,
        amount=7000,
        method=Payment.Method.BANK_TRANSFER,
        received_on=timezone.localdate(),
        invoice=invoice,
        reference="CARA INV",
    )
    text = pdf_text(paid)
    for expected in [
        f"Receipt {paid.receipt_reference}",
        "Willow Tree Counselling",
        "1 Orchard Lane",
        "Cara Client",
        "£70.00",
        "Bank transfer",
        invoice.reference,
        long_date(paid.received_on),
        "Thank you",
    ]:
        assert expected in text, expected
    refund = payment_record(
        client=invoice.client,
        amount=2000,
        method=Payment.Method.CARD,
        received_on=timezone.localdate(),
        kind=Payment.Kind.REFUND,
        supplier=invoice.supplier,
    )
    refund_text = pdf_text(refund)
    assert f"Refund receipt {refund.receipt_reference}" in refund_text and "£20.00" in refund_text
    assert clinical_words(text + refund_text) == []


def _attachments(email: Email) -> list[dict]:
    return json.loads(email.extra)["attachments"]


def test_emails_link_to_the_document_and_attach_it_only_when_the_client_chose():
    invoice = make_invoice()
    email = Email.objects.get(about_type="money.invoice", about_id=str(invoice.uuid))
    assert _attachments(email) == []
    link = document_url("invoice", invoice.uuid)
    assert link.rsplit("/money/", 1)[0] + f"/money/d/invoice/{invoice.uuid}:" in email.body  # the signed link

    billing = client_billing(invoice.client)
    billing.email_pdf = True
    billing.save()
    paid = payment_record(
        client=invoice.client, amount=7000, method="bank", received_on=timezone.localdate(), invoice=invoice
    )
    receipt = Email.objects.get(about_type="money.payment", about_id=str(paid.uuid))
    [attached] = _attachments(receipt)
    assert attached["filename"] == f"{paid.receipt_reference}.pdf"
    assert attached["mimetype"] == "application/pdf"
    assert base64.b64decode(attached["b64"]).startswith(b"%PDF")
    assert "/money/d/receipt/" in receipt.body

    line = invoice.lines.get()
    note = credit_note_issue(invoice=invoice, amounts={line.pk: 1000}, reason="A kindness", by=None)
    note_email = Email.objects.get(about_type="money.invoice", about_id=str(note.uuid))
    assert [a["filename"] for a in _attachments(note_email)] == [f"{note.reference}.pdf"]

    for sent in Email.objects.all():
        assert clinical_words(sent.subject + " " + sent.body) == [], sent.body
