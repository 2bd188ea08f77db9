"""A client's "My invoices": only their own, in gentle words; the signed email links; the
late-cancellation policy shown before booking and when cancelling."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from bookings.models import Kind, WorkingHours
from bookings.slots import free_slots
from money.links import LINK_DAYS, document_token
from money.models import BillingMode, Charge, ClientBilling, Payment
from money.panels import booking_terms
from money.services import client_billing, credit_note_issue, invoice_issue, invoice_void, payment_record
from money.tests.helpers import billing_practice
from tending.logs import redact_path
from tending.testing.factories import ClientFactory, PracticeFactory, StaffFactory, session_for

pytestmark = pytest.mark.django_db

BANNED = re.compile(r"\b(overdue|missed|failed|late payment|debt|arrears)\b", re.I)


@pytest.fixture
def world():
    practice = PracticeFactory()
    billing_practice(practice, payment_instructions="Sort code 12-34-56, account 12345678")
    therapist = StaffFactory(practice=practice)
    cara, dev = ClientFactory(therapist=therapist), ClientFactory(therapist=therapist)

    def invoice_for(client, days_ago=40, amount=7000):
        day = timezone.localdate() - timedelta(days=days_ago)
        charge = Charge.objects.create(practice=practice, client=client, therapist=therapist, day=day, amount=amount)
        return invoice_issue(client=client, charges=[charge], now=timezone.now() - timedelta(days=days_ago - 1))

    waiting = invoice_for(cara)  # issued weeks ago: past its payment date
    paid = invoice_for(cara, days_ago=60)
    payment = payment_record(client=cara, amount=7000, method="bank", received_on=timezone.localdate(), invoice=paid)
    credited = invoice_for(cara, days_ago=80)
    note = credit_note_issue(invoice=credited, amounts={credited.lines.get().pk: 7000}, reason="A kindness", by=None)
    devs = invoice_for(dev)
    return {
        "practice": practice,
        "therapist": therapist,
        "cara": cara,
        "dev": dev,
        "waiting": waiting,
        "paid": paid,
        "payment": payment,
        "note": note,
        "devs": devs,
    }


def page_text(response) -> str:
    return re.sub(r"<[^>]+>", " ", response.content.decode())


def test_my_invoices_shows_only_my_own_in_gentle_words(client, world):
    client.force_login(world["cara"].user)
    response = client.get(reverse("money:mine"))
    assert response.status_code == 200
    text = page_text(response)
    for document in (world["waiting"], world["paid"], world["note"]):
        assert document.reference in text
    assert world["payment"].receipt_reference in text
    assert world["devs"].uuid.hex not in response.content.decode().replace("-", "")
    assert str(world["devs"].uuid) not in text
    assert "Waiting to be paid: £70.00" in " ".join(text.split())
    assert "Sort code 12-34-56" in text  # how to pay
    assert "Attach PDFs to my invoice emails" in text
    assert "shows that you are seeing a therapist" in text
    assert not BANNED.search(text), BANNED.search(text)
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_my_invoices_rows_say_where_each_stands_and_each_receipt(client, world):
    cara, practice = world["cara"], world["practice"]
    charge = Charge.objects.create(
        practice=practice, client=cara, therapist=world["therapist"], day=timezone.localdate(), amount=5000
    )
    part = invoice_issue(client=cara, charges=[charge])
    payment_record(client=cara, amount=2000, method="card", received_on=timezone.localdate(), invoice=part)
    charge = Charge.objects.create(
        practice=practice, client=cara, therapist=world["therapist"], day=timezone.localdate(), amount=6000
    )
    voided = invoice_void(invoice=invoice_issue(client=cara, charges=[charge]), by=None, reason="Sent twice")
    # Paid over the odds, and the extra given back: what each invoice waits for is unchanged.
    payment_record(client=cara, amount=1000, method="card", received_on=timezone.localdate())
    payment_record(client=cara, amount=1000, method="bank", received_on=timezone.localdate(), kind=Payment.Kind.REFUND)
    client.force_login(cara.user)
    page = client.get(reverse("money:mine")).content.decode()

    def row(document, kind, state):
        document.refresh_from_db()
        url = reverse("money:mine_document", kwargs={"invoice_uuid": document.uuid})
        return (
            f'<tr>\n      <td><a href="{url}">{kind} {document.reference}</a></td>\n'
            f"      <td>{timezone.localtime(document.issued_at):%-d %b %Y}</td>\n"
            f"      <td>£{document.total / 100:.2f}</td>\n      <td>{state}</td>\n    </tr>"
        )

    waiting = world["waiting"]
    assert row(waiting, "Invoice", f"Waiting to be paid, by {waiting.due_on:%-d %b %Y}") in page
    assert row(world["paid"], "Invoice", "Paid") in page
    assert row(world["note"], "Credit note", f"Credits invoice {world['note'].credits.reference}") in page
    assert row(part, "Invoice", "Part paid: £30.00 waiting to be paid") in page
    assert row(voided, "Invoice", "Void: nothing to pay") in page
    for payment in Payment.objects.filter(client=cara):
        url = reverse("money:mine_receipt", kwargs={"payment_uuid": payment.uuid})
        kind = "Refund" if payment.kind == Payment.Kind.REFUND else "Receipt"
        assert (
            f'<li><a href="{url}">{kind} {payment.receipt_reference}</a>:\n'
            f"      £{payment.amount / 100:.2f}, {payment.received_on:%-d %b %Y}, {payment.get_method_display().lower()}</li>"
        ) in page


def test_credit_in_my_favour_is_shown(client, world):
    payment_record(client=world["cara"], amount=10000, method="card", received_on=timezone.localdate())
    client.force_login(world["cara"].user)
    text = " ".join(page_text(client.get(reverse("money:mine"))).split())
    assert "There is nothing waiting to be paid." in text
    assert "£30.00 in credit" in text


def test_a_document_and_its_pdf_are_mine_and_nobody_elses(client, world):
    client.force_login(world["cara"].user)
    page = client.get(reverse("money:mine_document", kwargs={"invoice_uuid": world["waiting"].uuid}))
    assert page.status_code == 200
    assert world["waiting"].reference in page.content.decode()
    pdf = client.get(reverse("money:mine_document_pdf", kwargs={"invoice_uuid": world["waiting"].uuid}))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    receipt = client.get(reverse("money:mine_receipt", kwargs={"payment_uuid": world["payment"].uuid}))
    assert world["payment"].receipt_reference in receipt.content.decode()

    client.force_login(world["dev"].user)
    for name, kwargs in [
        ("money:mine_document", {"invoice_uuid": world["waiting"].uuid}),
        ("money:mine_document_pdf", {"invoice_uuid": world["waiting"].uuid}),
        ("money:mine_receipt", {"payment_uuid": world["payment"].uuid}),
        ("money:mine_receipt_pdf", {"payment_uuid": world["payment"].uuid}),
    ]:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 404, name


def test_the_therapist_is_not_a_client_here(client, world):
    client.force_login(world["therapist"].user)
    assert client.get(reverse("money:mine")).status_code == 404


def test_a_signed_link_opens_the_document_without_signing_in_and_is_audited(client, world):
    invoice = world["waiting"]
    token = document_token("invoice", invoice.uuid)
    url = reverse("money:document_link", kwargs={"what": "invoice", "token": token})
    response = client.get(url)
    assert response.status_code == 200
    assert invoice.reference in response.content.decode()
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.filter(action=AuditEvent.Action.READ, object_type="money.invoice").latest("at")
    assert event.object_id == str(invoice.uuid)
    assert event.client_id == world["cara"].uuid
    assert token not in event.path and "<token>" in event.path
    assert redact_path(url) == "/money/d/invoice/<token>/"

    pdf = client.get(reverse("money:document_link_pdf", kwargs={"what": "invoice", "token": token}))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    receipt_token = document_token("receipt", world["payment"].uuid)
    receipt = client.get(reverse("money:document_link", kwargs={"what": "receipt", "token": receipt_token}))
    assert world["payment"].receipt_reference in receipt.content.decode()
    assert AuditEvent.objects.filter(object_type="money.payment", object_id=str(world["payment"].uuid)).exists()


def test_a_receipt_token_never_opens_an_invoice(client, world):
    token = document_token("receipt", world["waiting"].uuid)
    response = client.get(reverse("money:document_link", kwargs={"what": "invoice", "token": token}))
    assert response.status_code == 410


def test_an_altered_link_gives_a_kind_page(client, world):
    token = document_token("invoice", world["waiting"].uuid)
    other = document_token("invoice", world["devs"].uuid)
    forged = str(world["devs"].uuid) + token[len(str(world["waiting"].uuid)) :]
    for bad in (token[:-2] + "xx", forged, "nonsense", other[:-1]):
        response = client.get(reverse("money:document_link", kwargs={"what": "invoice", "token": bad}))
        assert response.status_code == 410
        assert "sign in and open “My invoices”" in response.content.decode()
        pdf = client.get(reverse("money:document_link_pdf", kwargs={"what": "invoice", "token": bad}))
        assert pdf.status_code == 410
    assert client.get(f"/money/d/statement/{token}/").status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.READ, object_type="money.invoice").exists()


def test_an_ended_link_gives_a_kind_page(client, world):
    token = document_token("invoice", world["waiting"].uuid)
    url = reverse("money:document_link", kwargs={"what": "invoice", "token": token})
    with time_machine.travel(timezone.now() + timedelta(days=LINK_DAYS - 1)):
        assert client.get(url).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=LINK_DAYS + 1)):
        response = client.get(url)
    assert response.status_code == 410
    assert "This link has ended" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_the_pdf_preference_is_saved_and_audited(client, world):
    client.force_login(world["cara"].user)
    response = client.post(reverse("money:mine_preferences"), {"email_pdf": "on"})
    assert response.status_code == 302
    assert ClientBilling.objects.get(client=world["cara"]).email_pdf is True
    assert AuditEvent.objects.filter(object_type="money.clientbilling", client_id=world["cara"].uuid).exists()
    page = client.get(reverse("money:mine")).content.decode()
    assert re.search(r'name="email_pdf"[^>]*checked', page)
    client.post(reverse("money:mine_preferences"), {})
    assert ClientBilling.objects.get(client=world["cara"]).email_pdf is False
    assert ClientBilling.objects.get(client=world["dev"]).email_pdf is False
    assert client.get(reverse("money:mine_preferences")).status_code == 405


# --- the late-cancellation policy --------------------------------------------------------------


def _policy(practice, **changes):
    settings = billing_practice(practice, late_cancel_enabled=True, late_cancel_fee=3000, late_cancel_hours=48)
    for name, value in changes.items():
        setattr(settings, name, value)
    settings.save()


def test_the_policy_is_said_plainly_when_there_is_one(rf, world):
    cara = world["cara"]
    request = rf.get("/")
    request.user = cara.user
    assert booking_terms(request, cara) == ""  # no policy, nothing said
    _policy(world["practice"])
    said = " ".join(booking_terms(request, cara).split())
    assert "If you need to cancel less than 48 hours before a session, the practice may charge £30.00." in said
    assert "Your therapist can waive this." in said
    _policy(world["practice"], late_cancel_fee=0)
    assert booking_terms(request, cara) == ""
    _policy(world["practice"])
    billing = client_billing(cara)
    billing.mode = BillingMode.NOT_INVOICED
    billing.save()
    assert booking_terms(request, cara) == ""  # never charged, so never told


def test_the_policy_is_shown_before_booking_and_when_cancelling(client, world):
    _policy(world["practice"])
    cara, therapist = world["cara"], world["therapist"]
    for weekday in range(7):
        WorkingHours.objects.create(therapist=therapist, weekday=weekday, start_time="09:00", end_time="17:00")
    client.force_login(cara.user)
    slot = free_slots(therapist, Kind.SESSION)[0]
    book = client.get(reverse("bookings:book_session", kwargs={"slot": slot.key}))
    assert "the practice may charge £30.00" in book.content.decode()
    start = (timezone.now() + timedelta(days=20)).replace(hour=10, minute=0, second=0, microsecond=0)
    appointment = session_for(cara, start)
    cancel = client.get(reverse("bookings:session_cancel", kwargs={"appointment_uuid": appointment.uuid}))
    assert cancel.status_code == 200
    assert "the practice may charge £30.00" in cancel.content.decode()
    assert not BANNED.search(page_text(cancel))
