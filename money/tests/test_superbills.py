"""Superbills for US practices: the client asks, their own therapist prepares, the client downloads the PDF.

Nobody else sees one (a diagnosis code is clinical), nothing of it exists outside the US, and it is never
attached to an email.
"""

import io
import json
import re
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from audit.models import AuditEvent
from bookings.models import Mode
from dataprivacy.models import ErasureRequest, PrivacySettings
from dataprivacy.services import erasure_complete, erasure_request, retention_run
from money.forms_setup import SupplierForm
from money.models import AgreedFee, BillingSettings, Charge, ClientBilling, Fee, Invoice, Superbill
from money.services import (
    charge_waive,
    charges_collect,
    credit_note_issue,
    invoice_issue,
    payment_record,
    practice_supplier,
    therapist_billing,
)
from money.superbills import (
    clean_npi,
    npi_is_valid,
    parse_diagnosis_codes,
    session_lines,
    superbill_prepare,
    superbill_request,
)
from money.tests.helpers import LONG_AGO, past_session
from outbox.models import Email
from practice.models import Client
from practice.services import emergency_access_grant
from tending.testing.factories import ClientFactory, PracticeFactory, StaffFactory

pytestmark = pytest.mark.django_db

THERAPIST_NPI = "1245319599"
SUPPLIER_NPI = "1234567893"


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _markup(response) -> str:
    """The page's HTML without its random tokens (CSRF, CSP nonces): a token can spell any three capitals."""
    html = response.content.decode()
    html = re.sub(r'("X-CSRFToken": ")[^"]*', r"\1", html)
    html = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]*', r"\1", html)
    return re.sub(r'(nonce=")[^"]*', r"\1", html)


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def _signed_in(client, user):
    client.force_login(user)
    return client


def _us_practice(country="US"):
    practice = PracticeFactory(country=country, time_zone="America/New_York")
    settings = BillingSettings.for_practice(practice)
    settings.bills_sessions_from = LONG_AGO
    settings.save()
    Fee.objects.create(practice=practice, amount=15000, cpt_code="90834", valid_from=LONG_AGO)
    Fee.objects.create(practice=practice, amount=17000, mode=Mode.ONLINE, cpt_code="90837", valid_from=LONG_AGO)
    supplier = practice_supplier(practice)
    supplier.name, supplier.address = "Cedar Counseling LLC", "12 Elm Street\nSpringfield, IL 62701"
    supplier.npi, supplier.tax_id = SUPPLIER_NPI, "12-3456789"
    supplier.save()
    return practice


@pytest.fixture
def us():
    """A US practice: Ana (LCSW, her own NPI) sees Cara, who had an office session 10 days ago (paid) and an
    online one 3 days ago (waiting to be paid), both invoiced; Dev is Ana's other client."""
    practice = _us_practice()
    ana = StaffFactory(practice=practice, user__name="Ana Rivera")
    billing = therapist_billing(ana)
    billing.register, billing.register_other, billing.registration_number = "other", "LCSW", "IL 149.012345"
    billing.npi = THERAPIST_NPI
    billing.save()
    cara = ClientFactory(therapist=ana, user__name="Cara Jones")
    ClientBilling.objects.create(client=cara, address="3 Oak Avenue\nChicago, IL 60601")
    dev = ClientFactory(therapist=ana, user__name="Dev Patel")
    past_session(cara, days_ago=10)
    past_session(cara, days_ago=3, mode=Mode.ONLINE)
    past_session(dev, days_ago=4)
    assert charges_collect(practice=practice) == 3
    invoice = invoice_issue(client=cara, charges=list(Charge.objects.for_client(cara)))
    payment_record(client=cara, amount=15000, method="card", received_on=timezone.localdate(), invoice=invoice)
    today = timezone.localdate(timezone=practice.zone)
    return {"practice": practice, "ana": ana, "cara": cara, "dev": dev, "invoice": invoice, "today": today}


def _ask(http, today, *, first=None, last=None):
    first = first or today - timedelta(days=20)
    last = last or today
    return http.post(
        reverse("money:superbill_ask"),
        {"period": "dates", "first_day": first.isoformat(), "last_day": last.isoformat()},
    )


def _prepared(us, codes=("F41.1",)) -> Superbill:
    superbill, _ = superbill_request(
        client=us["cara"], first_day=us["today"] - timedelta(days=20), last_day=us["today"]
    )
    return superbill_prepare(superbill=superbill, by=us["ana"], diagnosis_codes=list(codes))


# --- the whole flow --------------------------------------------------------------------------------


def test_a_client_asks_their_therapist_prepares_and_the_client_downloads_the_pdf(us, client):
    cara_http = _signed_in(client, us["cara"].user)
    mine = cara_http.get(reverse("money:mine"))
    assert "for your own claim to your insurer" in _text(mine)
    response = _ask(cara_http, us["today"])
    assert response.status_code == 302
    superbill = Superbill.objects.get(client=us["cara"])
    assert superbill.prepared_at is None
    assert "your therapist is preparing it" in _text(cara_http.get(reverse("money:mine")))
    # Not ready yet: nothing to open.
    assert cara_http.get(reverse("money:mine_superbill", kwargs={"superbill_uuid": superbill.uuid})).status_code == 404

    ana_http = _signed_in(HttpClient(), us["ana"].user)
    home = _text(ana_http.get(reverse("caseload:home")))
    assert "Superbills asked for" in home and "Cara Jones" in home
    money_page = _text(ana_http.get(reverse("money:client", kwargs={"client_uuid": us["cara"].uuid})))
    assert "waiting for you to prepare it" in money_page
    url = reverse("money:superbill", kwargs={"superbill_uuid": superbill.uuid})
    assert ana_http.get(url).status_code == 200
    response = ana_http.post(url, {"diagnosis_codes": "f41.1, Z63.0"})
    assert response.status_code == 302
    superbill.refresh_from_db()
    assert superbill.prepared_at is not None and superbill.prepared_by == us["ana"]
    assert superbill.diagnosis_codes == "F41.1, Z63.0"
    assert "Superbills asked for" not in _text(ana_http.get(reverse("caseload:home")))

    assert "ready" in _text(cara_http.get(reverse("money:mine")))
    page = _text(cara_http.get(reverse("money:mine_superbill", kwargs={"superbill_uuid": superbill.uuid})))
    assert "F41.1, Z63.0" in page and "90834" in page
    pdf = cara_http.get(reverse("money:mine_superbill_pdf", kwargs={"superbill_uuid": superbill.uuid}))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Cache-Control"].startswith("max-age=0") or "no-store" in pdf["Cache-Control"]
    text = _pdf_text(pdf.content)
    ten_ago = (us["today"] - timedelta(days=10)).strftime("%m/%d/%Y")
    three_ago = (us["today"] - timedelta(days=3)).strftime("%m/%d/%Y")
    for expected in (
        "Superbill",
        "Cedar Counseling LLC",  # provider
        "12 Elm Street",
        SUPPLIER_NPI,
        "12-3456789",  # tax ID
        "Ana Rivera",  # rendering therapist
        "LCSW registration IL 149.012345",
        THERAPIST_NPI,
        "Cara Jones",  # patient
        "3 Oak Avenue",
        "F41.1, Z63.0",  # diagnosis
        ten_ago,
        three_ago,
        "90834",  # CPT of the office session
        "90837",  # CPT of the online one: the fee in force for that session's mode
        "11 (Office)",
        "10 (Telehealth in the patient's home)",
        "$150.00",
        "$170.00",
        "$320.00",  # total fees
        "Total paid",
    ):
        assert expected in text, expected
    # Ana was told a client asked, Cara that it is ready: no name, nothing clinical, no attachment, only a
    # link to the signed-in page. No email anywhere carries the superbill or its codes.
    asked = Email.objects.get(kind="money_document_asked")
    assert asked.to == us["ana"].user.email and asked.subject == "A client has asked for a document"
    assert "Cara" not in asked.body and reverse("caseload:home") in asked.body
    ready = Email.objects.get(kind="money_document_ready")
    assert ready.to == us["cara"].user.email and reverse("money:mine") in ready.body
    for email in Email.objects.all():
        assert json.loads(email.extra or "{}").get("attachments") in (None, [])
        assert "F41.1" not in email.body and "uperbill" not in email.subject + email.body + email.kind


def test_each_session_line_says_what_was_charged_and_what_was_paid(us):
    lines = session_lines(_prepared(us), us["ana"])
    assert [(line.cpt_code, line.place_code, line.charged, line.paid) for line in lines] == [
        ("90834", "11", 15000, 15000),
        ("90837", "10", 17000, 0),
    ]


def test_waived_and_late_cancellation_charges_and_credited_sessions_are_left_out(us):
    cara, ana = us["cara"], us["ana"]
    waived = Charge.objects.create(
        practice=us["practice"], client=cara, therapist=ana, day=us["today"] - timedelta(days=5), amount=15000
    )
    charge_waive(charge=waived, by=ana, reason="")
    Charge.objects.create(
        practice=us["practice"],
        client=cara,
        therapist=ana,
        day=us["today"] - timedelta(days=6),
        amount=5000,
        kind=Charge.Kind.LATE_CANCELLATION,
    )
    invoice = us["invoice"]
    online_line = invoice.lines.get(charge__appointment__mode=Mode.ONLINE)
    credit_note_issue(invoice=invoice, amounts={online_line.pk: 2000}, reason="A shorter session", by=None)
    lines = session_lines(_prepared(us), ana)
    assert [(line.charged, line.paid) for line in lines] == [(15000, 15000), (15000, 0)]


def test_a_session_under_an_agreed_fee_keeps_the_cpt_code_of_its_kind(us):
    dev = us["dev"]
    AgreedFee.objects.create(client=dev, amount=6000, agreed_on=LONG_AGO)
    past_session(dev, days_ago=2)
    charges_collect(practice=us["practice"])
    superbill, _ = superbill_request(client=dev, first_day=us["today"] - timedelta(days=2), last_day=us["today"])
    [line] = session_lines(superbill, us["ana"])
    assert (line.cpt_code, line.charged) == ("90834", 6000)


# --- who sees what ---------------------------------------------------------------------------------


def test_only_the_clients_own_therapist_prepares_and_an_emergency_owner_only_reads(us, client):
    superbill = _prepared(us)
    practice = us["practice"]
    url = reverse("money:superbill", kwargs={"superbill_uuid": superbill.uuid})
    administrator = StaffFactory(practice=practice, is_administrator=True, is_therapist=False, is_owner=False)
    owner = StaffFactory(practice=practice, is_owner=True, is_therapist=False)
    colleague = StaffFactory(practice=practice)
    outsider = StaffFactory(practice=_us_practice(), is_owner=True)
    for person in (administrator, owner, colleague, outsider, us["dev"]):
        http = _signed_in(client, person.user)
        assert http.get(url).status_code == 404, person
        assert http.post(url, {"diagnosis_codes": "F32.0"}).status_code == 404, person
        if hasattr(person, "is_owner"):
            page = http.get(reverse("money:client", kwargs={"client_uuid": us["cara"].uuid}))
            assert "F41.1" not in page.content.decode() and "Superbills" not in page.content.decode()
    superbill.refresh_from_db()
    assert superbill.diagnosis_codes == "F41.1"

    emergency = StaffFactory(practice=practice, is_owner=True, is_therapist=False)
    emergency_access_grant(owner=emergency, client=us["cara"], reason="A risk alert and Ana cannot be reached")
    http = _signed_in(client, emergency.user)
    read = http.get(url)
    assert (
        read.status_code == 200 and "F41.1" in _text(read) and "<form" not in read.content.decode().split("<main")[-1]
    )
    assert http.post(url, {"diagnosis_codes": "F32.0"}).status_code == 404
    superbill.refresh_from_db()
    assert superbill.diagnosis_codes == "F41.1"


def test_a_client_opens_only_their_own_superbills(us, client):
    superbill = _prepared(us)
    http = _signed_in(client, us["dev"].user)
    for name in ("money:mine_superbill", "money:mine_superbill_pdf"):
        assert http.get(reverse(name, kwargs={"superbill_uuid": superbill.uuid})).status_code == 404
    staff_http = _signed_in(client, us["ana"].user)
    assert staff_http.get(reverse("money:mine_superbill", kwargs={"superbill_uuid": superbill.uuid})).status_code == 404


def test_staff_reading_a_prepared_superbill_is_audited_and_no_audit_row_holds_a_code(us, client):
    superbill = _prepared(us, codes=("F41.1", "Z63.0"))
    http = _signed_in(client, us["ana"].user)
    http.get(reverse("money:superbill", kwargs={"superbill_uuid": superbill.uuid}))
    events = AuditEvent.objects.filter(object_type="money.superbill", object_id=str(superbill.uuid))
    assert {event.action for event in events} == {
        AuditEvent.Action.CREATE,
        AuditEvent.Action.UPDATE,
        AuditEvent.Action.READ,
    }
    logged = json.dumps([event.detail for event in events])
    assert "F41" not in logged and "Z63" not in logged


def test_nothing_of_superbills_exists_outside_the_us(client):
    practice = _us_practice(country="GB")
    ana = StaffFactory(practice=practice)
    cara = ClientFactory(therapist=ana)
    past_session(cara, days_ago=3)
    charges_collect(practice=practice)
    superbill = Superbill.objects.create(client=cara, first_day=LONG_AGO, last_day=timezone.localdate())
    superbill_prepare(superbill=superbill, by=ana, diagnosis_codes=[])
    http = _signed_in(client, cara.user)
    assert "uperbill" not in http.get(reverse("money:mine")).content.decode()
    today = timezone.localdate()
    assert _ask(http, today).status_code == 404
    for name in ("money:mine_superbill", "money:mine_superbill_pdf"):
        assert http.get(reverse(name, kwargs={"superbill_uuid": superbill.uuid})).status_code == 404
    http = _signed_in(client, ana.user)
    assert http.get(reverse("money:superbill", kwargs={"superbill_uuid": superbill.uuid})).status_code == 404
    assert "uperbill" not in http.get(reverse("money:client", kwargs={"client_uuid": cara.uuid})).content.decode()
    owner = StaffFactory(practice=practice, is_owner=True)
    http = _signed_in(client, owner.user)
    assert "CPT" not in _markup(http.get(reverse("money:fees")))
    assert "NPI" not in _markup(http.get(reverse("money:settings")))
    assert "NPI" not in _markup(http.get(reverse("money:my_billing")))


# --- what people type ------------------------------------------------------------------------------


def test_the_npi_check_digit_is_checked_as_nppes_does():
    assert npi_is_valid(THERAPIST_NPI) and npi_is_valid(SUPPLIER_NPI)
    assert not npi_is_valid("1234567890")
    assert clean_npi(" 1245 319 599 ") == THERAPIST_NPI
    assert parse_diagnosis_codes("f41.1,  Z63.0; F4311 f41.1") == ["F41.1", "Z63.0", "F4311"]


@pytest.mark.parametrize("typed", ["banana", "F4", "41.1", "F41.12345", "F41..1"])
def test_a_wrong_diagnosis_code_gets_a_kind_message_and_keeps_what_was_typed(us, client, typed):
    superbill, _ = superbill_request(
        client=us["cara"], first_day=us["today"] - timedelta(days=20), last_day=us["today"]
    )
    http = _signed_in(client, us["ana"].user)
    response = http.post(
        reverse("money:superbill", kwargs={"superbill_uuid": superbill.uuid}), {"diagnosis_codes": f"F41.1, {typed}"}
    )
    assert response.status_code == 400
    text = _text(response)
    assert "does not look like an ICD-10 code" in text and "for example F41.1" in text
    assert f'value="F41.1, {typed}"' in response.content.decode()
    superbill.refresh_from_db()
    assert superbill.prepared_at is None


def test_reversed_future_and_empty_periods_get_kind_messages_and_ask_for_nothing(us, client):
    http = _signed_in(client, us["cara"].user)
    today = us["today"]
    reversed_ = _ask(http, today, first=today - timedelta(days=2), last=today - timedelta(days=9))
    assert reversed_.status_code == 400 and "Please swap them round" in _text(reversed_)
    assert f'value="{(today - timedelta(days=9)).isoformat()}"' in reversed_.content.decode()
    future = _ask(http, today, first=today - timedelta(days=2), last=today + timedelta(days=9))
    assert future.status_code == 400 and "sessions that have already taken place" in _text(future)
    empty = _ask(http, today, first=today - timedelta(days=400), last=today - timedelta(days=300))
    assert empty.status_code == 400 and "no sessions charged between" in _text(empty)
    missing = http.post(reverse("money:superbill_ask"), {"period": "dates"})
    assert missing.status_code == 400 and "Please give the first day" in _text(missing)
    assert not Superbill.objects.exists()


def test_asking_twice_for_the_same_period_makes_one_request(us, client):
    http = _signed_in(client, us["cara"].user)
    _ask(http, us["today"])
    _ask(http, us["today"])
    assert Superbill.objects.for_client(us["cara"]).count() == 1


def test_the_month_list_defaults_to_last_month(us, client):
    http = _signed_in(client, us["cara"].user)
    last_month = (us["today"].replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    assert re.search(rf'<option value="{last_month}" selected', http.get(reverse("money:mine")).content.decode())


def test_us_setup_forms_take_cpt_codes_npis_and_eins_with_kind_messages(us, client):
    owner = StaffFactory(practice=us["practice"], is_owner=True, is_therapist=False)
    http = _signed_in(client, owner.user)
    start = (us["today"] + timedelta(days=3)).isoformat()
    bad = http.post(reverse("money:fees"), {"amount": "150", "valid_from": start, "cpt_code": "9083"})
    assert bad.status_code == 400 and "A CPT code is five digits" in _text(bad)
    good = http.post(reverse("money:fees"), {"amount": "150", "valid_from": start, "cpt_code": "h0004"})
    assert good.status_code == 302
    assert Fee.objects.filter(practice=us["practice"], cpt_code="H0004").exists()
    assert "H0004" in _text(http.get(reverse("money:fees")))

    ana_http = _signed_in(client, us["ana"].user)
    response = ana_http.post(reverse("money:my_billing"), {"register": "", "npi": "1245319598"})
    assert response.status_code == 400 and "does not add up" in _text(response)
    assert 'value="1245319598"' in response.content.decode()
    billing = therapist_billing(us["ana"])
    billing.refresh_from_db()
    assert billing.npi == THERAPIST_NPI


def test_the_practice_supplier_npi_and_ein_are_checked(us):
    supplier = practice_supplier(us["practice"])
    data = {
        "name": "Cedar",
        "tax_status": "none",
        "invoice_prefix": "INV-",
        "credit_prefix": "CN-",
        "receipt_prefix": "R-",
        "npi": "12345",
        "tax_id": "123456789",
    }
    form = SupplierForm(data, instance=supplier)
    assert not form.is_valid()
    assert "An NPI is ten digits" in form.errors["npi"][0]
    assert form.cleaned_data["tax_id"] == "12-3456789"
    form = SupplierForm({**data, "npi": "1234567893", "tax_id": "12-34567"}, instance=supplier)
    assert not form.is_valid() and "NN-NNNNNNN" in form.errors["tax_id"][0]


# --- erasure and retention -------------------------------------------------------------------------


def test_erasing_a_client_with_a_superbill_keeps_it_restricted_and_retention_deletes_it(us, client):
    superbill = _prepared(us)
    cara = us["cara"]
    owner = StaffFactory(practice=us["practice"], is_owner=True, is_therapist=False)
    PrivacySettings.objects.update_or_create(practice=us["practice"], defaults={"retention_years": 1})
    erasure_complete(erasure=erasure_request(client=cara), owner=owner)
    assert Superbill.objects.filter(pk=superbill.pk).exists()
    http = _signed_in(client, us["ana"].user)
    assert http.get(reverse("money:superbill", kwargs={"superbill_uuid": superbill.uuid})).status_code == 404

    retain_until = ErasureRequest.objects.get(client=cara).retain_until
    with time_machine.travel(datetime.combine(retain_until + timedelta(days=2), time(12), tzinfo=UTC), tick=False):
        retention_run()
    # The diagnosis goes with the rest of the record; the invoices wait for their own six years.
    assert not Superbill.objects.filter(pk=superbill.pk).exists()
    assert Invoice.objects.for_client(cara).exists()
    with time_machine.travel(timezone.now() + timedelta(days=365 * 7), tick=False):
        retention_run()
    assert not Client.objects.filter(pk=cara.pk).exists()


def test_a_month_from_the_list_asks_for_that_month_up_to_today(us, client):
    http = _signed_in(client, us["cara"].user)
    day = us["today"] - timedelta(days=10)
    response = http.post(reverse("money:superbill_ask"), {"period": f"{day:%Y-%m}"})
    assert response.status_code == 302
    superbill = Superbill.objects.get(client=us["cara"])
    assert superbill.first_day == day.replace(day=1)
    month_end = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    assert superbill.last_day == min(month_end, us["today"])
    bad = http.post(reverse("money:superbill_ask"), {"period": "1999-01"})
    assert bad.status_code == 400 and "Please choose a month from the list" in _text(bad)


def test_only_the_clients_own_therapist_is_told_on_their_home(us, client):
    superbill_request(client=us["cara"], first_day=us["today"] - timedelta(days=20), last_day=us["today"])
    colleague = StaffFactory(practice=us["practice"])
    assert "Superbills asked for" not in _text(_signed_in(client, colleague.user).get(reverse("caseload:home")))
    assert "Superbills asked for" in _text(_signed_in(client, us["ana"].user).get(reverse("caseload:home")))
