"""The worker's side of the outbox (``manage.py db_worker``)."""

from django.tasks import task

from outbox.sending import outbox_deliver, outbox_deliver_due


@task
def outbox_send(*, email_id: int) -> str | None:
    """Send one email just written (enqueued when its transaction commits)."""
    return outbox_deliver(email_id=email_id)


@task
def outbox_send_due() -> dict[str, int]:
    """Send every email that is due: retries, and any whose worker stopped mid-send."""
    return outbox_deliver_due()
