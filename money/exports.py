"""CSV files for the practice's accountant (docs/money.md, "Books and reports").

- ``xero_invoices``: one supplier's invoices and credit notes of a period, one row per line, in Xero's
  "Import invoices" template (Sales → Invoices → Import). Credit notes go in the same file with negative
  amounts: Xero imports a document whose total is below zero as a credit note. Amounts are tax inclusive
  (a fee is what the client pays): choose "Tax inclusive" when Xero asks. Void documents are left out.
- ``payments``: the supplier's payments and refunds of the period (refunds negative).

The client's billed name is there (the books need it), never an address, an email or anything clinical:
a line's description is what the invoice says ("Counselling session"). Every text cell that a
spreadsheet could read as a formula (starting = + - @, a tab or a carriage return) is prefixed with '.
Amounts are written by us from integers, so a credit note's "-28.00" stays a number.
"""

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from money.formatting import to_decimal
from money.models import Invoice, InvoiceLine, Payment

# Xero's sales invoice import template, in its order (the asterisks are Xero's: required columns).
XERO_COLUMNS = [
    "*ContactName",
    "EmailAddress",
    "POAddressLine1",
    "POAddressLine2",
    "POAddressLine3",
    "POAddressLine4",
    "POCity",
    "PORegion",
    "POPostalCode",
    "POCountry",
    "*InvoiceNumber",
    "Reference",
    "*InvoiceDate",
    "*DueDate",
    "Total",
    "InventoryItemCode",
    "*Description",
    "*Quantity",
    "*UnitAmount",
    "Discount",
    "*AccountCode",
    "*TaxType",
    "TaxAmount",
    "TrackingName1",
    "TrackingOption1",
    "TrackingName2",
    "TrackingOption2",
    "Currency",
    "BrandingTheme",
]
PAYMENT_COLUMNS = ["Date", "Receipt", "Client", "Invoice", "Kind", "Method", "Amount", "Currency", "Reference"]

# Xero's default chart of accounts: 200 is "Sales". A setting for it needs a schema change (see the docs).
SALES_ACCOUNT = "200"
# Xero's own names of its tax rates (UK organisations), by how a line was taxed (InvoiceLine.Tax).
TAX_TYPES = {
    InvoiceLine.Tax.NONE: "No VAT",
    InvoiceLine.Tax.EXEMPT: "Exempt Income",
    # STANDARD: "20% (VAT on Income)", from the line's own rate.
    InvoiceLine.Tax.RATE: "Tax on Sales",
}
# A date as Xero reads it in a UK organisation.
DATE_FORMAT = "%d/%m/%Y"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe(text) -> str:
    """A text cell a spreadsheet will not run as a formula (OWASP, "CSV Injection")."""
    text = "" if text is None else str(text)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def amount(minor: int, currency: str) -> str:
    """7000 → "70.00"; -2800 → "-28.00". Never prefixed: it is a number we wrote."""
    return f"{to_decimal(minor, currency):f}"


def tax_type(line: InvoiceLine) -> str:
    if line.tax_treatment == InvoiceLine.Tax.STANDARD:
        return f"{Decimal(line.tax_rate).normalize():f}% (VAT on Income)"
    return TAX_TYPES.get(line.tax_treatment, TAX_TYPES[InvoiceLine.Tax.NONE])


def to_csv(header: list[str], rows: Iterable[list[str]]) -> str:
    """RFC 4180: commas, double quotes where needed, CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _documents(supplier, first, last):
    return (
        InvoiceLine.objects.filter(
            invoice__practice_id=supplier.practice_id,  # through the index by practice and day
            invoice__supplier=supplier,
            invoice__status=Invoice.Status.ISSUED,
            invoice__tax_point__range=(first, last),
        )
        .select_related("invoice", "invoice__credits")
        .defer("invoice__billed_address", "invoice__supplier_details", "invoice__credits__billed_address")
        .defer("invoice__credits__supplier_details")
        .order_by("invoice__tax_point", "-invoice__kind", "invoice__number", "position", "pk")
    )


def xero_invoice_rows(supplier, first, last) -> list[list[str]]:
    """One row per line of ``supplier``'s invoices and credit notes dated ``first``–``last``: one query."""
    rows = []
    for line in _documents(supplier, first, last):
        document = line.invoice
        sign = -1 if document.is_credit_note else 1
        currency = document.currency
        if document.is_credit_note:
            reference = f"Credit for {document.credits.reference}"
        elif document.is_statement:
            reference = f"Statement {document.period_start:{DATE_FORMAT}} to {document.period_end:{DATE_FORMAT}}"
        else:
            reference = ""
        rows.append(
            [
                safe(document.billed_name),
                "",  # no email: the books need the name only
                *[""] * 8,  # no address, likewise
                safe(document.reference),
                safe(reference),
                document.tax_point.strftime(DATE_FORMAT),
                (document.due_on or document.tax_point).strftime(DATE_FORMAT),
                amount(sign * document.total, currency),
                "",
                safe(f"{line.description}, {line.day:{DATE_FORMAT}}"),
                "1",
                amount(sign * line.total, currency),
                "",
                SALES_ACCOUNT,
                tax_type(line),
                amount(sign * line.tax, currency),
                "",
                "",
                "",
                "",
                currency,
                "",
            ]
        )
    return rows


def payment_rows(supplier, first, last) -> list[list[str]]:
    """``supplier``'s payments and refunds received ``first``–``last``, oldest first: one query."""
    payments = (
        Payment.objects.filter(practice_id=supplier.practice_id, supplier=supplier, received_on__range=(first, last))
        .select_related("client__user", "invoice")
        .only(
            "received_on",
            "receipt_reference",
            "kind",
            "method",
            "amount",
            "currency",
            "reference",
            "client",
            "invoice",
            "client__user",
            "client__preferred_name",
            "client__user__name",
            "client__user__email",
            "invoice__reference",
        )
        .order_by("received_on", "number")
    )
    rows = []
    for payment in payments:
        sign = -1 if payment.kind == Payment.Kind.REFUND else 1
        rows.append(
            [
                payment.received_on.strftime(DATE_FORMAT),
                safe(payment.receipt_reference),
                safe(payment.client.display_name),
                safe(payment.invoice.reference if payment.invoice_id else ""),
                payment.get_kind_display(),
                payment.get_method_display(),
                amount(sign * payment.amount, payment.currency),
                payment.currency,
                safe(payment.reference),
            ]
        )
    return rows
