"""The staff's money URLs: what is waiting, one client's billing, invoices, credit notes and payments."""

import itertools
import uuid

from django.utils import timezone

from money.models import Charge
from money.services import charge_waive, charges_collect, invoice_issue, payment_record
from money.services_staff import agreed_fee_add
from money.tests.helpers import billing_practice, past_session
from tending.testing.matrix import BILLING_OF_CLIENT, STAFF, Route

_sessions = itertools.count()


def _charge_of_client_a(w) -> Charge:
    """A session of client A's that took place (each at its own hour), charged at the practice's fee."""
    billing_practice(w.practice)
    n = next(_sessions)
    session = past_session(w.client_a, days_ago=20 + n // 6, hour=9 + n % 6)
    charges_collect(practice=w.practice)
    return Charge.objects.get(appointment=session, kind=Charge.Kind.SESSION)


def _waived_charge(w) -> Charge:
    return charge_waive(charge=_charge_of_client_a(w), by=w.therapist, reason="Unwell")


def _invoice_of_client_a(w):
    return invoice_issue(client=w.client_a, charges=[_charge_of_client_a(w)], by=w.therapist)


def _payment_of_client_a(w):
    invoice = _invoice_of_client_a(w)
    return payment_record(
        client=w.client_a, amount=3000, method="bank", received_on=timezone.localdate(), invoice=invoice
    )


def _agreed_fee(w):
    return agreed_fee_add(
        client=w.client_a, by=w.therapist, amount=4000, agreed_on=timezone.localdate(), reason="Student"
    )


def client_a(w, _):
    return {"client_uuid": w.client_a.uuid}


def _credit_whole(w, invoice):
    return {f"line_{line.pk}": "70" for line in invoice.lines.all()} | {"reason": "Session moved"}


def _payment(w, _):
    return {
        "amount": "70",
        "method": "bank",
        "received_on": timezone.localdate().isoformat(),
        "kind": "payment",
        "reference": "Bank ref 12",
        "key": uuid.uuid4().hex,
    }


ROUTES = [
    Route("money:overview", STAFF, setup=_charge_of_client_a),
    Route("money:client", BILLING_OF_CLIENT, setup=_invoice_of_client_a, kwargs=client_a),
    Route(
        "money:client_billing",
        BILLING_OF_CLIENT,
        kwargs=client_a,
        methods=("GET", "POST"),
        post_data={"mode": "monthly", "billing_name": "Cara's mother", "address": "1 Elm Row"},
    ),
    Route(
        "money:agreed_fee_add",
        BILLING_OF_CLIENT,
        kwargs=client_a,
        methods=("GET", "POST"),
        post_data=lambda w, _: {"amount": "40", "agreed_on": timezone.localdate().isoformat(), "reason": "Student"},
    ),
    Route(
        "money:agreed_fee_end",
        BILLING_OF_CLIENT,
        setup=_agreed_fee,
        kwargs=lambda w, fee: {"fee_uuid": fee.uuid},
        methods=("POST",),
    ),
    Route(
        "money:charge_waive",
        BILLING_OF_CLIENT,
        setup=_charge_of_client_a,
        kwargs=lambda w, charge: {"charge_uuid": charge.uuid},
        methods=("POST",),
        post_data={"reason": "Unwell"},
    ),
    Route(
        "money:charge_reinstate",
        BILLING_OF_CLIENT,
        setup=_waived_charge,
        kwargs=lambda w, charge: {"charge_uuid": charge.uuid},
        methods=("POST",),
    ),
    Route(
        "money:invoice_issue",
        BILLING_OF_CLIENT,
        setup=_charge_of_client_a,
        kwargs=client_a,
        methods=("POST",),
    ),
    Route(
        "money:payment_new",
        BILLING_OF_CLIENT,
        setup=_invoice_of_client_a,
        kwargs=client_a,
        methods=("GET", "POST"),
        post_data=_payment,
    ),
    Route("money:invoice", BILLING_OF_CLIENT, setup=_invoice_of_client_a, kwargs=lambda w, i: {"invoice_uuid": i.uuid}),
    Route(
        "money:invoice_void",
        BILLING_OF_CLIENT,
        setup=_invoice_of_client_a,
        kwargs=lambda w, i: {"invoice_uuid": i.uuid},
        methods=("POST",),
        post_data={"reason": "Issued in error"},
    ),
    Route(
        "money:credit_note",
        BILLING_OF_CLIENT,
        setup=_invoice_of_client_a,
        kwargs=lambda w, i: {"invoice_uuid": i.uuid},
        methods=("GET", "POST"),
        post_data=_credit_whole,
    ),
    Route(
        "money:invoice_pdf",
        BILLING_OF_CLIENT,
        setup=_invoice_of_client_a,
        kwargs=lambda w, i: {"invoice_uuid": i.uuid},
        not_a_page=True,
    ),
    Route(
        "money:receipt",
        BILLING_OF_CLIENT,
        setup=_payment_of_client_a,
        kwargs=lambda w, p: {"payment_uuid": p.uuid},
    ),
    Route(
        "money:receipt_pdf",
        BILLING_OF_CLIENT,
        setup=_payment_of_client_a,
        kwargs=lambda w, p: {"payment_uuid": p.uuid},
        not_a_page=True,
    ),
]
