"""A client's account: what each invoice still waits for, and the balance.

balance = invoices − credit notes − payments + refunds (void documents count for nothing).
A payment named against an invoice pays that invoice first; the rest, and payments named
against none, pay the oldest invoices still waiting; what is left over is credit.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from core.compiled import CompiledRead
from money.models import Invoice, Payment


@dataclass
class InvoiceState:
    invoice: Invoice
    credited: int = 0
    paid: int = 0

    @property
    def waiting(self) -> int:
        """What is still to be paid on it (never below zero)."""
        return max(self.invoice.total - self.credited - self.paid, 0)

    @property
    def is_paid(self) -> bool:
        return self.waiting == 0


@dataclass
class Account:
    invoices: list[InvoiceState] = field(default_factory=list)
    credit_notes: list[Invoice] = field(default_factory=list)
    void: list[Invoice] = field(default_factory=list)  # void invoices: they count for nothing but are listed
    payments: list[Payment] = field(default_factory=list)
    balance: int = 0  # positive: the client owes it; negative: credit in the client's favour
    unused: int = 0  # paid and not refunded, with nothing left waiting to pay

    @property
    def waiting(self) -> int:
        return sum(state.waiting for state in self.invoices)

    @property
    def credit(self) -> int:
        """Credit in the client's favour: payments (or credit notes) beyond what was invoiced."""
        return max(-self.balance, 0)

    def documents_newest_first(self) -> list[Invoice]:
        """Every invoice, credit note and void invoice of the account, newest first (for listing)."""
        documents = [state.invoice for state in self.invoices] + self.credit_notes + self.void
        return sorted(documents, key=lambda document: (document.issued_at, document.number), reverse=True)

    def state_of(self, invoice: Invoice) -> InvoiceState | None:
        return next((s for s in self.invoices if s.invoice.pk == invoice.pk), None)


def balance_of(invoices, payments) -> int:
    """The balance rule alone, from documents and payments (used by the property test too)."""
    total = 0
    for document in invoices:
        if document.status == Invoice.Status.VOID:
            continue
        total += -document.total if document.kind == Invoice.Kind.CREDIT_NOTE else document.total
    return total + sum(payment.signed_amount for payment in payments)


def account(client, *, supplier=None) -> Account:
    """``client``'s account (with one supplier, if given), oldest invoice first. Two queries."""
    documents = Invoice.objects.for_client(client).select_related("supplier", "credits").order_by("issued_at", "number")
    payments = Payment.objects.for_client(client).order_by("received_on", "recorded_at")
    if supplier is not None:
        documents = documents.filter(supplier=supplier)
        payments = payments.filter(supplier=supplier)
    return account_from(list(documents), list(payments))


def account_from(documents: list[Invoice], payments: list[Payment]) -> Account:
    """The account of one client's ``documents`` and ``payments``, already read, oldest first."""
    found = Account(payments=payments, balance=balance_of(documents, payments))
    states = {}
    for document in documents:
        if document.is_void:
            found.void.append(document)
            continue
        if document.is_credit_note:
            found.credit_notes.append(document)
        else:
            states[document.pk] = InvoiceState(document)
            found.invoices.append(states[document.pk])
    for note in found.credit_notes:
        if note.credits_id in states:
            states[note.credits_id].credited += note.total
    # Per supplier, what was paid and not refunded pays named invoices first, then the oldest waiting.
    budget: dict[int, int] = defaultdict(int)
    for payment in payments:
        budget[payment.supplier_id] -= payment.signed_amount
    for payment in payments:
        state = states.get(payment.invoice_id)
        if payment.kind == Payment.Kind.PAYMENT and state is not None:
            used = max(min(payment.amount, state.waiting, budget[payment.supplier_id]), 0)
            state.paid += used
            budget[payment.supplier_id] -= used
    for state in found.invoices:
        used = max(min(budget[state.invoice.supplier_id], state.waiting), 0)
        state.paid += used
        budget[state.invoice.supplier_id] -= used
    found.unused = sum(max(left, 0) for left in budget.values())
    return found


@dataclass
class InvoiceStanding:
    """One invoice's place in its account, read from what ``settle`` stored: no need to rebuild the account."""

    state: InvoiceState | None  # None for a void invoice or a credit note
    credit_notes: list[Invoice]
    payments: list[Payment]


# Read on every view of an invoice: built by the ORM once (core/compiled.py).
_CREDIT_NOTES = CompiledRead(
    Invoice,
    lambda shape, *, invoice: Invoice.objects.filter(
        credits=invoice, kind=Invoice.Kind.CREDIT_NOTE, status=Invoice.Status.ISSUED
    ),
    {"invoice": int},
)
_PAYMENTS_OF = CompiledRead(
    Payment,
    lambda shape, *, invoice: Payment.objects.filter(invoice=invoice).order_by("received_on", "recorded_at"),
    {"invoice": int},
)


def standing_of(invoice: Invoice) -> InvoiceStanding:
    """What ``invoice`` is credited and paid, its credit notes and the payments named against it. Two queries.

    The same figures as ``account(...).state_of(invoice)``: ``Invoice.waiting`` is stored by ``settle`` from that
    account in the transaction of every change, so what was paid is its total less credit and what waits.
    """
    notes = _CREDIT_NOTES.objects(invoice=invoice.pk)
    payments = _PAYMENTS_OF.objects(invoice=invoice.pk)
    state = None
    if not invoice.is_void and not invoice.is_credit_note:
        credited = sum(note.total for note in notes)
        state = InvoiceState(invoice, credited=credited, paid=max(invoice.total - credited - invoice.waiting, 0))
    return InvoiceStanding(state, notes, payments)


def settle(client, *, supplier=None) -> None:
    """Store on each of ``client``'s invoices what is still waiting (``Invoice.waiting``), by the rule above.

    The services call it in the transaction of every change to the account (issue, void, credit note,
    payment, refund). Only rows whose amount changed are written.
    """
    found = account(client, supplier=supplier)
    changed = [(state.invoice.pk, state.waiting) for state in found.invoices if state.invoice.waiting != state.waiting]
    changed += [(document.pk, 0) for document in found.void + found.credit_notes if document.waiting]
    for pk, waiting in changed:
        Invoice.objects.filter(pk=pk).update(waiting=waiting)


@dataclass
class Totals:
    balance: int  # the rule above: positive is owed, negative is credit
    documents: int  # how many invoices and credit notes, void ones included (for paging)
    payments: int  # how many payments and refunds


def _document_sums(shape, *, client):
    # Grouped by the client (one group) so that the sums are a queryset CompiledRead keeps: one row, or none.
    issued = Q(status=Invoice.Status.ISSUED)
    return (
        Invoice.objects.filter(client=client)
        .order_by()
        .values("client")
        .annotate(
            invoiced=Sum("total", filter=issued & Q(kind=Invoice.Kind.INVOICE), default=0),
            credited=Sum("total", filter=issued & Q(kind=Invoice.Kind.CREDIT_NOTE), default=0),
            count=Count("pk"),
        )
        .values_list("invoiced", "credited", "count")
    )


def _payment_sums(shape, *, client):
    return (
        Payment.objects.filter(client=client)
        .order_by()
        .values("client")
        .annotate(
            paid=Sum("amount", filter=Q(kind=Payment.Kind.PAYMENT), default=0),
            refunded=Sum("amount", filter=Q(kind=Payment.Kind.REFUND), default=0),
            count=Count("pk"),
        )
        .values_list("paid", "refunded", "count")
    )


# Read on every money page of a client: built by the ORM once, run with each client's id (core/compiled.py).
_DOCUMENT_SUMS = CompiledRead(Invoice, _document_sums, {"client": int})
_PAYMENT_SUMS = CompiledRead(Payment, _payment_sums, {"client": int})


def totals_asked(client) -> list:
    """The two reads of ``totals``, to read ahead with a page's others (``core.compiled.reads_ahead``)."""
    return [_DOCUMENT_SUMS.asked(client=client.pk), _PAYMENT_SUMS.asked(client=client.pk)]


def totals(client) -> Totals:
    """``client``'s balance by the rule above, summed in the database, with how many documents and payments
    there are: two queries, whatever the history."""
    documents_read, payments_read = totals_asked(client)
    invoiced, credited, documents = documents_read.row(default=(0, 0, 0))
    paid, refunded, payments = payments_read.row(default=(0, 0, 0))
    return Totals(balance=invoiced - credited - paid + refunded, documents=documents, payments=payments)
