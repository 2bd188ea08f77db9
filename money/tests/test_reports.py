"""The office's reports: every figure against hand-computed sums, who may see them, bad periods, and
a query count that does not grow with the practice."""

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from care.services import client_hand_over
from money.models import Charge, Invoice
from money.reports import Period, PeriodError, period_from, practice_report
from money.services import credit_note_issue, invoice_issue, payment_record
from money.tests.helpers import billing_practice
from practice.models import StaffMember
from tending.testing.factories import ClientFactory, StaffFactory, UserFactory
from tending.testing.personas import build_world

pytestmark = pytest.mark.django_db

URL = reverse("money:reports")


@pytest.fixture
def w():
    world = build_world()
    billing_practice(world.practice)
    world.today = world.owner.today()
    return world


def browser(person) -> Browser:
    found = Browser()
    found.force_login(person.user)
    return found


def invoice_days_ago(client, days: int, amount: int = 7000) -> Invoice:
    """A £70 invoice to ``client`` issued at noon ``days`` days before the practice's today."""
    practice = client.practice
    day = client.therapist.today() - timedelta(days=days)
    charge = Charge.objects.create(practice=practice, client=client, therapist=client.therapist, day=day, amount=amount)
    return invoice_issue(client=client, charges=[charge], now=datetime.combine(day, time(12), tzinfo=practice.zone))


def pay(client, amount, method, *, on, invoice=None, refund=False):
    return payment_record(
        client=client,
        amount=amount,
        method=method,
        received_on=on,
        invoice=invoice,
        kind="refund" if refund else "payment",
    )


@pytest.fixture
def books(w):
    """Cara (Ana's) has invoices of 0, 30, 31, 60, 61 and 90 days ago; Eli (Ben's) one of 10 days ago.

    Today: Cara pays £70 by bank for the 61-day one and £30 in cash towards the 60-day one; Eli pays
    £70 by card for his and £20 online against none, and has £15 back on his card. The 31-day one is
    credited £28.
    """
    ages = [0, 30, 31, 60, 61, 90]
    cara = {days: invoice_days_ago(w.client_a, days) for days in ages}
    eli = invoice_days_ago(w.client_c, 10)
    today = w.today
    pay(w.client_a, 7000, "bank", on=today, invoice=cara[61])
    pay(w.client_a, 3000, "cash", on=today, invoice=cara[60])
    pay(w.client_c, 7000, "card", on=today, invoice=eli)
    pay(w.client_c, 2000, "online", on=today)
    pay(w.client_c, 1500, "card", on=today, refund=True)
    line = cara[31].lines.get()
    credit_note_issue(invoice=cara[31], amounts={line.pk: 2800}, reason="A shorter session", by=w.owner)
    w.ages = ages + [10]
    return w


def this_month(w) -> Period:
    return Period.month(w.today.year, w.today.month)


def test_takings_are_payments_less_refunds(books):
    report = practice_report(books.practice, this_month(books), books.today)
    assert report.received == 7000 + 3000 + 7000 + 2000
    assert report.refunded == 1500
    assert report.takings == 17500
    assert [(row["month"], row["takings"]) for row in report.months] == [(books.today.replace(day=1), 17500)]


def test_takings_by_therapist_follow_the_invoice_else_the_client(books):
    report = practice_report(books.practice, this_month(books), books.today)
    assert [(row["name"], row["received"], row["refunded"], row["takings"]) for row in report.therapists] == [
        ("Ana Therapist", 10000, 0, 10000),
        ("Ben Therapist", 9000, 1500, 7500),
    ]


def test_a_months_takings_stay_with_the_therapist_who_had_the_client_when_they_were_paid(books):
    """Eli moves to Ana afterwards: his £20 paid against no invoice and his £15 refund stay Ben's, as the
    books were; what he pays from now on is Ana's."""
    client_hand_over(
        client=books.client_c,
        to_therapist=books.therapist,
        notes_go=True,
        future="move",
        reason="Moved",
        by=books.owner,
    )
    books.client_c.refresh_from_db()
    pay(books.client_c, 500, "cash", on=books.today)
    report = practice_report(books.practice, this_month(books), books.today)
    assert [(row["name"], row["received"], row["refunded"]) for row in report.therapists] == [
        ("Ana Therapist", 10500, 0),
        ("Ben Therapist", 9000, 1500),
    ]


def test_payments_by_method(books):
    report = practice_report(books.practice, this_month(books), books.today)
    found = {
        row["method"]: (row["payments"], row["received"], row["refunds"], row["refunded"]) for row in report.methods
    }
    assert found == {
        "bank": (1, 7000, 0, 0),
        "card": (1, 7000, 1, 1500),
        "cash": (1, 3000, 0, 0),
        "online": (1, 2000, 0, 0),
    }
    assert [row["label"] for row in report.methods] == ["Bank transfer", "Card", "Cash", "Paid online"]


def test_credit_notes_refunds_and_invoices_of_the_period(books):
    report = practice_report(books.practice, this_month(books), books.today)
    assert (report.credit_notes, report.credited) == (1, 2800)
    assert (report.refunds, report.refunded) == (1, 1500)
    first = books.today.replace(day=1)
    in_month = [days for days in books.ages if books.today - timedelta(days=days) >= first]
    assert (report.invoices, report.invoiced) == (len(in_month), 7000 * len(in_month))


def test_what_is_waiting_is_aged_across_the_30_and_60_day_boundaries(books):
    report = practice_report(books.practice, this_month(books), books.today)
    # 0 and 30 days: £70 each, and Eli's 10-day one is paid. 31 days: £70 less £28 credited; 60 days:
    # £70 less £30 paid. 61 days: paid. 90 days: £70.
    assert [(row["label"], row["count"], row["amount"]) for row in report.ages] == [
        ("0 to 30 days", 2, 14000),
        ("31 to 60 days", 2, 4200 + 4000),
        ("Over 60 days", 1, 7000),
    ]
    assert (report.waiting_count, report.waiting) == (5, 14000 + 8200 + 7000)


def test_a_year_shows_each_month_and_the_month_before_counts_there(books):
    last_month = books.today.replace(day=1) - timedelta(days=1)
    pay(books.client_a, 1000, "cash", on=last_month)
    report = practice_report(books.practice, Period.year(last_month.year), books.today)
    assert len(report.months) == 12
    by_month = {row["month"]: row["takings"] for row in report.months}
    assert by_month[last_month.replace(day=1)] == 1000
    if last_month.year == books.today.year:
        assert by_month[books.today.replace(day=1)] == 17500
        assert report.takings == 18500
    else:
        assert report.takings == 1000


def test_another_practices_figures_are_never_counted(books):
    zed = books.outsider
    billing_practice(zed.practice)
    sam_invoice = invoice_days_ago(books.stranger, 5)
    pay(books.stranger, 7000, "cash", on=books.today, invoice=sam_invoice)
    report = practice_report(books.practice, this_month(books), books.today)
    assert report.takings == 17500
    page = browser(zed).get(URL).content.decode()
    assert "Cara" not in page and "Ana Therapist" not in page and "£175.00" not in page
    assert "Zed Outsider" in page and "£70.00" in page


# --- the page -------------------------------------------------------------------------------------


def test_the_owner_sees_the_figures_in_plain_money(books):
    page = browser(books.owner).get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert "£175.00" in text  # takings
    assert "£292.00" in text  # waiting in all
    assert "Ana Therapist" in text and "Paid online" in text


def test_an_administrator_sees_the_reports(books):
    admin = StaffFactory(
        practice=books.practice,
        is_administrator=True,
        is_therapist=False,
        is_owner=False,
        user=UserFactory(email="ada@willow.test", name="Ada Administrator"),
    )
    assert StaffMember.objects.get(pk=admin.pk).runs_office
    page = browser(admin).get(URL)
    assert page.status_code == 200 and "£175.00" in page.content.decode()


def test_a_therapist_who_is_not_an_owner_gets_404(books):
    assert browser(books.therapist).get(URL).status_code == 404
    assert browser(books.colleague).get(URL).status_code == 404


def test_a_client_gets_404_and_a_visitor_is_asked_to_sign_in(books):
    assert browser(books.client_a).get(URL).status_code == 404
    response = Browser().get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "query", ["month=2026-13", "month=garbage", "month=0-0", "year=abc", "year=99999", "month=%00", "month=2026-1-1"]
)
def test_a_period_we_cannot_read_gets_a_kind_word_and_this_month(books, query):
    page = browser(books.owner).get(f"{URL}?{query}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Please choose" in text and "Here is this month instead." in text
    assert "£175.00" in text


def test_a_month_and_a_year_can_be_chosen(books):
    owner = browser(books.owner)
    last_year = books.today.year - 1
    text = owner.get(f"{URL}?year={last_year}").content.decode()
    assert f"Reports: {last_year}" in text and "December" in text
    text = owner.get(f"{URL}?month={last_year}-02").content.decode()
    assert f"Reports: February {last_year}" in text and "No payments in" in text


def test_period_from_reads_months_and_years(w):
    today = w.today
    assert period_from({}, today) == Period.month(today.year, today.month)
    assert period_from({"month": "2024-02"}, today) == Period.month(2024, 2)
    assert period_from({"month": "2024-02"}, today).last.day == 29
    assert period_from({"year": "2023"}, today) == Period.year(2023)
    for bad in ({"month": "2024-13"}, {"month": "1999-01"}, {"year": str(today.year + 2)}, {"month": "x"}):
        with pytest.raises(PeriodError):
            period_from(bad, today)
    assert Period.month(2024, 1).previous() == Period.month(2023, 12)
    assert Period.month(2024, 12).next() == Period.month(2025, 1)


def test_no_clinical_word_is_on_the_page(books):
    page = browser(books.owner).get(URL).content.decode().lower()
    main = page[page.index("<main") : page.index("</main>")]  # the page itself, not the owner's menu
    assert "credit notes issued" in main
    for word in ("diagnos", "formulation", "session note", "clinical", "risk", "overdue", "missed", "failed"):
        assert word not in main


# --- queries ----------------------------------------------------------------------------------------


def _queries(person) -> int:
    page = browser(person)
    page.get(URL)  # warm: the first request's session refresh
    with CaptureQueriesContext(connection) as captured:
        assert page.get(URL).status_code == 200
    return len(captured)


def _grow(w, n):
    for _ in range(n):
        client = ClientFactory(therapist=w.colleague)
        invoice = invoice_days_ago(client, 40)
        pay(client, 2000, "card", on=w.today, invoice=invoice)
        pay(client, 1000, "cash", on=w.today)
        pay(client, 500, "cash", on=w.today, refund=True)
        line = invoice.lines.get()
        credit_note_issue(invoice=invoice, amounts={line.pk: 1000}, reason="Moved", by=w.owner)


def test_the_page_makes_the_same_queries_with_one_client_or_ten(w):
    _grow(w, 1)
    few = _queries(w.owner)
    _grow(w, 9)
    many = _queries(w.owner)
    assert many == few


@pytest.mark.parametrize("clients", [1, 10])
def test_the_figures_take_five_queries_with_one_client_or_ten(w, clients, django_assert_num_queries):
    _grow(w, clients)
    # By month and method (one grouped query), by therapist and their names, what was issued, what is waiting.
    with django_assert_num_queries(5):
        report = practice_report(w.practice, this_month(w), w.today)
    assert report.received == 3000 * clients and report.waiting_count == clients


# --- links ------------------------------------------------------------------------------------------


def test_the_money_overview_links_the_reports_for_the_office_only(books):
    link = f'href="{URL}"'
    assert link in browser(books.owner).get(reverse("money:overview")).content.decode()
    assert link not in browser(books.therapist).get(reverse("money:overview")).content.decode()


def test_the_page_offers_each_suppliers_files_for_the_period(books):
    text = browser(books.owner).get(f"{URL}?month={books.today:%Y-%m}").content.decode()
    supplier = Invoice.objects.filter(practice=books.practice).first().supplier
    assert f"{reverse('money:export_invoices')}?month={books.today:%Y-%m}&amp;supplier={supplier.uuid}" in text
    assert f"{reverse('money:export_payments')}?month={books.today:%Y-%m}&amp;supplier={supplier.uuid}" in text
