"""The therapist's and owner's work with clients' money: what is waiting, one client's billing, invoices,
credit notes and payments. A therapist sees their own clients'; an owner the whole practice's."""

from datetime import timedelta

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.people import refer
from audit.services import audit_read
from core.dates import written
from core.html import format_many, format_rows
from core.links import url_maker
from money.access import (
    get_agreed_fee_for_staff,
    get_charge_for_staff,
    get_client_for_billing,
    get_invoice_for_staff,
    get_payment_for_staff,
    staff_for_money,
)
from money.formatting import money, payment_cells
from money.forms_staff import AgreedFeeForm, BillingForm, CreditNoteForm, PaymentForm, VoidForm, WaiveForm
from money.ledger import standing_of, totals
from money.models import BillingSettings, Charge, Payment
from money.paging import page_of
from money.pdf import document_context, document_filename
from money.selectors import (
    charges_waiting_pages,
    client_agreed_fees,
    client_charges,
    client_documents_pages,
    client_payments_pages,
    client_waiting,
    invoices_waiting_pages,
    recent_payments,
    waiting_totals,
)
from money.services import (
    MoneyError,
    charge_reinstate,
    charge_waive,
    client_billing,
    credit_left,
    credit_note_issue,
    invoice_issue,
    invoice_void,
    payment_record,
    supplier_for,
)
from money.services_staff import agreed_fee_add, agreed_fee_end, client_billing_update
from money.superbills import superbills_for_staff
from practice.access import staff_required

# "Recent payments" on the overview: the last month's.
RECENT_DAYS = timedelta(days=31)


def _settings(practice) -> BillingSettings:
    return BillingSettings.for_practice(practice)


def _today(practice):
    return timezone.localdate(timezone=practice.zone)


def _money_context(settings: BillingSettings) -> dict:
    return {"currency": settings.currency, "locale": settings.locale}


# The overview's rows, written once in Python rather than by a template per row (as the office calendar's):
# three lists of a dozen rows were a quarter of the page's work (docs/benchmarks.md). The markup is the
# template's former rows, tested in money/tests/test_staff_pages.py.
_CHARGE_ROW = '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td class="amount">{}</td></tr>'
_UNPAID_ROW = (
    '<tr><td><a href="{}">{}</a></td><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td class="amount">{}</td></tr>'
)
_PAYMENT_ROW = (
    '<tr><td><a href="{}">{}</a></td><td><a href="{}">{}</a></td><td>{}</td><td>{}{}</td>'
    '<td class="amount">{}{}</td></tr>'
)


def _overview_rows(charges, invoices, payments, *, today, settings) -> dict:
    client_url = url_maker("money:client", "client_uuid")
    invoice_url = url_maker("money:invoice", "invoice_uuid")
    receipt_url = url_maker("money:receipt", "payment_uuid")
    currency, locale = settings.currency, settings.locale
    refund = Payment.Kind.REFUND
    return {
        "charge_rows": format_rows(
            "\n",
            _CHARGE_ROW,
            (
                (
                    client_url(c.client.uuid),
                    c.client.display_name,
                    written(c.day, "j M Y"),
                    c.get_kind_display(),
                    money(c.amount, currency, locale),
                )
                for c in charges
            ),
        ),
        "unpaid_rows": format_rows(
            "\n",
            _UNPAID_ROW,
            (
                (
                    invoice_url(i.uuid),
                    i.reference,
                    client_url(i.client.uuid),
                    i.client.display_name,
                    written(i.tax_point, "j M Y"),
                    (today - i.tax_point).days,
                    money(i.waiting, currency, locale),
                )
                for i in invoices
            ),
        ),
        "recent_rows": format_rows(
            "\n",
            _PAYMENT_ROW,
            (
                (
                    receipt_url(p.uuid),
                    p.receipt_reference,
                    client_url(p.client.uuid),
                    p.client.display_name,
                    written(p.received_on, "j M Y"),
                    p.get_method_display(),
                    " (refund)" if p.kind == refund else "",
                    "−" if p.kind == refund else "",
                    money(p.amount, p.currency, locale),
                )
                for p in payments
            ),
        ),
    }


@staff_required
def overview(request):
    staff = staff_for_money(request.user)
    settings = _settings(staff.practice)
    today = _today(staff.practice)
    totals = waiting_totals(staff)
    charges = page_of(charges_waiting_pages(staff), request, "charges", count=totals["charges"])
    invoices = page_of(invoices_waiting_pages(staff), request, "page", count=totals["unpaid"])
    recent = recent_payments(staff, today - RECENT_DAYS)
    return render(
        request,
        "money/staff/overview.html",
        {
            **totals,
            "charges_page": charges,
            "invoices_page": invoices,
            **_overview_rows(charges, invoices, recent, today=today, settings=settings),
            "recent": recent,
            "is_owner": staff.runs_office,
            **_money_context(settings),
        },
    )


def _owed_or_credit(found) -> dict:
    """A client's balance as the pages say it: what is waiting to be paid, or the credit in their favour."""
    return {"owed": max(found.balance, 0), "credit": max(-found.balance, 0)}


_DOCUMENT_ROW = (
    '<tr>\n      <td><a href="{}">{}</a>{}</td>\n      <td>{}</td>\n      <td class="amount">{}</td>\n'
    '      <td class="amount">{}</td>\n      <td>{}</td>\n    </tr>'
)
_CREDITS = " (for {})"
_PAYMENT_ITEM = '<li><a href="{}">{}</a>: {}{} on {} ({})</li>'


def _document_state(document) -> str:
    if document.is_void:
        return "Void"
    if document.is_credit_note:
        return "Credit note"
    if (document.credited or 0) >= document.total:
        return "Credited"
    return "Waiting to be paid" if document.waiting > 0 else "Paid"


def _client_rows(documents, payments, locale: str) -> dict:
    """A client's page of invoices and credit notes and page of payments, written here rather than cell by cell in
    the template, as the overview's lists are (docs/decisions.md, "Pages that list many rows write their words in the
    view"): the two loops were most of the page's template work."""
    document_url = url_maker("money:invoice", "invoice_uuid")
    receipt_url = url_maker("money:receipt", "payment_uuid")

    def document(d):
        credits = format_many(_CREDITS, d.credits_reference) if d.is_credit_note else ""
        waiting = "" if d.is_credit_note or d.is_void else money(d.waiting, d.currency, locale)
        total = money(d.total, d.currency, locale)
        return (
            document_url(d.uuid),
            d.reference,
            credits,
            written(d.tax_point, "j M Y"),
            total,
            waiting,
            _document_state(d),
        )

    def payment(p):
        refund = "refund of " if p.kind == Payment.Kind.REFUND else ""
        return receipt_url(p.uuid), p.receipt_reference, refund, *payment_cells(p, locale)

    return {
        "document_rows": format_rows("", _DOCUMENT_ROW, map(document, documents)),
        "payment_rows": format_rows("", _PAYMENT_ITEM, map(payment, payments)),
    }


def _client_page(request, client, staff):
    settings = _settings(client.practice)
    billing = client_billing(client)
    # A dozen documents and payments a page, read as they are stored (``Invoice.waiting`` is kept by the
    # ledger's services), and the balance summed in the database: the page costs the same after years.
    found = totals(client)
    documents = page_of(client_documents_pages(client), request, "page", count=found.documents)
    charges = client_charges(client)
    payments = page_of(client_payments_pages(client), request, "receipts", count=found.payments)
    return render(
        request,
        "money/staff/client.html",
        {
            "client": client,
            "billing": billing,
            "agreed_fees": client_agreed_fees(client),
            "waiting": [c for c in charges if c.status == Charge.Status.WAITING],
            "waived": [c for c in charges if c.status == Charge.Status.WAIVED],
            "documents_page": documents,
            "payments": payments,
            **_client_rows(documents, payments, settings.locale),
            **_owed_or_credit(found),
            "today": _today(client.practice),
            # US practices: the client's superbills, for their own therapist (or an emergency reader) only.
            "superbills": superbills_for_staff(staff, client),
            **_money_context(settings),
        },
    )


@staff_required
def client_money(request, client_uuid):
    client, staff = get_client_for_billing(request.user, client_uuid)
    return _client_page(request, client, staff)


def _form_page(request, client, form, *, template: str, status: int = 200):
    return render(
        request, template, {"client": client, "form": form, **_money_context(_settings(client.practice))}, status=status
    )


def _client_form_page(request, client, staff, form_class, *, initial, save, saved: str, template: str, **form_kwargs):
    """A form about one client's billing: GET shows it, a valid POST saves it through ``save`` and goes
    back to their money page; refused input stays on the page with its message."""
    if request.method != "POST":
        return _form_page(request, client, form_class(initial=initial, **form_kwargs), template=template)
    form = form_class(request.POST, **form_kwargs)
    if form.is_valid():
        try:
            save(client=client, by=staff, request=request, **form.cleaned_data)
        except MoneyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, saved)
            return redirect("money:client", client_uuid=client.uuid)
    return _form_page(request, client, form, template=template, status=400)


@staff_required
def client_billing_save(request, client_uuid):
    """How a client is invoiced."""
    client, staff = get_client_for_billing(request.user, client_uuid)
    billing = client_billing(client)
    return _client_form_page(
        request,
        client,
        staff,
        BillingForm,
        initial={"mode": billing.mode, "billing_name": billing.billing_name, "address": billing.address},
        save=client_billing_update,
        saved=f"Saved. {refer(client, 'Their')} next invoices will use this.",
        template="money/staff/billing_form.html",
    )


@staff_required
def agreed_fee_new(request, client_uuid):
    """A fee agreed with one client."""
    client, staff = get_client_for_billing(request.user, client_uuid)
    return _client_form_page(
        request,
        client,
        staff,
        AgreedFeeForm,
        initial={"agreed_on": _today(client.practice)},
        save=agreed_fee_add,
        saved="The agreed fee is saved. Sessions from that day are charged at it.",
        template="money/staff/agreed_fee_form.html",
        **_money_context(_settings(client.practice)),
    )


@staff_required
@require_POST
def agreed_fee_stop(request, fee_uuid):
    fee, staff = get_agreed_fee_for_staff(request.user, fee_uuid)
    client = fee.client
    try:
        agreed_fee_end(fee=fee, by=staff, on=_today(client.practice), request=request)
    except MoneyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Ended today. Later sessions are charged at the practice's fee.")
    return redirect("money:client", client_uuid=client.uuid)


@staff_required
@require_POST
def waive(request, charge_uuid):
    charge, staff = get_charge_for_staff(request.user, charge_uuid)
    form = WaiveForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        charge_waive(charge=charge, by=staff, reason=reason, request=request)
    except MoneyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Waived. It won't be invoiced.")
    return redirect("money:client", client_uuid=charge.client.uuid)


@staff_required
@require_POST
def reinstate(request, charge_uuid):
    charge, staff = get_charge_for_staff(request.user, charge_uuid)
    try:
        charge_reinstate(charge=charge, by=staff, request=request)
    except MoneyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "It will be charged after all: it is waiting to be invoiced.")
    return redirect("money:client", client_uuid=charge.client.uuid)


@staff_required
@require_POST
def issue(request, client_uuid):
    """Issue now what is waiting: one invoice per supplier (a therapist invoicing in their own name, or the practice)."""
    client, staff = get_client_for_billing(request.user, client_uuid)
    charges = list(Charge.objects.for_client(client).waiting().select_related("therapist__practice"))
    groups: dict[int, list[Charge]] = {}
    for charge in charges:
        groups.setdefault(supplier_for(charge.therapist).pk, []).append(charge)
    issued = []
    try:
        if not groups:
            raise MoneyError("There is nothing waiting to be invoiced.")
        for group in groups.values():
            issued.append(invoice_issue(client=client, charges=group, by=staff, request=request))
    except MoneyError as error:
        messages.error(request, str(error))
    if issued:
        names = ", ".join(invoice.reference for invoice in issued)
        messages.success(request, f"Issued {names}. We've emailed {client.display_name}.")
        if len(issued) == 1:
            return redirect("money:invoice", invoice_uuid=issued[0].uuid)
    return redirect("money:client", client_uuid=client.uuid)


def _invoice_page(request, invoice, staff, *, void_form=None, status=200):
    # The client's practice (read with the invoice) is the invoice's: its settings are read once, here.
    settings = _settings(invoice.client.practice)
    standing = standing_of(invoice)
    state, notes, payments = standing.state, standing.credit_notes, standing.payments
    may_void = (
        not invoice.is_void
        and not invoice.is_credit_note
        and not payments
        and not notes
        and not (state is not None and state.paid)
    )
    may_credit = (
        not invoice.is_void and not invoice.is_credit_note and state is not None and state.credited < invoice.total
    )
    audit_read(request, invoice, client=invoice.client)
    return render(
        request,
        "money/staff/invoice.html",
        {
            **document_context(invoice, settings=settings),
            "client": invoice.client,
            "state": state,
            "credit_notes": notes,
            "payments": payments,
            "may_void": may_void,
            "may_credit": may_credit,
            "void_form": void_form or VoidForm(),
            "currency": invoice.currency,
            "locale": settings.locale,
        },
        status=status,
    )


@staff_required
def invoice_detail(request, invoice_uuid):
    invoice, staff = get_invoice_for_staff(request.user, invoice_uuid)
    return _invoice_page(request, invoice, staff)


@staff_required
@require_POST
def void(request, invoice_uuid):
    invoice, staff = get_invoice_for_staff(request.user, invoice_uuid)
    form = VoidForm(request.POST)
    if form.is_valid():
        try:
            invoice_void(invoice=invoice, by=staff, reason=form.cleaned_data["reason"], request=request)
        except MoneyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{invoice.reference} is void. Its sessions are waiting to be invoiced again.")
            return redirect("money:invoice", invoice_uuid=invoice.uuid)
    return _invoice_page(request, invoice, staff, void_form=form, status=400)


@staff_required
def credit_note(request, invoice_uuid):
    invoice, staff = get_invoice_for_staff(request.user, invoice_uuid)
    settings = _settings(invoice.client.practice)
    lines = list(invoice.lines.all())
    left = credit_left(invoice)
    form = CreditNoteForm(
        request.POST if request.method == "POST" else None,
        lines=lines,
        left=left,
        currency=invoice.currency,
        locale=settings.locale,
    )
    refused = invoice.is_void or invoice.is_credit_note or not any(left.values())
    if request.method == "POST" and not refused and form.is_valid():
        try:
            note = credit_note_issue(
                invoice=invoice, amounts=form.amounts(), reason=form.cleaned_data["reason"], by=staff, request=request
            )
        except MoneyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f"Credit note {note.reference} issued. We've emailed {invoice.client.display_name}."
            )
            return redirect("money:invoice", invoice_uuid=invoice.uuid)
    return render(
        request,
        "money/staff/credit_note.html",
        {"invoice": invoice, "form": form, "refused": refused},
        status=400 if request.method == "POST" else 200,
    )


@staff_required
def invoice_pdf(request, invoice_uuid):
    invoice, _staff = get_invoice_for_staff(request.user, invoice_uuid)
    from money.pdf import document_pdf  # WeasyPrint takes seconds to import

    audit_read(request, invoice, client=invoice.client, detail={"pdf": True})
    response = HttpResponse(document_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document_filename(invoice)}"'
    return response


@staff_required
def payment_new(request, client_uuid):
    client, staff = get_client_for_billing(request.user, client_uuid)
    settings = _settings(client.practice)
    form = PaymentForm(
        request.POST if request.method == "POST" else None,
        invoices=client_waiting(client),
        today=_today(client.practice),
        initial={"invoice": request.GET.get("invoice", "")},
        **_money_context(settings),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        refund = data["kind"] == Payment.Kind.REFUND
        try:
            payment = payment_record(
                client=client,
                amount=data["amount"],
                method=data["method"],
                received_on=data["received_on"],
                invoice=None if refund else data["invoice"],
                kind=data["kind"],
                reference=data["reference"],
                by=staff,
                request=request,
                key=data["key"] or None,
            )
        except MoneyError as error:
            form.add_error(None, str(error))
        else:
            what = "Refund" if payment.kind == Payment.Kind.REFUND else "Payment"
            messages.success(request, f"{what} recorded: receipt {payment.receipt_reference}.")
            return redirect("money:receipt", payment_uuid=payment.uuid)
    return render(
        request,
        "money/staff/payment_new.html",
        {"client": client, "form": form, **_owed_or_credit(totals(client)), **_money_context(settings)},
        status=400 if request.method == "POST" else 200,
    )


@staff_required
def receipt(request, payment_uuid):
    payment, staff = get_payment_for_staff(request.user, payment_uuid)
    settings = _settings(payment.client.practice)
    audit_read(request, payment, client=payment.client)
    return render(
        request,
        "money/staff/receipt.html",
        {
            **document_context(payment, settings=settings),
            "client": payment.client,
            "currency": payment.currency,
            "locale": settings.locale,
        },
    )


@staff_required
def receipt_pdf(request, payment_uuid):
    payment, _staff = get_payment_for_staff(request.user, payment_uuid)
    from money.pdf import document_pdf  # WeasyPrint takes seconds to import

    audit_read(request, payment, client=payment.client, detail={"pdf": True})
    response = HttpResponse(document_pdf(payment), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document_filename(payment)}"'
    return response
