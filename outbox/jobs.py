"""The outbox's periodic job, run by the clock (``TENDING_SCHEDULE``) or cron as a management command.

- ``outbox_send`` (every minute): hand the emails that are due (retries, and any a stopped worker
  left half-sent) to the worker, as one ``outbox.tasks.outbox_send_due`` sweep.
"""

from django_tasks_db.models import DBTaskResult

from outbox.health import uses_database_worker
from outbox.tasks import outbox_send_due


def send() -> bool:
    """The ``outbox_send`` job. False when a sweep was already waiting for the worker."""
    if _already_waiting():
        return False
    outbox_send_due.enqueue()
    return True


def _already_waiting() -> bool:
    """True when a sweep is already waiting for the worker (a stopped worker must not pile them up)."""
    if not uses_database_worker():
        return False
    return DBTaskResult.objects.ready().filter(task_path=outbox_send_due.module_path).exists()
