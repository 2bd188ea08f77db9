"""Background work for the symptom-shift watch, run by ``manage.py db_worker``."""

from django.tasks import task

from formulation.services import insights_refresh
from practice.models import Client


@task
def formulation_watch_client(*, client_id: int) -> int:
    """Re-run both rules for one client (enqueue after new scores arrive)."""
    client = Client.objects.select_related("practice").filter(pk=client_id).first()
    return len(insights_refresh(client=client)) if client is not None else 0
