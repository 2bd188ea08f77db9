"""The clock's ``money_invoices`` job: what it invoices, when, and what it never does."""

from datetime import datetime, time, timedelta
from io import StringIO

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from bookings.models import Kind
from money.jobs import invoices as money_invoices
from money.models import BillingMode, BillingSettings, Charge, ClientBilling, Invoice
from money.tests.helpers import billing_practice
from practice.models import Client
from tending.testing.factories import ClientFactory, session_for

pytestmark = pytest.mark.django_db


def _at(day, hour, zone, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def _first_of_a_coming_month():
    """The 1st of the month after next, in the practice's zone: always ahead of today, whatever today is."""
    today = timezone.localdate()
    next_month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    return (next_month + timedelta(days=32)).replace(day=1)


@pytest.fixture
def client_():
    client = ClientFactory()
    billing_practice(client.practice)
    return client


def test_the_job_is_on_the_clock_and_runs_as_a_command(client_):
    assert ("money_invoices", 60 * 60) in settings.TENDING_SCHEDULE
    out = StringIO()
    call_command("money_invoices", stdout=out)
    assert out.getvalue().strip() == "Issued 0 invoice(s)."


def test_a_per_session_client_is_invoiced_once_after_the_session_has_ended_and_not_before(client_):
    zone = client_.practice.zone
    start = _at(timezone.localdate() + timedelta(days=2), 10, zone)
    session_for(client_, start)
    with time_machine.travel(start + timedelta(minutes=30), tick=False):
        assert money_invoices() == 0  # the session is still going on
    assert not Invoice.objects.exists()
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        out = StringIO()
        call_command("money_invoices", stdout=out)
        assert out.getvalue().strip() == "Issued 1 invoice(s)."
        assert money_invoices() == 0  # a second run issues nothing twice
    invoice = Invoice.objects.get()
    assert invoice.client == client_
    assert invoice.total == 7000
    assert not invoice.is_statement
    assert invoice.tax_point == start.date()
    assert list(invoice.lines.values_list("day", flat=True)) == [start.date()]
    with time_machine.travel(start + timedelta(days=3), tick=False):
        assert money_invoices() == 0
    assert Invoice.objects.count() == 1
    assert Charge.objects.get().status == Charge.Status.INVOICED


def test_a_monthly_client_gets_last_months_statement_on_the_first(client_):
    ClientBilling.objects.create(client=client_, mode=BillingMode.MONTHLY)
    zone = client_.practice.zone
    first = _first_of_a_coming_month()
    last_month_start = (first - timedelta(days=1)).replace(day=1)
    sessions = [last_month_start + timedelta(days=d) for d in (2, 9, 16)]
    for day in sessions:
        session_for(client_, _at(day, 10, zone))
    this_month = session_for(client_, _at(first + timedelta(days=1), 10, zone))

    with time_machine.travel(_at(last_month_start + timedelta(days=20), 12, zone), tick=False):
        assert money_invoices() == 0  # a monthly client waits for the 1st
    assert not Invoice.objects.exists()
    assert Charge.objects.waiting().count() == 3

    with time_machine.travel(_at(first, 6, zone), tick=False):
        assert money_invoices() == 1
        assert money_invoices() == 0
    statement = Invoice.objects.get()
    assert statement.is_statement
    assert (statement.period_start, statement.period_end) == (last_month_start, first - timedelta(days=1))
    assert sorted(statement.lines.values_list("day", flat=True)) == sessions
    assert statement.total == 3 * 7000

    # This month's session goes on next month's statement, not on this one.
    with time_machine.travel(this_month.end + timedelta(hours=1), tick=False):
        assert money_invoices() == 0
    assert Charge.objects.get(appointment=this_month).status == Charge.Status.WAITING


@pytest.mark.parametrize("status", [Client.CareStatus.PAUSED, Client.CareStatus.ENDED])
def test_paused_and_ended_clients_are_never_invoiced(client_, status):
    monthly = ClientFactory(therapist=client_.therapist)
    ClientBilling.objects.create(client=monthly, mode=BillingMode.MONTHLY)
    zone = client_.practice.zone
    first = _first_of_a_coming_month()
    day = first - timedelta(days=10)
    for client in (client_, monthly):
        session_for(client, _at(day, 10 if client == client_ else 12, zone))
    Client.objects.filter(pk__in=[client_.pk, monthly.pk]).update(care_status=status)
    for moment in (_at(day, 15, zone), _at(first, 6, zone), _at(first + timedelta(days=40), 6, zone)):
        with time_machine.travel(moment, tick=False):
            assert money_invoices() == 0
    assert not Invoice.objects.exists()


def test_the_free_consultation_is_never_charged(client_):
    zone = client_.practice.zone
    start = _at(timezone.localdate() + timedelta(days=2), 10, zone)
    session_for(client_, start, kind=Kind.CONSULTATION)
    with time_machine.travel(start + timedelta(days=1), tick=False):
        assert money_invoices() == 0
    assert not Charge.objects.exists()
    assert not Invoice.objects.exists()


def test_sessions_before_billing_began_are_not_charged(client_):
    zone = client_.practice.zone
    begins = timezone.localdate() + timedelta(days=3)
    BillingSettings.objects.filter(practice=client_.practice).update(bills_sessions_from=begins)
    before = session_for(client_, _at(begins - timedelta(days=1), 10, zone))
    after = session_for(client_, _at(begins, 10, zone))
    with time_machine.travel(_at(begins + timedelta(days=1), 12, zone), tick=False):
        assert money_invoices() == 1
    assert not Charge.objects.filter(appointment=before).exists()
    assert Invoice.objects.get().lines.get().charge.appointment == after
