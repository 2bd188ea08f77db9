"""The clock's money job (``money_invoices`` in ``TENDING_SCHEDULE``, hourly): charge the sessions that have
taken place and issue what is due."""

from money.services import invoices_issue_due
from practice.models import Practice


def invoices(now=None) -> int:
    """The ``money_invoices`` job: per-session invoices after each session; on the 1st, last month's statements.

    Returns how many were issued."""
    return sum(invoices_issue_due(practice=practice, now=now) for practice in Practice.objects.all())
