"""Self-care's periodic job, run by the clock (``TENDING_SCHEDULE``) or cron as a management command.

- ``selfcare_reminders`` (every five minutes): ask the worker to send the reminders due now
  (``selfcare.tasks.send_due_reminders``, which claims each one so none goes twice).

``send_selfcare_reminders``, its name before, still runs it for one release.
"""

from selfcare.tasks import send_due_reminders


def reminders() -> str:
    """The ``selfcare_reminders`` job. Returns the id of the queued sweep."""
    return send_due_reminders.enqueue().id
