"""Invoices, credit notes and receipts as PDFs, laid out by WeasyPrint from the same templates as their pages.

``money/document/invoice.html`` (invoices and credit notes) and ``money/document/receipt.html``
are the document itself; the pages include them inside the site's frame, and ``document_pdf``
inside ``money/document/pdf.html``, a bare A4 frame with its own print styles. So what a client
reads on screen and what they download say the same thing. Nothing clinical is ever on either.
"""

from django.template.loader import render_to_string

from money.models import BillingSettings, ClientBilling, Invoice, InvoiceLine, Payment, TaxStatus

# What an exempt line's invoice says, and why (HMRC VATHLT2300; VAT Act 1994, Schedule 9, Group 7, Item 1).
EXEMPT_WORDING = "Exempt from VAT: health care by a registered practitioner (VAT Act 1994, Schedule 9, Group 7)"


def _invoice_context(invoice: Invoice) -> dict:
    details = invoice.supplier_details or {}
    status = details.get("tax_status", TaxStatus.NONE)
    label = details.get("tax_label") or "VAT"
    lines = list(invoice.lines.all())
    if invoice.is_credit_note:
        title = "Credit note"
    elif invoice.is_statement:
        title = "Monthly statement"
    else:
        title = "Invoice"
    return {
        "invoice": invoice,
        "lines": lines,
        "details": details,
        "title": title,
        # No tax line at all for a supplier outside VAT (the default: most therapists are under the threshold).
        "shows_tax": status in (TaxStatus.VAT, TaxStatus.RATE),
        "is_vat": status == TaxStatus.VAT,
        "tax_label": "VAT" if status == TaxStatus.VAT else label,
        "any_exempt": any(line.tax_treatment == InvoiceLine.Tax.EXEMPT for line in lines),
        "exempt_wording": EXEMPT_WORDING,
        "credited": invoice.credits if invoice.is_credit_note else None,
    }


def _receipt_context(payment: Payment) -> dict:
    billing = ClientBilling.objects.filter(client=payment.client).first()
    return {
        "payment": payment,
        "supplier": payment.supplier,
        "title": "Refund receipt" if payment.kind == Payment.Kind.REFUND else "Receipt",
        "billed_name": (billing.billing_name if billing else "") or payment.client.display_name,
        "billed_address": billing.address if billing else "",
    }


def document_context(document: Invoice | Payment, *, settings: BillingSettings | None = None) -> dict:
    """What the document templates need: the document, its words, and the practice's locale for money
    (from ``settings`` when the page has read them already)."""
    if isinstance(document, Invoice):
        context = _invoice_context(document)
        context["document_template"] = "money/document/invoice.html"
    else:
        context = _receipt_context(document)
        context["document_template"] = "money/document/receipt.html"
    if settings is None or settings.practice_id != document.practice_id:
        settings = BillingSettings.for_practice(document.practice)
    context["locale"] = settings.locale
    context["practice"] = settings.practice
    return context


def document_filename(document: Invoice | Payment) -> str:
    reference = document.reference if isinstance(document, Invoice) else document.receipt_reference
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in reference) + ".pdf"


def document_pdf(document: Invoice | Payment) -> bytes:
    """The PDF of an invoice or credit note (an ``Invoice``), or of a receipt (a ``Payment``)."""
    html = render_to_string("money/document/pdf.html", document_context(document))
    # WeasyPrint takes about three seconds to import: only a PDF pays for it, not every process.
    from weasyprint import HTML

    return HTML(string=html).write_pdf()
