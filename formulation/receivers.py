"""What formulation does when an app it may not be imported by announces something (connected in apps.py)."""

from django.db import transaction

from formulation.tasks import formulation_watch_client


def response_completed(sender, *, client_id, **kwargs):
    """New scores can complete the "symptoms ease while self-compassion stays put" pattern: look again
    once the scores are committed, rather than at the next daily watch."""
    transaction.on_commit(lambda: formulation_watch_client.enqueue(client_id=client_id))
