"""The client's money URLs: "My invoices", each document and its PDF, and the signed email links."""

from datetime import timedelta

from django.utils import timezone

from money.links import document_token
from money.models import Charge
from money.services import invoice_issue, payment_record
from money.tests.helpers import billing_practice
from tending.testing.matrix import CLIENT, CLIENT_OBJECT, PUBLIC, Route


def _documents_of_client_a(w):
    """An invoice of client A's, paid in part (so a receipt too)."""
    billing_practice(w.practice)
    charge = Charge.objects.create(
        practice=w.practice,
        client=w.client_a,
        therapist=w.therapist,
        day=timezone.localdate() - timedelta(days=3),
        amount=7000,
    )
    invoice = invoice_issue(client=w.client_a, charges=[charge])
    payment = payment_record(
        client=w.client_a, amount=3000, method="bank", received_on=timezone.localdate(), invoice=invoice
    )
    return {"invoice": invoice, "payment": payment}


def _invoice(w, made):
    return {"invoice_uuid": made["invoice"].uuid}


def _receipt(w, made):
    return {"payment_uuid": made["payment"].uuid}


def _invoice_link(w, made):
    return {"what": "invoice", "token": document_token("invoice", made["invoice"].uuid)}


ROUTES = [
    Route("money:mine", CLIENT, setup=_documents_of_client_a),
    Route("money:mine_preferences", CLIENT, methods=("POST",), post_data={"email_pdf": "on"}),
    Route("money:mine_document", CLIENT_OBJECT, setup=_documents_of_client_a, kwargs=_invoice),
    Route("money:mine_document_pdf", CLIENT_OBJECT, setup=_documents_of_client_a, kwargs=_invoice, not_a_page=True),
    Route("money:mine_receipt", CLIENT_OBJECT, setup=_documents_of_client_a, kwargs=_receipt),
    Route("money:mine_receipt_pdf", CLIENT_OBJECT, setup=_documents_of_client_a, kwargs=_receipt, not_a_page=True),
    Route("money:document_link", PUBLIC, setup=_documents_of_client_a, kwargs=_invoice_link),
    Route("money:document_link_pdf", PUBLIC, setup=_documents_of_client_a, kwargs=_invoice_link, not_a_page=True),
]
