"""The formulation's periodic job, run by the clock (``TENDING_SCHEDULE``) or cron as a management command.

- ``formulation_watch`` (daily): run the symptom-shift watch (formulation/symptom_shift.py) over
  every client in care. Status changes in the formulation are checked the moment they are saved,
  and new questionnaire scores queue a look for their client; this catches the rest, such as time
  passing.
"""

from formulation.services import insights_refresh
from practice.models import Client


def watch() -> int:
    """The ``formulation_watch`` job. Returns how many new suggestions it made."""
    created = 0
    clients = Client.objects.exclude(care_status=Client.CareStatus.ENDED).select_related("practice")
    for client in clients.iterator(chunk_size=200):
        created += len(insights_refresh(client=client))
    return created
