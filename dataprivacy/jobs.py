"""Data privacy's periodic job, run by the clock (``TENDING_SCHEDULE``) or cron as a management command.

- ``dataprivacy_retention`` (daily): ask the worker to delete what is past its retention period
  (``dataprivacy.services.retention_run``, by way of ``dataprivacy.tasks.retention_daily``): among it, an
  ended client's space is kept for the practice's retention period from the end of care; they are emailed
  a month before it closes, and it closes by erasure (``dataprivacy.services.ended_spaces_close``).

``retention``, its name before, still runs it for one release.
"""

from dataprivacy.tasks import retention_daily


def retention() -> str:
    """The ``dataprivacy_retention`` job. Returns the id of the queued task."""
    return retention_daily.enqueue().id
