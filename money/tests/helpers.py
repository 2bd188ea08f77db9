"""Shared set-up for money tests: a practice that bills, and sessions that have taken place."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from money.models import BillingSettings, Fee
from tending.testing.factories import session_for

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
    """A session of ``client`` at ``hour`` o'clock ``days_ago`` days before today, on the practice's calendar.

    On the practice's own calendar, not UTC's: a US practice's evening is already tomorrow in UTC, and a
    session placed by UTC date would land a day off the dates its invoice and superbill print.
    """
    zone = client.practice.zone
    day = timezone.localdate(timezone=zone) - timedelta(days=days_ago)
    start = datetime.combine(day, time(hour), tzinfo=zone)
    return session_for(client, start, **fields)
