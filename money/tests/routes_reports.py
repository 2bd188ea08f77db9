"""The office's books: the reports page and the accountant's CSV files (owners and administrators)."""

from django.utils import timezone

from money.services import invoice_issue, payment_record
from money.tests.routes_staff import _charge_of_client_a
from tending.testing.matrix import OFFICE, Route


def _books(w):
    """Something to count: an invoice of client A's (a session at an hour of its own), paid in part today."""
    invoice = invoice_issue(client=w.client_a, charges=[_charge_of_client_a(w)], by=w.owner)
    return payment_record(
        client=w.client_a, amount=3000, method="card", received_on=timezone.localdate(), invoice=invoice
    )


ROUTES = [
    Route("money:reports", OFFICE, setup=_books),
    # Without ``supplier`` the file is the practice's own: each persona gets their own practice's.
    Route("money:export_invoices", OFFICE, setup=_books, not_a_page=True),
    Route("money:export_payments", OFFICE, setup=_books, not_a_page=True),
]
