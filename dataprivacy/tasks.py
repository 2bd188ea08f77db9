from django.tasks import task

from dataprivacy.services import retention_run


@task
def retention_daily() -> dict:
    """Delete what is past its retention period (run daily by `manage.py retention`, on the worker)."""
    return retention_run()
