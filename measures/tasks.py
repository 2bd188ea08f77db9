"""Background work for questionnaires, run by ``manage.py db_worker``.

The task that opens questionnaires when a rhythm comes round, ``measures_open_due``, lives in
measures/services.py beside the code that queues it (tasks import services, never the reverse).
"""

from django.db import transaction
from django.tasks import task

# measures_open_due is imported only for tasks queued before issue 16 (up to four weeks ahead), which
# name it by this module's path; remove it from here one release later.
from measures.services import _email_client, measures_open_due  # noqa: F401
from practice.models import Client


@task
def measure_request_email(*, client_id: int) -> int:
    """For tasks enqueued before the outbox existed: queue the email now (new requests queue it at once)."""
    client = Client.objects.with_people().filter(pk=client_id).first()
    if client is None:
        return 0
    with transaction.atomic():
        _email_client(client)
    return 1
