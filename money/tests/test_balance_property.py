"""Whatever happens to a client's account, in whatever order, the balance is invoices − credit notes
− payments + refunds, and no invoice ever shows less than nothing waiting; and the books kept month by
month (money/books.py) are what summing the records again gives."""

from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from money.books import rebuild
from money.ledger import account, standing_of, totals
from money.models import Charge, Invoice, IssuedMonth, Payment, TakingsMonth
from money.services import MoneyError, credit_left, credit_note_issue, invoice_issue, invoice_void, payment_record
from money.tests.helpers import billing_practice
from tending.testing.factories import ClientFactory

amounts = st.integers(min_value=1, max_value=20000)
# Money received today or up to ten weeks back (this month and the two before), by one of three methods.
days_back = st.integers(min_value=0, max_value=70)
methods = st.sampled_from(["bank", "card", "cash"])


class Account(RuleBasedStateMachine):
    """Issues, voids, credits, payments and refunds in any order; the test keeps its own running total."""

    @initialize()
    def start(self):
        self.client = ClientFactory()
        billing_practice(self.client.practice)
        self.day = self.client.therapist.today()
        self.expected = 0
        self.paid = 0
        self.invoices = []  # pks of this client's invoices: drawn by position, not from a query

    @rule(amount=amounts)
    def issue(self, amount):
        charge = Charge.objects.create(
            practice=self.client.practice,
            client=self.client,
            therapist=self.client.therapist,
            day=self.day,
            amount=amount,
        )
        self.invoices.append(invoice_issue(client=self.client, charges=[charge]).pk)
        self.expected += amount

    def _invoice(self, pick: int) -> Invoice:
        return Invoice.objects.get(pk=self.invoices[pick % len(self.invoices)])

    @precondition(lambda self: self.invoices)
    @rule(pick=st.integers(min_value=0, max_value=99))
    def void(self, pick):
        invoice = self._invoice(pick)
        if invoice.is_void:
            return
        try:
            invoice_void(invoice=invoice, by=None, reason="Issued in error")
        except MoneyError:
            return  # paid or credited: refused, nothing changes
        self.expected -= invoice.total

    @precondition(lambda self: self.invoices)
    @rule(pick=st.integers(min_value=0, max_value=99), share=st.integers(min_value=1, max_value=100))
    def credit(self, pick, share):
        invoice = self._invoice(pick)
        left = credit_left(invoice)
        line_id, room = next(iter(left.items()))
        if invoice.is_void or room == 0:
            return
        amount = max(room * share // 100, 1)
        try:
            credit_note_issue(invoice=invoice, amounts={line_id: amount}, reason="Corrected", by=None)
        except MoneyError:
            return  # nothing left to credit
        self.expected -= amount

    @rule(amount=amounts, pick=st.none() | st.integers(min_value=0, max_value=99), back=days_back, method=methods)
    def pay(self, amount, pick, back, method):
        invoice = self._invoice(pick) if pick is not None and self.invoices else None
        if invoice is not None and invoice.is_void:
            invoice = None
        on = self.day - timedelta(days=back)
        payment_record(client=self.client, amount=amount, method=method, received_on=on, invoice=invoice)
        self.expected -= amount
        self.paid += amount

    @rule(amount=amounts, back=days_back, method=methods)
    def refund(self, amount, back, method):
        on = self.day - timedelta(days=back)
        try:
            payment_record(client=self.client, amount=amount, method=method, received_on=on, kind=Payment.Kind.REFUND)
        except MoneyError:
            assert amount > self.paid
            return
        self.expected += amount
        self.paid -= amount

    @invariant()
    def balance_holds(self):
        state = account(self.client)
        assert state.balance == self.expected
        assert all(s.waiting >= 0 for s in state.invoices)
        # Money paid and unused waits for nothing, and nothing waits while money sits unused.
        assert state.waiting == 0 or state.unused == 0
        # Everything is accounted for: what waits to be paid, less what was paid and is unused.
        assert state.waiting - state.unused == state.balance
        # What lists read (Invoice.waiting, kept by the services) is what the ledger says.
        stored = dict(Invoice.objects.for_client(self.client).issued().invoices().values_list("pk", "waiting"))
        assert stored == {s.invoice.pk: s.waiting for s in state.invoices}
        assert totals(self.client).balance == state.balance  # the database's sums agree
        # An invoice's own page reads its standing from what was stored: the same as the whole account's.
        for document in Invoice.objects.for_client(self.client):
            found, expected = standing_of(document).state, state.state_of(document)
            assert (found and (found.credited, found.paid, found.waiting)) == (
                expected and (expected.credited, expected.paid, expected.waiting)
            )

    @invariant()
    def books_hold(self):
        practice = self.client.practice

        def kept():
            return {
                model: sorted(model.objects.filter(practice=practice).values_list(*columns))
                for model, columns in (
                    (TakingsMonth, ("month", "method", "therapist_id", "payments", "refunds", "received", "refunded")),
                    (IssuedMonth, ("month", "invoices", "invoiced", "credit_notes", "credited")),
                )
            }

        # Rows whose sums all came back to nothing (an invoice issued, then voided) are kept, at zero.
        as_kept = {
            model: [row for row in rows if any(row[3:] if model is TakingsMonth else row[1:])]
            for model, rows in kept().items()
        }
        rebuild(practice.pk)
        assert as_kept == kept()


Account.TestCase.settings = settings(
    max_examples=25, stateful_step_count=12, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


class TestAccount(Account.TestCase, TestCase):
    pass
