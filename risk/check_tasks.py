"""The worker's side of pending risk checks (risk/checks.py), run by ``manage.py db_worker``.

Kept apart from risk/tasks.py (the alert emails) so each can change on its own.
"""

from django.tasks import task

from risk.checks import risk_check_run_one


@task
def risk_check_run(*, check_id: int) -> bool:
    """Check one piece of saved words just after they were committed.

    If this fails, or never runs, the row stays due and ``manage.py risk_checks`` runs it.
    """
    return risk_check_run_one(check_id=check_id)
