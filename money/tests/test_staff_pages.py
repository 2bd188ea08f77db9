"""The staff's money pages: who sees what, waiving, issuing, voiding, crediting, payments, and fixed queries."""

import uuid

import pytest
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from dataprivacy.openings import record_openings
from money.ledger import account
from money.models import AgreedFee, Charge, ClientBilling, Invoice, Payment
from money.services import charges_collect, credit_note_issue, invoice_issue, invoice_void, payment_record
from money.tests.helpers import billing_practice, past_session
from tending.testing.personas import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    world = build_world()
    billing_practice(world.practice)
    return world


def browser(person) -> Browser:
    found = Browser()
    found.force_login(person.user)
    return found


_hour = iter(range(10_000))


def charge_of(client) -> Charge:
    """A session of ``client`` that took place, charged at the practice's £70."""
    n = next(_hour)
    session = past_session(client, days_ago=5 + n // 8, hour=9 + n % 8)
    charges_collect(practice=client.practice)
    return Charge.objects.get(appointment=session)


def invoice_of(client, by=None) -> Invoice:
    return invoice_issue(client=client, charges=[charge_of(client)], by=by)


def today():
    return timezone.localdate()


# --- who sees what -------------------------------------------------------------------------------


def test_a_therapist_sees_only_their_own_clients_money(w):
    cara_invoice = invoice_of(w.client_a)
    eli_invoice = invoice_of(w.client_c)
    ana, ben = browser(w.therapist), browser(w.colleague)

    page = ana.get(reverse("money:overview")).content.decode()
    assert cara_invoice.reference in page and "Cara Client" in page
    assert "Eli Client" not in page

    page = ben.get(reverse("money:overview")).content.decode()
    assert "Eli Client" in page and "Cara Client" not in page
    for url in (
        reverse("money:client", kwargs={"client_uuid": w.client_a.uuid}),
        reverse("money:invoice", kwargs={"invoice_uuid": cara_invoice.uuid}),
        reverse("money:payment_new", kwargs={"client_uuid": w.client_a.uuid}),
    ):
        assert ben.get(url).status_code == 404
    assert ana.get(reverse("money:invoice", kwargs={"invoice_uuid": eli_invoice.uuid})).status_code == 404


def test_an_owner_sees_the_whole_practice(w):
    invoice_of(w.client_a)
    invoice_of(w.client_c)
    owner = browser(w.owner)
    page = owner.get(reverse("money:overview")).content.decode()
    assert "Cara Client" in page and "Eli Client" in page
    assert "waiting to be paid" in page.lower()
    assert "overdue" not in page.lower()
    assert owner.get(reverse("money:client", kwargs={"client_uuid": w.client_c.uuid})).status_code == 200


def test_the_overviews_rows_name_the_client_the_date_and_the_amount(w):
    invoice = invoice_of(w.client_a)
    charge = charge_of(w.client_a)
    payment = payment_record(
        client=w.client_a, amount=3000, method=Payment.Method.CASH, received_on=today(), invoice=invoice
    )
    page = browser(w.therapist).get(reverse("money:overview")).content.decode()
    cara = reverse("money:client", kwargs={"client_uuid": w.client_a.uuid})
    assert (
        f'<tr><td><a href="{cara}">Cara Client</a></td><td>{charge.day:%-d %b %Y}</td>'
        '<td>Session</td><td class="amount">£70.00</td></tr>'
    ) in page
    invoice.refresh_from_db()
    assert (
        f'<tr><td><a href="{reverse("money:invoice", kwargs={"invoice_uuid": invoice.uuid})}">{invoice.reference}</a>'
        f'</td><td><a href="{cara}">Cara Client</a></td><td>{invoice.tax_point:%-d %b %Y}</td>'
        f"<td>{(timezone.localdate(timezone=w.practice.zone) - invoice.tax_point).days}</td>"
        '<td class="amount">£40.00</td></tr>'
    ) in page
    assert (
        f'<tr><td><a href="{reverse("money:receipt", kwargs={"payment_uuid": payment.uuid})}">'
        f'{payment.receipt_reference}</a></td><td><a href="{cara}">Cara Client</a></td>'
        f'<td>{payment.received_on:%-d %b %Y}</td><td>Cash</td><td class="amount">£30.00</td></tr>'
    ) in page


def test_clients_and_other_practices_are_refused(w):
    invoice = invoice_of(w.client_a)
    cara, zed = browser(w.client_a), browser(w.outsider)
    assert cara.get(reverse("money:overview")).status_code == 404
    assert cara.get(reverse("money:client", kwargs={"client_uuid": w.client_a.uuid})).status_code == 404
    assert cara.get(reverse("money:invoice", kwargs={"invoice_uuid": invoice.uuid})).status_code == 404
    assert zed.get(reverse("money:invoice", kwargs={"invoice_uuid": invoice.uuid})).status_code == 404
    assert "Cara" not in zed.get(reverse("money:overview")).content.decode()


def test_the_client_page_shows_the_balance_and_opening_an_invoice_is_audited_out_of_the_clients_openings(w):
    invoice = invoice_of(w.client_a)
    response = browser(w.therapist).get(reverse("money:client", kwargs={"client_uuid": w.client_a.uuid}))
    page = response.content.decode()
    assert invoice.reference in page and "£70.00 waiting to be paid" in page
    browser(w.owner).get(reverse("money:invoice", kwargs={"invoice_uuid": invoice.uuid}))
    reads = AuditEvent.objects.filter(action=AuditEvent.Action.READ, client_id=w.client_a.uuid)
    assert list(reads.values_list("object_type", flat=True)) == ["money.invoice"]
    # Money is not the clinical record: "the owner read your record" would be untrue of checking an invoice.
    assert record_openings(w.client_a) == []


def test_the_client_pages_rows_say_each_documents_state_and_each_payment(w):
    waiting, paid, credited, voided = (invoice_of(w.client_a) for _ in range(4))
    payment_record(client=w.client_a, amount=7000, method=Payment.Method.CASH, received_on=today(), invoice=paid)
    note = credit_note_issue(
        invoice=credited, amounts=dict(credited.lines.values_list("pk", "total")), reason="Ill", by=w.therapist
    )
    invoice_void(invoice=voided, by=w.therapist, reason="Sent twice")
    # Paid over the odds, and the extra given back: the paid invoice stays paid.
    payment_record(client=w.client_a, amount=1000, method=Payment.Method.CARD, received_on=today())
    payment_record(
        client=w.client_a,
        amount=1000,
        method=Payment.Method.BANK_TRANSFER,
        received_on=today(),
        kind=Payment.Kind.REFUND,
    )
    page = browser(w.therapist).get(reverse("money:client", kwargs={"client_uuid": w.client_a.uuid})).content.decode()

    def row(document, state, waiting_cell):
        document.refresh_from_db()
        url = reverse("money:invoice", kwargs={"invoice_uuid": document.uuid})
        credits = f" (for {credited.reference})" if document.is_credit_note else ""
        return (
            f'<tr>\n      <td><a href="{url}">{document.reference}</a>{credits}</td>\n'
            f"      <td>{document.tax_point:%-d %b %Y}</td>\n"
            f'      <td class="amount">£{document.total / 100:.2f}</td>\n'
            f'      <td class="amount">{waiting_cell}</td>\n      <td>{state}</td>\n    </tr>'
        )

    assert row(waiting, "Waiting to be paid", "£70.00") in page
    assert row(paid, "Paid", "£0.00") in page
    assert row(credited, "Credited", "£0.00") in page
    assert row(note, "Credit note", "") in page
    assert row(voided, "Void", "") in page
    received, extra, refunded = Payment.objects.filter(client=w.client_a).order_by("kind", "-amount")
    for payment, words in ((received, "£70.00"), (extra, "£10.00"), (refunded, "refund of £10.00")):
        url = reverse("money:receipt", kwargs={"payment_uuid": payment.uuid})
        method = payment.get_method_display().lower()
        assert (
            f'<li><a href="{url}">{payment.receipt_reference}</a>: {words} on {today():%-d %b %Y} ({method})</li>'
            in page
        )


# --- charges and issuing -------------------------------------------------------------------------


def test_waive_in_one_tap_then_charge_after_all(w):
    charge = charge_of(w.client_a)
    ana = browser(w.therapist)
    response = ana.post(reverse("money:charge_waive", kwargs={"charge_uuid": charge.uuid}), {"reason": "Unwell"})
    assert response.status_code == 302
    charge.refresh_from_db()
    assert charge.status == Charge.Status.WAIVED and charge.waived_reason == "Unwell"
    assert "Unwell" in ana.get(response["Location"]).content.decode()

    ana.post(reverse("money:charge_reinstate", kwargs={"charge_uuid": charge.uuid}))
    charge.refresh_from_db()
    assert charge.status == Charge.Status.WAITING

    # Without a reason is fine too: one tap.
    ana.post(reverse("money:charge_waive", kwargs={"charge_uuid": charge.uuid}))
    charge.refresh_from_db()
    assert charge.status == Charge.Status.WAIVED


def test_waiving_twice_says_so_kindly(w):
    charge = charge_of(w.client_a)
    ana = browser(w.therapist)
    url = reverse("money:charge_waive", kwargs={"charge_uuid": charge.uuid})
    ana.post(url)
    response = ana.post(url, follow=True)
    assert response.status_code == 200
    assert "already been invoiced or waived" in response.content.decode()


def test_issue_what_is_waiting(w):
    first, second = charge_of(w.client_a), charge_of(w.client_a)
    response = browser(w.therapist).post(reverse("money:invoice_issue", kwargs={"client_uuid": w.client_a.uuid}))
    invoice = Invoice.objects.get(client=w.client_a)
    assert response.status_code == 302 and response["Location"].endswith(f"/money/invoices/{invoice.uuid}/")
    assert invoice.total == 14000 and invoice.issued_by == w.therapist
    assert set(Charge.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)) == {"invoiced"}


def test_issue_with_nothing_waiting_says_so(w):
    response = browser(w.therapist).post(
        reverse("money:invoice_issue", kwargs={"client_uuid": w.client_a.uuid}), follow=True
    )
    assert response.status_code == 200
    assert "nothing waiting to be invoiced" in response.content.decode()
    assert not Invoice.objects.exists()


# --- invoices ------------------------------------------------------------------------------------


def test_the_invoice_page_shows_the_document_and_its_state(w):
    invoice = invoice_of(w.client_a)
    page = browser(w.therapist).get(reverse("money:invoice", kwargs={"invoice_uuid": invoice.uuid})).content.decode()
    assert invoice.reference in page and "Counselling session" in page and "Waiting to be paid" in page
    assert reverse("money:invoice_void", kwargs={"invoice_uuid": invoice.uuid}) in page
    assert AuditEvent.objects.filter(action=AuditEvent.Action.READ, object_id=str(invoice.uuid)).count() == 1


def test_void_needs_a_reason_and_keeps_the_number(w):
    invoice = invoice_of(w.client_a)
    ana = browser(w.therapist)
    url = reverse("money:invoice_void", kwargs={"invoice_uuid": invoice.uuid})
    response = ana.post(url, {"reason": ""})
    assert response.status_code == 400
    invoice.refresh_from_db()
    assert not invoice.is_void
    ana.post(url, {"reason": "Wrong client"})
    invoice.refresh_from_db()
    assert invoice.is_void and invoice.void_reason == "Wrong client" and invoice.number == 1
    assert Charge.objects.get(client=w.client_a).status == Charge.Status.WAITING


def test_void_is_refused_after_a_payment(w):
    invoice = invoice_of(w.client_a)
    payment_record(client=w.client_a, amount=2000, method="bank", received_on=today(), invoice=invoice)
    ana = browser(w.therapist)
    page = ana.get(reverse("money:invoice", kwargs={"invoice_uuid": invoice.uuid})).content.decode()
    assert reverse("money:invoice_void", kwargs={"invoice_uuid": invoice.uuid}) not in page
    response = ana.post(reverse("money:invoice_void", kwargs={"invoice_uuid": invoice.uuid}), {"reason": "Oops"})
    assert response.status_code == 400
    assert "issue a credit note instead" in response.content.decode()
    invoice.refresh_from_db()
    assert not invoice.is_void


def test_credit_note_defaults_to_what_is_left(w):
    invoice = invoice_of(w.client_a)
    ana = browser(w.therapist)
    url = reverse("money:credit_note", kwargs={"invoice_uuid": invoice.uuid})
    line = invoice.lines.get()
    form = ana.get(url).content.decode()
    assert 'value="£70.00"' in form

    response = ana.post(url, {f"line_{line.pk}": "20", "reason": "Session was shorter"})
    assert response.status_code == 302
    note = Invoice.objects.get(kind=Invoice.Kind.CREDIT_NOTE)
    assert note.total == 2000 and note.credits == invoice

    too_much = ana.post(url, {f"line_{line.pk}": "60", "reason": "Again"})
    assert too_much.status_code == 400
    assert "more than is left" in too_much.content.decode()
    assert Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE).count() == 1
    assert 'value="£50.00"' in ana.get(url).content.decode()


# --- payments ------------------------------------------------------------------------------------


def _payment_form(**fields):
    return {
        "amount": "70",
        "method": "bank",
        "received_on": today().isoformat(),
        "kind": "payment",
        "reference": "",
        "key": uuid.uuid4().hex,
        **fields,
    }


def test_a_payment_and_a_refund_are_recorded_with_receipts(w):
    invoice = invoice_of(w.client_a)
    ana = browser(w.therapist)
    url = reverse("money:payment_new", kwargs={"client_uuid": w.client_a.uuid})
    page = ana.get(url).content.decode()
    assert str(invoice.uuid) in page
    assert page.count("£70.00 is waiting to be paid") == 1 and f"{invoice.reference}: £70.00 waiting to be paid" in page

    response = ana.post(url, _payment_form(amount="£100", invoice=str(invoice.uuid)))
    payment = Payment.objects.get(kind=Payment.Kind.PAYMENT)
    assert response.status_code == 302 and response["Location"].endswith(f"/money/receipts/{payment.uuid}/")
    assert payment.amount == 10000 and payment.invoice == invoice and payment.recorded_by == w.therapist
    assert account(w.client_a).credit == 3000
    assert payment.receipt_reference in ana.get(response["Location"]).content.decode()
    # Paid: the invoice is no longer offered, and the page says what is in credit.
    page = ana.get(url).content.decode()
    assert str(invoice.uuid) not in page and "£30.00 in credit" in page

    assert ana.post(url, _payment_form(amount="30", kind="refund")).status_code == 302
    refund = Payment.objects.get(kind=Payment.Kind.REFUND)
    assert refund.amount == 3000 and refund.invoice is None
    assert account(w.client_a).balance == 0


def test_a_double_submit_records_once(w):
    ana = browser(w.therapist)
    url = reverse("money:payment_new", kwargs={"client_uuid": w.client_a.uuid})
    data = _payment_form()
    first, second = ana.post(url, data), ana.post(url, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Payment.objects.count() == 1


def test_the_form_carries_a_fresh_key(w):
    ana = browser(w.therapist)
    url = reverse("money:payment_new", kwargs={"client_uuid": w.client_a.uuid})
    keys = [ana.get(url).context["form"].initial["key"] for _ in range(2)]
    assert keys[0] != keys[1] and len(keys[0]) == 32


@pytest.mark.parametrize("amount", ["seventy", "70.123", "0", ""])
def test_a_bad_amount_keeps_the_form_with_a_kind_message(w, amount):
    ana = browser(w.therapist)
    url = reverse("money:payment_new", kwargs={"client_uuid": w.client_a.uuid})
    response = ana.post(url, _payment_form(amount=amount, reference="Kept ref"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Kept ref" in page
    assert response.context["form"].errors["amount"]
    assert not Payment.objects.exists()


def test_a_refund_beyond_what_was_paid_is_refused_kindly(w):
    ana = browser(w.therapist)
    url = reverse("money:payment_new", kwargs={"client_uuid": w.client_a.uuid})
    response = ana.post(url, _payment_form(kind="refund"))
    assert response.status_code == 400
    assert "cannot be more than the client has paid" in response.content.decode()


# --- the client's billing and agreed fees ------------------------------------------------------


def test_billing_mode_name_and_address(w):
    ana = browser(w.therapist)
    response = ana.post(
        reverse("money:client_billing", kwargs={"client_uuid": w.client_a.uuid}),
        {"mode": "monthly", "billing_name": "Ruth Client", "address": "1 Elm Row"},
    )
    assert response.status_code == 302
    billing = ClientBilling.objects.get(client=w.client_a)
    assert (billing.mode, billing.billing_name, billing.address) == ("monthly", "Ruth Client", "1 Elm Row")
    event = AuditEvent.objects.filter(object_type="money.clientbilling").latest("pk")
    assert "Elm" not in str(event.detail)


def test_agree_a_fee_then_end_it(w):
    ana = browser(w.therapist)
    response = ana.post(
        reverse("money:agreed_fee_add", kwargs={"client_uuid": w.client_a.uuid}),
        {"amount": "40", "agreed_on": today().isoformat(), "reason": "Student concession"},
    )
    assert response.status_code == 302
    fee = AgreedFee.objects.get(client=w.client_a)
    assert fee.amount == 4000 and fee.recorded_by == w.therapist
    event = AuditEvent.objects.filter(object_type="money.agreedfee").latest("pk")
    assert "Student" not in str(event.detail) and "4000" not in str(event.detail)
    # Private to the therapist and the owners.
    assert (
        "Student concession"
        in ana.get(reverse("money:client", kwargs={"client_uuid": w.client_a.uuid})).content.decode()
    )
    assert browser(w.colleague).post(reverse("money:agreed_fee_end", kwargs={"fee_uuid": fee.uuid})).status_code == 404

    ana.post(reverse("money:agreed_fee_end", kwargs={"fee_uuid": fee.uuid}))
    fee.refresh_from_db()
    assert fee.ends_on == today()


def test_a_bad_agreed_fee_keeps_what_was_typed(w):
    response = browser(w.therapist).post(
        reverse("money:agreed_fee_add", kwargs={"client_uuid": w.client_a.uuid}),
        {"amount": "forty", "agreed_on": today().isoformat(), "reason": "Kept reason"},
    )
    assert response.status_code == 400
    assert "Please enter an amount" in response.content.decode()
    assert "Kept reason" in response.content.decode()
    assert not AgreedFee.objects.exists()


# --- fixed queries -------------------------------------------------------------------------------


def _queries(person, url) -> int:
    page = browser(person)
    page.get(url)  # warm: the session and the practice's billing settings
    with CaptureQueriesContext(connection) as captured:
        assert page.get(url).status_code == 200
    return len(captured)


def _grow(w, n):
    for _ in range(n):
        invoice = invoice_of(w.client_a)
        payment_record(client=w.client_a, amount=1000, method="cash", received_on=today(), invoice=invoice)
        invoice_of(w.client_c)
        charge_of(w.client_b)


@pytest.mark.parametrize("who", ["therapist", "owner"])
def test_the_overview_makes_the_same_queries_however_much_there_is(w, who):
    url = reverse("money:overview")
    _grow(w, 1)
    few = _queries(getattr(w, who), url)
    _grow(w, 4)
    assert _queries(getattr(w, who), url) == few


def test_the_client_page_makes_the_same_queries_however_much_there_is(w):
    url = reverse("money:client", kwargs={"client_uuid": w.client_a.uuid})
    _grow(w, 1)
    charge_of(w.client_a)
    few = _queries(w.therapist, url)
    _grow(w, 4)
    charge_of(w.client_a)
    assert _queries(w.therapist, url) == few


def test_the_stored_waiting_amounts_agree_with_the_ledger(w):
    _grow(w, 3)
    first = invoice_of(w.client_a)
    payment_record(client=w.client_a, amount=20000, method="bank", received_on=today())
    payment_record(client=w.client_a, amount=1000, method="bank", received_on=today(), kind=Payment.Kind.REFUND)
    assert first
    for client in (w.client_a, w.client_b, w.client_c):
        expected = account(client)
        stored = dict(Invoice.objects.for_client(client).invoices().issued().values_list("pk", "waiting"))
        assert stored == {s.invoice.pk: s.waiting for s in expected.invoices}


# --- panels --------------------------------------------------------------------------------------


def test_the_record_and_home_panels(w):
    invoice_of(w.client_a)
    charge_of(w.client_a)
    ana = browser(w.therapist)
    record = ana.get(reverse("practice:client_detail", kwargs={"client_uuid": w.client_a.uuid})).content.decode()
    assert "£70.00 waiting to be paid" in record and "1 charge waiting to be invoiced" in record
    home = ana.get(reverse("caseload:home")).content.decode()
    assert "1 invoice waiting to be paid" in home
    assert reverse("money:overview") in home
