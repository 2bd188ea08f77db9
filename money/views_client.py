"""The client's side of money: "My invoices", each document and its PDF, and the signed email links.

A signed link opens one document without signing in (money/links.py); an ended or altered link
gives a kind page that says where to find it, never an error. Every opening of a link is audited
(the token never reaches the audit log: ``tending.logs.redact_path`` takes out the ``token``).
"""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from audit.models import AuditEvent
from audit.services import audit_change, audit_record
from core.dates import written
from core.html import format_rows
from core.links import url_maker
from money.access import client_for_money, get_invoice_for_client, get_payment_for_client
from money.formatting import money, payment_cells
from money.forms_superbills import mine_superbills
from money.ledger import totals
from money.links import document_uuid
from money.models import BillingSettings, Invoice, Payment
from money.online import pay_offer
from money.paging import page_of
from money.pdf import document_context, document_filename, document_pdf
from money.selectors import client_payments_pages, client_waiting, own_documents_pages
from money.services import client_billing
from practice.access import client_required

KINDS = {"invoice": Invoice, "receipt": Payment}


class EmailPreferenceForm(forms.Form):
    email_pdf = forms.BooleanField(
        required=False,
        label="Attach PDFs to my invoice emails",
        help_text="Anyone who can read your email would see the invoice, and so that you are in therapy.",
    )


def _private(response: HttpResponse) -> HttpResponse:
    """No browser or proxy keeps a money page, even one opened by a link without signing in.

    The site-wide ``Referrer-Policy: same-origin`` already names nothing to another site (and
    these pages link to none), so a link's token never leaves Tending in a Referer.
    """
    add_never_cache_headers(response)  # as core.middleware does for signed-in pages; these may be public
    response["X-Robots-Tag"] = "noindex"
    return response


_DOCUMENT_ROW = (
    '<tr>\n      <td><a href="{}">{} {}</a></td>\n      <td>{}</td>\n      <td>{}</td>\n      <td>{}</td>\n    </tr>'
)
_RECEIPT_ITEM = '<li><a href="{}">{} {}</a>:\n      {}, {}, {}</li>'


def _state(document, locale) -> str:
    """Where ``document`` (an invoice or a credit note) stands, in plain words, from what the invoice still waits for
    (``Invoice.waiting``, kept by money.ledger.settle): less than its total means part of it was paid or credited."""
    if document.is_void:
        return "Void: nothing to pay"
    if document.is_credit_note:
        return f"Credits invoice {document.credits.reference}"
    if document.waiting <= 0:
        return "Paid"
    waiting = money(document.waiting, document.currency, locale)
    if document.waiting < document.total:
        return f"Part paid: {waiting} waiting to be paid"
    if document.due_on:
        return f"Waiting to be paid, by {written(document.due_on, 'j M Y')}"
    return "Waiting to be paid"


def _kind(document) -> str:
    if document.is_credit_note:
        return "Credit note"
    return "Statement" if document.is_statement else "Invoice"


def _rows(documents, payments, locale) -> dict:
    """The page of ``documents`` and the page of ``payments`` as the page lists them, written here rather than cell by
    cell in the template, as the practice's pages write theirs (one ``reverse()`` a list, not one a row)."""
    document_url = url_maker("money:mine_document", "invoice_uuid")
    receipt_url = url_maker("money:mine_receipt", "payment_uuid")

    def document(d):
        issued = written(timezone.localtime(d.issued_at), "j M Y")
        return (
            document_url(d.uuid),
            _kind(d),
            d.reference,
            issued,
            money(d.total, d.currency, locale),
            _state(d, locale),
        )

    def receipt(p):
        kind = "Refund" if p.kind == Payment.Kind.REFUND else "Receipt"
        return receipt_url(p.uuid), kind, p.receipt_reference, *payment_cells(p, locale)

    return {
        "document_rows": format_rows("", _DOCUMENT_ROW, map(document, documents)),
        "payment_rows": format_rows("", _RECEIPT_ITEM, map(receipt, payments)),
    }


def _mine_context(request, client, preferences=None) -> dict:
    settings = BillingSettings.for_practice(client.practice)
    # A dozen documents and payments a page, read as they are stored (``Invoice.waiting`` is kept by the
    # ledger's services), the balance summed in the database: the page costs the same after years.
    found = totals(client)
    documents = page_of(own_documents_pages(client), request, "page", count=found.documents)
    payments = page_of(client_payments_pages(client), request, "receipts", count=found.payments)
    # What waits, oldest first (with the suppliers' payment instructions each carries).
    waiting = client_waiting(client)
    instructions = []
    for invoice in waiting:
        text = (invoice.supplier_details or {}).get("payment_instructions", "").strip()
        if text and text not in instructions:
            instructions.append(text)
    if waiting and not instructions and settings.payment_instructions.strip():
        instructions.append(settings.payment_instructions.strip())
    billing = client.billing if hasattr(client, "billing") else None
    return {
        "client": client,
        "account": {"waiting": sum(invoice.waiting for invoice in waiting), "credit": max(-found.balance, 0)},
        "currency": settings.currency,
        "locale": settings.locale,
        "documents_page": documents,
        "payments": payments,
        **_rows(documents, payments, settings.locale),
        "waiting": waiting,
        "instructions_list": instructions,
        "preferences": preferences or EmailPreferenceForm(initial={"email_pdf": bool(billing and billing.email_pdf)}),
        # US practices: the client's superbills and the form to ask for one (None elsewhere).
        "superbills": mine_superbills(client, today=timezone.localdate(timezone=client.practice.zone)),
    }


@client_required
def mine(request):
    client = client_for_money(request.user)
    return _private(render(request, "money/client/mine.html", _mine_context(request, client)))


@client_required
@require_POST
def mine_preferences(request):
    client = client_for_money(request.user)
    form = EmailPreferenceForm(request.POST)
    if not form.is_valid():  # a tick box is always valid; kept for the form's sake
        return _private(render(request, "money/client/mine.html", _mine_context(request, client, form), status=400))
    billing = client_billing(client)
    chosen = form.cleaned_data["email_pdf"]
    if billing.email_pdf != chosen:
        billing.email_pdf = chosen
        billing.save(update_fields=["email_pdf"])
        audit_change(AuditEvent.Action.UPDATE, billing, client=client, request=request, fields=["email_pdf"])
    if chosen:
        messages.success(request, "Saved. Invoice emails will carry the PDF from now on.")
    else:
        messages.success(request, "Saved. Invoice emails will only carry a private link.")
    return redirect("money:mine")


def _page(request, document, pdf_url: str, *, signed_link: bool = False, pay_online: dict | None = None):
    context = document_context(document)
    context.update(pdf_url=pdf_url, signed_link=signed_link, pay_online=pay_online)
    return _private(render(request, "money/client/document.html", context))


def _pdf(document) -> HttpResponse:
    response = HttpResponse(document_pdf(document), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document_filename(document)}"'
    return _private(response)


@client_required
def mine_document(request, invoice_uuid):
    invoice = get_invoice_for_client(request.user, invoice_uuid)
    pdf_url = reverse("money:mine_document_pdf", kwargs={"invoice_uuid": invoice.uuid})
    return _page(request, invoice, pdf_url, pay_online=pay_offer(invoice, back="mine"))


@client_required
def mine_document_pdf(request, invoice_uuid):
    return _pdf(get_invoice_for_client(request.user, invoice_uuid))


@client_required
def mine_receipt(request, payment_uuid):
    payment = get_payment_for_client(request.user, payment_uuid)
    return _page(request, payment, reverse("money:mine_receipt_pdf", kwargs={"payment_uuid": payment.uuid}))


@client_required
def mine_receipt_pdf(request, payment_uuid):
    return _pdf(get_payment_for_client(request.user, payment_uuid))


# --- signed links from emails --------------------------------------------------------------------


def _linked(what: str, token: str):
    """The document a link names, or None when the link has ended, was altered, or its client is erased."""
    if what not in KINDS:
        raise Http404
    uuid = document_uuid(what, token)
    if uuid is None:
        return None
    related = ("client__user", "client__practice", "client__erasure", "supplier", "practice")
    extra = ("credits",) if what == "invoice" else ("invoice",)
    found = KINDS[what].objects.select_related(*related, *extra).filter(uuid=uuid).first()
    if found is None or found.client.is_erased:
        return None
    return found


def _gone(request):
    return _private(render(request, "money/client/link_gone.html", status=410))


def _opened(request, document, what: str, *, pdf: bool) -> None:
    audit_record(
        action=AuditEvent.Action.READ,
        object_type=f"money.{'invoice' if what == 'invoice' else 'payment'}",
        object_id=document.uuid,
        request=request,
        client=document.client,
        practice=document.practice,
        detail={"via": "email link", "pdf": pdf},
    )


def document_link(request, what, token):
    document = _linked(what, token)
    if document is None:
        return _gone(request)
    _opened(request, document, what, pdf=False)
    pdf_url = reverse("money:document_link_pdf", kwargs={"what": what, "token": token})
    return _page(request, document, pdf_url, signed_link=True, pay_online=pay_offer(document, token=token))


def document_link_pdf(request, what, token):
    document = _linked(what, token)
    if document is None:
        return _gone(request)
    _opened(request, document, what, pdf=True)
    return _pdf(document)
