"""Invoice, credit note and receipt emails, through the outbox in the issuing transaction.

Each carries a signed link (money/links.py), never a clinical word; the PDF is attached only
when the client chose that on "My invoices" (``ClientBilling.email_pdf``).
"""

from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from money import stripe_api
from money.formatting import money
from money.links import document_url
from money.models import BillingSettings, ClientBilling, Invoice, Payment
from outbox.services import email_queue


def _wants_pdf(client) -> bool:
    return ClientBilling.objects.filter(client=client, email_pdf=True).exists()


def _send(*, client, subject: str, template: str, context: dict, kind: str, about, settings, attach=None) -> None:
    if client.care_status == "paused" or not client.user.email:
        return  # nothing is sent to a client whose care is paused; the document waits on "My invoices"
    body = render_to_string(
        template, {**context, "practice": client.practice, "client": client, "locale": settings.locale}
    )
    message = EmailMessage(subject=subject, body=body, to=[client.user.email])
    if attach is not None and _wants_pdf(client):
        from money.pdf import document_pdf  # WeasyPrint takes seconds to import: only when a PDF is wanted

        message.attach(attach[0], document_pdf(attach[1]), "application/pdf")
    email_queue(message, kind=kind, practice=client.practice, about=about)


def document_email_queue(*, invoice: Invoice, settings: BillingSettings | None = None) -> None:
    """Tell the client an invoice or credit note was issued, with its link."""
    settings = settings or BillingSettings.for_practice(invoice.practice)
    what = "credit note" if invoice.is_credit_note else "invoice"
    _send(
        client=invoice.client,
        subject=f"Your {what} {invoice.reference} from {invoice.supplier_details.get('name') or invoice.practice.name}",
        template="money/email/document.txt",
        context={
            "invoice": invoice,
            "what": what,
            "amount": money(invoice.total, invoice.currency, settings.locale),
            "link": document_url("invoice", invoice.uuid),
            # With Stripe's keys set, the link's page has a "Pay online" button (money/online.py).
            "pay_online": stripe_api.enabled() and not invoice.is_credit_note,
        },
        kind=f"money_{invoice.kind}",
        about=("money.invoice", invoice.uuid),
        settings=settings,
        attach=(f"{invoice.reference}.pdf", invoice),
    )


def receipt_email_queue(*, payment: Payment) -> None:
    """Send the receipt of a payment or a refund, with its link."""
    settings = BillingSettings.for_practice(payment.practice)
    _send(
        client=payment.client,
        subject=f"Your receipt {payment.receipt_reference} from {payment.supplier.name}",
        template="money/email/receipt.txt",
        context={
            "payment": payment,
            "amount": money(payment.amount, payment.currency, settings.locale),
            "link": document_url("receipt", payment.uuid),
        },
        kind=f"money_{payment.kind}",
        about=("money.payment", payment.uuid),
        settings=settings,
        attach=(f"{payment.receipt_reference}.pdf", payment),
    )
