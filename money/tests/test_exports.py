"""The accountant's CSV files: Xero's invoice import format byte for byte (a golden file), payments,
formula cells made harmless, who may download them, and each download audited.

The golden practice lives on fixed past dates passed explicitly (never today's), so the files never
change. After a deliberate change to the format, rewrite them with ``TENDING_GOLDEN_UPDATE=1`` and read
the difference before committing it.
"""

import csv
import io
import os
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
import time_machine
from django.test import Client as Browser
from django.urls import reverse

from audit.models import AuditEvent
from money.exports import PAYMENT_COLUMNS, XERO_COLUMNS, payment_rows, safe, to_csv, xero_invoice_rows
from money.models import Charge, Supplier, TaxStatus
from money.services import (
    client_billing,
    credit_note_issue,
    invoice_issue,
    invoice_void,
    payment_record,
    practice_supplier,
    supplier_for,
    therapist_billing,
)
from money.tests.helpers import billing_practice
from tending.testing.factories import ClientFactory, PracticeFactory, StaffFactory, UserFactory
from tending.testing.personas import build_world

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "golden"
# The golden practice's month: March 2025, chosen once and passed explicitly everywhere.
FIRST, LAST = date(2025, 3, 1), date(2025, 3, 31)


def at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)  # London keeps GMT until the 30th of March


def person(name: str, email: str):
    return UserFactory(name=name, email=email)


def charge(client, day: date, amount: int = 7000) -> Charge:
    return Charge.objects.create(
        practice=client.practice, client=client, therapist=client.therapist, day=day, amount=amount
    )


@pytest.fixture
def golden():
    """Golden Books: VAT-registered; Hana is on the HCPC register (exempt), Bo on BACP's (20% VAT)."""
    practice = PracticeFactory(name="Golden Books Practice", slug="golden-books")
    billing_practice(practice)
    owner = StaffFactory(practice=practice, is_owner=True, is_therapist=False, user=person("Gail Owner", "gail@g.test"))
    hana = StaffFactory(practice=practice, user=person("Hana Psychologist", "hana@g.test"))
    bo = StaffFactory(practice=practice, user=person("Bo Counsellor", "bo@g.test"))
    for therapist, register in ((hana, "HCPC"), (bo, "BACP")):
        billing = therapist_billing(therapist)
        billing.register, billing.registration_number = register, "PYL01234"
        billing.save()
    supplier = practice_supplier(practice)
    supplier.tax_status, supplier.vat_number = TaxStatus.VAT, "GB123456789"
    supplier.save()
    alice = ClientFactory(therapist=hana, user=person("Alice Able", "alice@g.test"))
    jo = ClientFactory(therapist=bo, user=person("Jo Carter", "jo@g.test"))
    sum_client = ClientFactory(therapist=bo, user=person("Sam Sum", "sam@g.test"))
    for client, name in ((jo, "Carter, Jo"), (sum_client, "=SUM(A1:A9)")):
        billing = client_billing(client)
        billing.billing_name = name
        billing.save()

    # February's statement for Alice, two exempt lines, issued on the 1st of March.
    statement = invoice_issue(
        client=alice,
        charges=[charge(alice, date(2025, 2, 10)), charge(alice, date(2025, 2, 24))],
        now=at(date(2025, 3, 1), 9),
        period=(date(2025, 2, 1), date(2025, 2, 28)),
    )
    jo_invoice = invoice_issue(client=jo, charges=[charge(jo, date(2025, 3, 5))], now=at(date(2025, 3, 5)))
    sum_invoice = invoice_issue(
        client=sum_client, charges=[charge(sum_client, date(2025, 3, 10))], now=at(date(2025, 3, 10))
    )
    mistake = invoice_issue(client=alice, charges=[charge(alice, date(2025, 3, 11))], now=at(date(2025, 3, 11)))
    invoice_void(invoice=mistake, by=owner, reason="Issued twice")
    with time_machine.travel(at(date(2025, 3, 12)), tick=False):
        line = sum_invoice.lines.get()
        credit_note_issue(invoice=sum_invoice, amounts={line.pk: 2800}, reason="A shorter session", by=owner)
    # April's: outside the month.
    invoice_issue(client=jo, charges=[charge(jo, date(2025, 4, 2))], now=at(date(2025, 4, 2)))

    payment_record(
        client=alice, amount=14000, method="bank", received_on=date(2025, 3, 14), invoice=statement, reference="BACS 01"
    )
    payment_record(client=jo, amount=7000, method="card", received_on=date(2025, 3, 13), invoice=jo_invoice)
    payment_record(client=jo, amount=1000, method="card", received_on=date(2025, 3, 14), kind="refund")
    payment_record(
        client=sum_client, amount=4200, method="cash", received_on=date(2025, 3, 14), reference="+44 paid in cash"
    )
    payment_record(client=jo, amount=7000, method="online", received_on=date(2025, 4, 1))
    return {"practice": practice, "owner": owner, "supplier": supplier, "hana": hana, "bo": bo, "jo": jo}


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("TENDING_GOLDEN_UPDATE") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    assert text.encode("utf-8") == path.read_bytes(), f"{name} differs from the golden file"


def test_the_xero_invoices_file_matches_the_golden_file(golden):
    text = to_csv(XERO_COLUMNS, xero_invoice_rows(golden["supplier"], FIRST, LAST))
    check_golden("xero_invoices.csv", text)


def test_the_payments_file_matches_the_golden_file(golden):
    text = to_csv(PAYMENT_COLUMNS, payment_rows(golden["supplier"], FIRST, LAST))
    check_golden("payments.csv", text)


def test_the_xero_file_reads_as_xero_expects(golden):
    rows = list(csv.DictReader(io.StringIO(to_csv(XERO_COLUMNS, xero_invoice_rows(golden["supplier"], FIRST, LAST)))))
    assert list(rows[0]) == XERO_COLUMNS
    # Alice's statement (two lines), Jo's, Sam's, and Sam's credit note; never the void one nor April's.
    assert [row["*InvoiceNumber"] for row in rows] == ["INV-0001", "INV-0001", "INV-0002", "INV-0003", "CN-0001"]
    statement, _, jo, sums, credit = rows
    assert statement["*InvoiceDate"] == "01/03/2025" and statement["*DueDate"] == "15/03/2025"
    assert statement["*TaxType"] == "Exempt Income" and statement["TaxAmount"] == "0.00"
    assert statement["Total"] == "140.00" and statement["*UnitAmount"] == "70.00"
    assert statement["Reference"] == "Statement 01/02/2025 to 28/02/2025"
    assert jo["*ContactName"] == "Carter, Jo" and jo["*TaxType"] == "20% (VAT on Income)"
    assert jo["TaxAmount"] == "11.67" and jo["*AccountCode"] == "200" and jo["Currency"] == "GBP"
    assert sums["*ContactName"] == "'=SUM(A1:A9)"
    assert credit["*UnitAmount"] == "-28.00" and credit["Total"] == "-28.00" and credit["TaxAmount"] == "-4.67"
    assert credit["Reference"] == "Credit for INV-0003" and credit["*DueDate"] == "12/03/2025"
    for row in rows:
        assert row["EmailAddress"] == "" and row["POAddressLine1"] == ""
        assert row["*Description"].startswith("Counselling session, ")


def test_a_therapist_who_invoices_in_their_own_name_has_their_own_files(golden):
    bo = golden["bo"]
    billing = therapist_billing(bo)
    billing.invoices_in_own_name = True
    billing.save()
    own = supplier_for(bo)
    invoice_issue(client=golden["jo"], charges=[charge(golden["jo"], date(2025, 3, 20))], now=at(date(2025, 3, 20)))
    assert [row[10] for row in xero_invoice_rows(own, FIRST, LAST)] == ["BC-0001"]
    assert "BC-0001" not in to_csv(XERO_COLUMNS, xero_invoice_rows(golden["supplier"], FIRST, LAST))


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("=1+2", "'=1+2"),
        ("+44", "'+44"),
        ("-3", "'-3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Jo", "Jo"),
        ("", ""),
        (None, ""),
    ],
)
def test_formula_cells_are_made_harmless(text, cell):
    assert safe(text) == cell


# --- the downloads -----------------------------------------------------------------------------------


def browser(staff) -> Browser:
    found = Browser()
    found.force_login(staff.user)
    return found


def url(name, supplier, query="month=2025-03"):
    return f"{reverse(name)}?{query}&supplier={supplier.uuid}"


def test_the_owner_downloads_the_files_as_attachments_never_cached_and_audited(golden):
    owner, supplier = golden["owner"], golden["supplier"]
    for name, filename, golden_file in (
        ("money:export_invoices", "xero-invoices-golden-books-practice-2025-03.csv", "xero_invoices.csv"),
        ("money:export_payments", "payments-golden-books-practice-2025-03.csv", "payments.csv"),
    ):
        response = browser(owner).get(url(name, supplier))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
        assert "no-store" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
        assert response.content == (GOLDEN / golden_file).read_bytes()
    events = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, object_type="money.export").order_by("seq")
    assert [(e.detail["what"], e.detail["from"], e.detail["to"], e.detail["rows"]) for e in events] == [
        ("xero-invoices", "2025-03-01", "2025-03-31", 5),
        ("payments", "2025-03-01", "2025-03-31", 4),
    ]
    assert all(e.object_id == str(supplier.uuid) and e.practice_id == golden["practice"].uuid for e in events)


def test_an_administrator_downloads_them_too(golden):
    admin = StaffFactory(
        practice=golden["practice"],
        is_administrator=True,
        is_therapist=False,
        is_owner=False,
        user=person("Ada Administrator", "ada@g.test"),
    )
    assert browser(admin).get(url("money:export_invoices", golden["supplier"])).status_code == 200


def test_therapists_clients_and_other_practices_get_404(golden):
    supplier = golden["supplier"]
    w = build_world()
    for someone in (golden["hana"], w.outsider, w.owner):
        for name in ("money:export_invoices", "money:export_payments"):
            assert browser(someone).get(url(name, supplier)).status_code == 404
    client = Browser()
    client.force_login(golden["jo"].user)
    assert client.get(url("money:export_invoices", supplier)).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_an_unknown_supplier_gets_404(golden):
    owner = browser(golden["owner"])
    assert owner.get(f"{reverse('money:export_invoices')}?month=2025-03&supplier=nope").status_code == 404
    other = Supplier.objects.create(practice=PracticeFactory(), name="Elsewhere")
    assert owner.get(url("money:export_invoices", other)).status_code == 404


def test_without_a_supplier_the_file_is_the_practices_own(golden):
    owner = browser(golden["owner"])
    response = owner.get(f"{reverse('money:export_invoices')}?month=2025-03")
    assert response.content == (GOLDEN / "xero_invoices.csv").read_bytes()
    # A practice that has invoiced nothing yet gets the header alone.
    zed = build_world().outsider
    response = browser(zed).get(f"{reverse('money:export_payments')}?month=2025-03")
    assert response.status_code == 200 and response.content.decode() == ",".join(PAYMENT_COLUMNS) + "\r\n"


@pytest.mark.parametrize("query", ["month=2025-13", "month=soon", "year=20x5"])
def test_a_period_we_cannot_read_goes_back_to_the_reports_with_a_kind_word(golden, query):
    owner = browser(golden["owner"])
    response = owner.get(url("money:export_invoices", golden["supplier"], query), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("money:reports")
    assert "We could not make that file. Please choose" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_a_year_file_holds_the_whole_year(golden):
    response = browser(golden["owner"]).get(url("money:export_invoices", golden["supplier"], "year=2025"))
    assert response["Content-Disposition"].endswith('-2025.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode())))[1:]
    assert [row[10] for row in rows] == ["INV-0001", "INV-0001", "INV-0002", "INV-0003", "CN-0001", "INV-0005"]
