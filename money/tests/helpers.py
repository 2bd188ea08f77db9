"""Shared set-up for money tests: a practice that bills, and sessions that have taken place."""

from datetime import date, timedelta

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
    """A session of ``client`` that ended ``days_ago`` days before now."""
    start = (timezone.now() - timedelta(days=days_ago)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return session_for(client, start, **fields)
