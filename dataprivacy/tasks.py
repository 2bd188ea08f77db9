from django.tasks import task

from dataprivacy.services import retention_run


@task
def retention_daily() -> dict:
    """Delete what is past its retention period (queued daily by the clock's `dataprivacy_retention` job)."""
    return retention_run()
