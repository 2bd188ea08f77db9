"""Questionnaires' periodic job, run by the clock (``TENDING_SCHEDULE``) or cron as a management command.

- ``measures_due`` (every 15 minutes): open the questionnaires whose rhythm has come round and tell
  the client. Fortnightly and four-weekly ones are also opened by a worker task queued when the last
  form was completed; "before each session" ones, and any task that was lost, wait for this job.

``manage.py measures due``, its name before, still runs it for one release (``measures score`` and
``measures change`` stay as they are).
"""

from measures.services import measure_requests_open_due


def due() -> int:
    """The ``measures_due`` job. Returns how many questionnaires it opened."""
    return measure_requests_open_due()
