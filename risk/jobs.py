"""Risk's periodic jobs, run by the clock (``TENDING_SCHEDULE``) or cron as management commands.

- ``risk_checks`` (every minute): check risky drafts left unsaved, then run every pending risk check
  that is due, retrying those that failed (risk/checks.py).
- ``risk_escalate`` (every five minutes): send open alerts whose time has come to the practice's
  owners. Each alert also has a worker task queued for its moment; this is the backstop.
"""

from risk.checks import risk_checks_run
from risk.services import risk_escalate_due


def checks() -> int:
    """The ``risk_checks`` job. Returns how many checks finished."""
    return risk_checks_run()


def escalate() -> int:
    """The ``risk_escalate`` job. Returns how many alerts were escalated."""
    return risk_escalate_due()
