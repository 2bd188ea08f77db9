"""Shared set-up for money tests: a practice that bills, and sessions that have taken place."""

from datetime import date

from money.models import BillingSettings, Fee
from tending.testing.factories import on_practice_calendar, session_for

LONG_AGO = date(2020, 1, 1)


def billing_practice(practice, *, fee=7000, **settings) -> BillingSettings:
    """``practice`` bills every session since 2020 at ``fee`` (minor units), with ``settings`` on top."""
    billing = BillingSettings.for_practice(practice)
    billing.bills_sessions_from = LONG_AGO
    for name, value in settings.items():
        setattr(billing, name, value)
    billing.save()
    Fee.objects.create(practice=practice, amount=fee, valid_from=LONG_AGO)
    return billing


def past_session(client, *, days_ago=3, hour=10, **fields):
    """A session of ``client`` at ``hour`` o'clock ``days_ago`` days before today, on the practice's calendar
    (so the dates its invoice and superbill print are the ones the test expects at any hour)."""
    start = on_practice_calendar(client.practice, days=-days_ago, hour=hour)
    return session_for(client, start, **fields)
