"""Background work for reminders, run by the worker (``manage.py db_worker``).

The clock's ``selfcare_reminders`` job (every five minutes, selfcare/jobs.py;
docs/practices-selfcare-journal.md) enqueues ``send_due_reminders``.
"""

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from selfcare.models import Reminder
from selfcare.services import _local_now, reminder_claim, reminder_send, reminders_due


@task
def send_due_reminders() -> int:
    """Claim each reminder due now and write its email to the outbox in the same transaction, so a
    reminder is marked sent exactly when its email is kept. Returns how many were queued."""
    now = timezone.now()
    sent = 0
    for reminder in reminders_due(now):
        with transaction.atomic():
            if reminder_claim(reminder=reminder, local_date=_local_now(reminder, now).date()):
                reminder_send(reminder=reminder)
                sent += 1
    return sent


@task
def send_reminder(*, reminder_id: int) -> bool:
    reminder = Reminder.objects.select_related("client__user", "client__practice").filter(pk=reminder_id).first()
    # The client may have turned reminders off between the claim and now.
    if reminder is None or not reminder.is_on:
        return False
    with transaction.atomic():
        reminder_send(reminder=reminder)
    return True
