"""Background work for questionnaires, run by ``manage.py db_worker``."""

from django.db import transaction
from django.tasks import task

from practice.models import Client


@task
def measure_request_email(*, client_id: int) -> int:
    """For tasks enqueued before the outbox existed: queue the email now (new requests queue it at once)."""
    from measures.services import _email_client

    client = Client.objects.with_people().filter(pk=client_id).first()
    if client is None:
        return 0
    with transaction.atomic():
        _email_client(client)
    return 1


@task
def measures_open_due() -> int:
    from measures.services import measure_requests_open_due

    return measure_requests_open_due()
